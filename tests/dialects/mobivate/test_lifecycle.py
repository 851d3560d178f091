"""End to end on the virtual clock: send, advance, and the webhooks arrive at an in-process receiver."""

from __future__ import annotations

from typing import Any

import pytest

from mockgateway.domain.model import MessageStatus
from mockgateway.domain.reasons import REASONS, find_code
from mockgateway.scenario.model import Match, Reply, Scenario, Step
from mockgateway.service.gateway import Gateway
from tests.dialects.mobivate.conftest import SINGLE, Client, Hooks, assert_golden, call

S = MessageStatus


async def register(client: Client, hooks: Hooks) -> None:
    await call(client, "POST", "/webhooks/receipt", {"url": hooks.url("/receipt")})
    await call(client, "POST", "/webhooks/incoming", {"url": hooks.url("/incoming")})


def statuses(hooks: Hooks, path: str = "/receipt") -> list[tuple[str, int]]:
    return [(body["status"], body["statusCode"]) for body in hooks.bodies(path)]


def scenario(gateway: Gateway, destination: str, *steps: Step, replies: tuple[Reply, ...] = ()) -> None:
    gateway.scenarios = (Scenario(name="test", match=Match(destination=destination), steps=steps, replies=replies),)


async def test_a_message_and_its_reply_through_the_webhooks(client: Client, gateway: Gateway, hooks: Hooks) -> None:
    await register(client, hooks)
    scenario(
        gateway,
        "44700011122",
        Step(status=S.SENT, after=1),
        Step(status=S.DELIVERED, after=2),
        replies=(Reply(text="Yes please", after=4),),
    )
    sent = await call(client, "POST", "/send/single", {**SINGLE, "reference": "order-17"})
    await gateway.drain()
    assert hooks.seen == []  # creation is not reported
    await gateway.advance(1)
    assert_golden("receipt_sent.json", hooks.bodies("/receipt")[-1])
    await gateway.advance(2)
    assert_golden("receipt_delivered.json", hooks.bodies("/receipt")[-1])
    assert statuses(hooks) == [("INTERIM_ACKNOWLEDGED", 9), ("DELIVERED", 1)]
    await gateway.advance(4)
    incoming = hooks.bodies("/incoming")
    assert_golden("incoming.json", incoming[0])
    assert incoming[0]["inReplyTo"] == hooks.bodies("/receipt")[0]["deliveryMessageId"]
    assert sent["id"].replace("-", "").upper() == incoming[0]["inReplyTo"]


async def test_the_request_callback_url_wins_over_the_webhook(client: Client, gateway: Gateway, hooks: Hooks) -> None:
    await register(client, hooks)
    await call(client, "POST", "/send/single", {**SINGLE, "callbackURL": hooks.url("/mine")})
    await gateway.advance(10)
    assert (statuses(hooks, "/mine"), hooks.bodies("/receipt")) == ([("INTERIM_ACKNOWLEDGED", 9), ("DELIVERED", 1)], [])


async def test_a_batch_reports_each_message_with_its_campaign(client: Client, gateway: Gateway, hooks: Hooks) -> None:
    messages = [
        {"originator": "Shop", "recipient": "447400100001", "text": "Hi", "reference": "a"},
        {"originator": "Shop", "recipient": "447400100002", "text": "Hi", "reference": "b"},
    ]
    request = {"routeId": "mglobal", "callbackURL": hooks.url("/batch"), "messages": messages}
    campaign = await call(client, "POST", "/send/batch", request)
    await gateway.advance(10)
    receipts = hooks.bodies("/batch")
    assert sorted((r["clientReference"], r["status"]) for r in receipts) == [
        ("a", "DELIVERED"),
        ("a", "INTERIM_ACKNOWLEDGED"),
        ("b", "DELIVERED"),
        ("b", "INTERIM_ACKNOWLEDGED"),
    ]
    assert {r["batchId"] for r in receipts} == {campaign["id"]}


@pytest.mark.parametrize("reason", sorted(REASONS))
async def test_a_failure_reports_the_reasons_catalogue_code(
    client: Client, gateway: Gateway, hooks: Hooks, reason: str
) -> None:
    await register(client, hooks)
    scenario(gateway, "44700011122", Step(status=S.SENT, after=1), Step(status=S.FAILED, after=1, reason=reason))
    await call(client, "POST", "/send/single", SINGLE)
    await gateway.advance(5)
    code = REASONS[reason].code_for("mobivate")
    assert code is not None
    row = find_code("mobivate", code)
    assert row is not None
    assert statuses(hooks) == [("INTERIM_ACKNOWLEDGED", 9), (row.description, int(code))]


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        ((Step(status=S.SENT, after=1, code="2"),), [("ACCEPTED", 2)]),
        (
            (Step(status=S.SENT, after=1, code="8"), Step(status=S.DELIVERED, after=1)),
            [("INTERIM_QUEUED", 8), ("DELIVERED", 1)],
        ),
        ((Step(status=S.RETRYING, after=1), Step(status=S.DELIVERED, after=1)), [("RETRY", 10), ("DELIVERED", 1)]),
        ((Step(status=S.FAILED, after=1, code="22"),), [("FAILED_LIMITS_EXCEEDED", 22)]),
        ((Step(status=S.FAILED, after=1, code="28"),), [("FAILED_INTERNAL_ERROR", 28)]),
        ((Step(status=S.RECEIVED, after=1),), [("DELIVERED", 1)]),
    ],
)  # fmt: skip
async def test_scenario_codes_reach_the_receipt(
    client: Client, gateway: Gateway, hooks: Hooks, steps: tuple[Step, ...], expected: list[Any]
) -> None:
    await register(client, hooks)
    scenario(gateway, "44700011122", *steps)
    await call(client, "POST", "/send/single", SINGLE)
    await gateway.advance(5)
    assert statuses(hooks) == expected


async def test_a_message_in_parts_gets_one_receipt_per_change(client: Client, gateway: Gateway, hooks: Hooks) -> None:
    await register(client, hooks)
    await call(client, "POST", "/send/single", {**SINGLE, "body": "x" * 300})
    await gateway.advance(10)
    receipts = hooks.bodies("/receipt")
    assert [(r["status"], r["parts"]) for r in receipts] == [("INTERIM_ACKNOWLEDGED", 2), ("DELIVERED", 2)]


async def test_a_failed_first_part_shows_in_the_final_receipt(client: Client, gateway: Gateway, hooks: Hooks) -> None:
    await register(client, hooks)
    scenario(
        gateway,
        "44700011122",
        Step(status=S.SENT, after=1),
        Step(status=S.FAILED, after=1, part=1, reason="network_final"),
        Step(status=S.DELIVERED, after=1, part=2),
    )
    await call(client, "POST", "/send/single", {**SINGLE, "body": "x" * 300})
    await gateway.advance(10)
    assert statuses(hooks) == [("INTERIM_ACKNOWLEDGED", 9), ("FAILED_NACK", 11)]


async def test_an_opted_out_batch_recipient_fails_as_blacklisted(
    client: Client, gateway: Gateway, hooks: Hooks
) -> None:
    await register(client, hooks)
    gateway.opt_out("demo", "447400100002")
    messages = [{"originator": "Shop", "recipient": "447400100002", "text": "Hi"}]
    await call(client, "POST", "/send/batch", {"routeId": "mglobal", "excludeOptouts": False, "messages": messages})
    await gateway.advance(5)
    assert statuses(hooks) == [("FAILED_RECIPIENT_BLACKLISTED", 19)]


async def test_a_stop_reply_arrives_and_opts_out(client: Client, gateway: Gateway, hooks: Hooks) -> None:
    await register(client, hooks)
    scenario(
        gateway,
        "44700011122",
        Step(status=S.SENT, after=1),
        Step(status=S.DELIVERED, after=1),
        replies=(Reply(text="STOP"),),
    )
    await call(client, "POST", "/send/single", SINGLE)
    await gateway.advance(5)
    assert [body["body"] for body in hooks.bodies("/incoming")] == ["STOP"]
    listed = await call(client, "GET", "/addressbook/optout")
    assert [(e["mobile"], e["note"]) for e in listed] == [("44700011122", "MO")]
    await call(client, "POST", "/send/single", SINGLE, status=403)


async def test_the_admin_clock_drives_the_receipts(client: Client, hooks: Hooks) -> None:
    await register(client, hooks)
    await call(client, "POST", "/send/single", SINGLE)
    response = await client.post("/__admin/clock/advance", json={"seconds": 1})
    assert response.status == 200
    assert statuses(hooks) == [("INTERIM_ACKNOWLEDGED", 9)]
    response = await client.post("/__admin/clock/advance", json={"seconds": 2})
    assert response.status == 200
    assert statuses(hooks) == [("INTERIM_ACKNOWLEDGED", 9), ("DELIVERED", 1)]


async def test_the_shipped_library_speaks_mobivate(client: Client, gateway: Gateway, hooks: Hooks) -> None:
    """A library scenario written with a canonical reason reports Mobivate's own code for it."""
    if not any(s.name == "failed-network-final" for s in gateway.scenarios):
        pytest.skip("the shipped scenario library is not loaded by build_gateway")
    await register(client, hooks)
    await call(client, "POST", "/send/single", {**SINGLE, "recipient": "447700900017"})
    await gateway.advance(10)
    assert statuses(hooks) == [("INTERIM_ACKNOWLEDGED", 9), ("FAILED_NACK", 11)]
