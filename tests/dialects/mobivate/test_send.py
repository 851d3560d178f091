"""``POST /send/single`` and ``POST /send/batch``: answers as documented, opt-outs, exclusions, scenarios."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from mockgateway.domain.queries import MessageQuery
from mockgateway.scenario.model import Match, OnSend, Scenario
from mockgateway.service.gateway import Gateway
from tests.dialects.mobivate.conftest import KEY, SHOP_AUTH, SINGLE, Client, assert_golden, call, golden

EXCLUDE = {"excludeOptouts": True, "excludeDuplicates": True}


async def test_single_send_answers_the_documented_record(client: Client) -> None:
    body = await call(client, "POST", "/send/single", golden("send_single.request.json"))
    assert_golden("send_single.response.json", body)
    assert str(uuid.UUID(body["id"])) == body["id"]


async def test_the_send_id_and_the_log_id_are_one_value_spelt_twice(client: Client) -> None:
    sent = await call(client, "POST", "/send/single", SINGLE)
    log_id = sent["id"].replace("-", "").upper()
    by_hex = await call(client, "GET", f"/message/{log_id}")
    by_uuid = await call(client, "GET", f"/message/{sent['id']}")
    assert by_hex == by_uuid
    assert by_hex["id"] == log_id
    assert (by_hex["body"], by_hex["recipient"], by_hex["direction"]) == (SINGLE["body"], SINGLE["recipient"], "MT")


async def test_single_send_accepts_the_legacy_api_key_parameter(client: Client) -> None:
    body = await call(client, "POST", f"/send/single?api_key={KEY}", SINGLE, headers={})
    assert body["recipient"] == SINGLE["recipient"]


async def test_the_legacy_api_key_parameter_is_only_for_single_sends(client: Client) -> None:
    body = await call(client, "GET", f"/message?api_key={KEY}", status=401, headers={})
    assert body == {"code": 401, "message": "Unauthorized"}


async def test_single_send_keeps_reference_campaign_and_a_leading_plus_off(client: Client) -> None:
    request = {**SINGLE, "recipient": "+44700011122", "reference": "order-17", "campaignId": "spring"}
    body = await call(client, "POST", "/send/single", request)
    assert (body["recipient"], body["reference"], body["campaignId"]) == ("44700011122", "order-17", "spring")
    log = await call(client, "GET", f"/message/{body['id']}")
    assert (log["senderReference"], log["campaignId"]) == ("order-17", "spring")


async def test_sending_to_an_opted_out_recipient_is_refused(client: Client, gateway: Gateway) -> None:
    gateway.opt_out("demo", "44700011122")
    body = await call(client, "POST", "/send/single", SINGLE, status=403)
    assert_golden("error_403_opted_out.json", body)
    assert (await gateway.messages(MessageQuery())).total == 0


async def test_batch_answers_the_campaign(client: Client, gateway: Gateway) -> None:
    body = await call(client, "POST", "/send/batch", golden("send_batch.request.json"))
    assert_golden("send_batch.response.json", body)
    page = await gateway.messages(MessageQuery(provider="mobivate"))
    assert sorted(m.text for m in page.items) == ["Hi Ann", "Hi Bob"]
    assert {m.option("batchId") for m in page.items} == {body["id"]}


@pytest.mark.parametrize("flags", [{}, {"excludeOptouts": None, "excludeDuplicates": None}, EXCLUDE])
async def test_batch_drops_duplicates_and_opted_out_numbers_unless_told_not_to(
    client: Client, gateway: Gateway, flags: dict[str, Any]
) -> None:
    gateway.opt_out("demo", "447400100002")
    messages = [
        {"originator": "Shop", "recipient": number, "text": f"Hello {i}"}
        for i, number in enumerate(["447400100001", "447400100002", "447400100001", "447400100003"])
    ]
    body = await call(client, "POST", "/send/batch", {"routeId": "mglobal", **flags, "messages": messages})
    assert [(r["recipient"], r["text"]) for r in body["recipients"]] == [
        ("447400100001", "Hello 0"),
        ("447400100003", "Hello 3"),
    ]
    assert (body["excludeOptouts"], body["excludeDuplicates"]) == (True, True)
    assert (await gateway.messages(MessageQuery())).total == 2


async def test_batch_keeps_duplicates_and_opted_out_numbers_when_told_to(client: Client, gateway: Gateway) -> None:
    gateway.opt_out("demo", "447400100002")
    messages = [{"originator": "Shop", "recipient": n, "text": "Hi"} for n in ("447400100002", "447400100002")]
    request = {"routeId": "mglobal", "excludeOptouts": False, "excludeDuplicates": False, "messages": messages}
    body = await call(client, "POST", "/send/batch", request)
    assert len(body["recipients"]) == 2
    page = await gateway.messages(MessageQuery())
    assert [m.scenario for m in page.items] == ["opted-out", "opted-out"]


async def test_a_batch_of_a_thousand_messages_is_accepted(client: Client, gateway: Gateway) -> None:
    messages = [{"originator": "Shop", "recipient": f"4474009{i:05d}", "text": "Hi"} for i in range(1000)]
    body = await call(client, "POST", "/send/batch", {"routeId": "mglobal", "messages": messages})
    assert len(body["recipients"]) == 1000
    assert (await gateway.messages(MessageQuery())).total == 1000


async def test_a_batch_with_a_foreign_originator_sends_nothing(two_accounts: tuple[Client, Gateway]) -> None:
    client, gateway = two_accounts
    messages = [
        {"originator": "Shop", "recipient": "447400100001", "text": "Hi"},
        {"originator": "Other", "recipient": "447400100002", "text": "Hi"},
    ]
    request = {"routeId": "mglobal", "messages": messages}
    body = await call(client, "POST", "/send/batch", request, status=403, headers=SHOP_AUTH)
    assert body["message"].startswith("messages[1].originator:")
    assert (await gateway.messages(MessageQuery())).total == 0


async def test_a_scenario_can_answer_the_send_with_429(client: Client, gateway: Gateway) -> None:
    gateway.scenarios = (Scenario(name="busy", match=Match(destination="44700011122"), on_send=OnSend(respond=429)),)
    body = await call(client, "POST", "/send/single", SINGLE, status=429)
    assert body == {"code": 429, "message": "Too Many Requests"}


async def test_a_long_text_is_counted_in_parts(client: Client) -> None:
    sent = await call(client, "POST", "/send/single", {**SINGLE, "body": "x" * 161})
    assert (await call(client, "GET", f"/message/{sent['id']}"))["parts"] == 2
    sent = await call(client, "POST", "/send/single", {**SINGLE, "body": "ж" * 70})
    assert (await call(client, "GET", f"/message/{sent['id']}"))["parts"] == 1
    sent = await call(client, "POST", "/send/single", {**SINGLE, "body": "ж" * 71})
    assert (await call(client, "GET", f"/message/{sent['id']}"))["parts"] == 2
