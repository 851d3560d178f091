"""``GET /message`` (search by dates, direction, paging) and ``GET /message/{id}``."""

from __future__ import annotations

from mockgateway.domain.model import MessageStatus
from mockgateway.scenario.model import Match, Scenario, Step
from mockgateway.service.gateway import Gateway
from tests.dialects.mobivate.conftest import SINGLE, Client, assert_golden, call

DAY = 86400.0


async def send(client: Client, text: str, recipient: str = "44700011122") -> str:
    sent = await call(client, "POST", "/send/single", {**SINGLE, "body": text, "recipient": recipient})
    return str(sent["id"]).replace("-", "").upper()


async def bodies(client: Client, query: str) -> list[str]:
    return [record["body"] for record in await call(client, "GET", f"/message?{query}")]


async def test_a_delivered_message_reads_as_documented(client: Client, gateway: Gateway) -> None:
    log_id = await send(client, SINGLE["body"])
    await gateway.advance(10)
    assert_golden("message_log.json", await call(client, "GET", f"/message/{log_id}"))


async def test_a_message_not_yet_sent_is_accepted(client: Client) -> None:
    log_id = await send(client, "fresh")
    record = await call(client, "GET", f"/message/{log_id}")
    assert (record["status"], record["created"], record["modified"]) == (
        "ACCEPTED",
        "2026-01-01T00:00:00+0000",
        "2026-01-01T00:00:00+0000",
    )


async def test_search_filters_by_dates(client: Client, gateway: Gateway) -> None:
    await send(client, "first day")
    await gateway.advance(DAY + 3600)  # 2026-01-02T01:00:00Z
    await send(client, "second day")
    assert await bodies(client, "startDate=2026-01-02") == ["second day"]
    assert await bodies(client, "endDate=2026-01-01") == ["first day"]
    assert await bodies(client, "startDate=2026-01-01&endDate=2026-01-02") == ["second day", "first day"]
    assert await bodies(client, "startDate=2026-01-02T01:00:00%2B0000") == ["second day"]
    assert await bodies(client, "startDate=2026-01-02T01:00:01%2B0000") == []
    # 02:00 at +0100 is 01:00 UTC; an unencoded '+' arrives as a space and is read as the sign.
    assert await bodies(client, "startDate=2026-01-02T02:00:00+0100") == ["second day"]
    assert await bodies(client, "endDate=2026-01-02T01:00:00%2B0000") == ["first day"]
    # The last day a date can name stands for "no end".
    assert await bodies(client, "endDate=9999-12-31") == ["second day", "first day"]
    assert await bodies(client, "endDate=9999-12-31T23:59:59-1400") == ["second day", "first day"]


async def test_search_pages_newest_first(client: Client, gateway: Gateway) -> None:
    for i in range(5):
        await send(client, f"message {i}")
        await gateway.advance(1)
    assert await bodies(client, "") == [f"message {i}" for i in (4, 3, 2, 1, 0)]
    assert await bodies(client, "pageSize=2&page=2") == ["message 2", "message 1"]
    assert await bodies(client, "pageSize=2&page=3") == ["message 0"]
    assert await bodies(client, "pageSize=2&page=4") == []


async def test_search_by_direction(client: Client, gateway: Gateway) -> None:
    log_id = await send(client, "Do you want more?")
    await gateway.advance(5)
    await gateway.inject_mo("44700011122", "Test", "Yes please")
    both = await call(client, "GET", "/message")
    assert_golden("message_search.json", both)
    assert [(r["direction"], r["body"]) for r in both] == [("MO", "Yes please"), ("MT", "Do you want more?")]
    incoming = await call(client, "GET", "/message?direction=MO")
    assert [r["body"] for r in incoming] == ["Yes please"]
    assert incoming[0]["inReplyTo"] == log_id
    assert (incoming[0]["originator"], incoming[0]["recipient"], incoming[0]["cost"]) == ("44700011122", "Test", 0)
    assert [r["body"] for r in await call(client, "GET", "/message?direction=mt")] == ["Do you want more?"]
    assert await call(client, "GET", f"/message/{incoming[0]['id']}") == incoming[0]


async def test_the_log_names_the_code_the_receipt_gave(client: Client, gateway: Gateway) -> None:
    """A scenario code without a canonical reason (4, DELETED) still shows in the log, not a generic failure."""
    steps = (Step(status=MessageStatus.SENT, after=1), Step(status=MessageStatus.FAILED, after=1, code="4"))
    gateway.scenarios = (Scenario(name="deleted", match=Match(destination="447400100004"), steps=steps),)
    log_id = await send(client, "bye", recipient="447400100004")
    await gateway.advance(5)
    record = await call(client, "GET", f"/message/{log_id}")
    assert (record["status"], record["modified"]) == ("DELETED", "2026-01-01T00:00:02+0000")
    assert [r["status"] for r in await call(client, "GET", "/message")] == ["DELETED"]


async def test_a_failure_with_a_reason_shows_its_catalogue_name(client: Client, gateway: Gateway) -> None:
    steps = (Step(status=MessageStatus.FAILED, after=1, reason="no_operator"),)
    gateway.scenarios = (Scenario(name="no-route", match=Match(destination="447400100012"), steps=steps),)
    log_id = await send(client, "hello", recipient="447400100012")
    await gateway.advance(5)
    assert (await call(client, "GET", f"/message/{log_id}"))["status"] == "FAILED_NOROUTE"
