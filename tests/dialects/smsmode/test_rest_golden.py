"""REST API bodies pinned by golden files, field by field and type by type; an explicit null is an absent field."""

from __future__ import annotations

from typing import Any

import pytest

from mockgateway.dialects.smsmode import backend
from mockgateway.dialects.smsmode.wire import alnum_id
from mockgateway.domain.model import CallbackTarget, MessageStatus
from mockgateway.domain.queries import EventQuery
from mockgateway.scenario.model import Match, OnSend, Reply, Scenario, Step
from mockgateway.service.gateway import Gateway
from tests.dialects.smsmode.conftest import (
    REST_AUTH,
    Client,
    Receiver,
    assert_golden_json,
    needs_paris_time,
    send_rest,
)

pytestmark = needs_paris_time

MINIMAL: dict[str, Any] = {"recipient": {"to": "+33612345678"}, "body": {"text": "Bonjour"}}
#: Every optional field of the send request, explicitly null.
NULLS: dict[str, Any] = {
    "recipient": {"to": "+33612345678"},
    "body": {"text": "Bonjour", "encoding": None},
    "from": None,
    "sender": None,
    "refClient": None,
    "callbackUrlStatus": None,
    "callbackUrlMo": None,
    "sentDate": None,
}
REPLYING = Scenario(
    name="replying",
    match=Match(provider="smsmode"),
    steps=(Step(status=MessageStatus.SENT, after=1.0), Step(status=MessageStatus.DELIVERED, after=2.0)),
    replies=(Reply(text="Oui", after=60.0),),
)


@pytest.mark.parametrize("body", [MINIMAL, NULLS], ids=["absent", "null"])
async def test_optional_fields_absent_or_null(client: Client, body: dict[str, Any]) -> None:
    answer = await send_rest(client, body)
    assert_golden_json(answer, "send_rest_minimal.response.json", messageId=answer["messageId"])


async def test_null_from_leaves_the_sender_alias(client: Client) -> None:
    answer = await send_rest(client, MINIMAL | {"from": None, "sender": {"value": "Acme"}})
    assert answer["from"] == "Acme"


@pytest.mark.parametrize("body", [MINIMAL, NULLS], ids=["absent", "null"])
async def test_callbacks_without_optional_fields(
    client: Client, gateway: Gateway, receiver: Receiver, body: dict[str, Any]
) -> None:
    gateway.set_account_callbacks(
        "demo", status=CallbackTarget(url=receiver.url("/status")), mo=CallbackTarget(url=receiver.url("/mo"))
    )
    gateway.scenarios = (REPLYING,)
    message_id = (await send_rest(client, body))["messageId"]
    await gateway.advance(70)
    assert_golden_json([hit.json() for hit in receiver.on("/status")], "dlr_rest_minimal.json", messageId=message_id)
    (mo,) = await gateway.mos(EventQuery())
    (reply,) = receiver.on("/mo")
    assert_golden_json(reply.json(), "mo_rest_minimal.json", messageId=message_id, responseID=alnum_id(mo.id))


async def test_get_message(client: Client, gateway: Gateway) -> None:
    gateway.scenarios = (REPLYING,)
    sent = await send_rest(client, MINIMAL | {"from": "MaBoutique", "refClient": "order-42"})
    await gateway.advance(3)
    response = await client.get(f"/sms/v1/messages/{sent['messageId']}", headers=REST_AUTH)
    assert response.status == 200
    assert_golden_json(await response.json(), "get_rest.response.json", messageId=sent["messageId"])


@pytest.mark.parametrize("respond", [429, 500])
async def test_scenario_errors(client: Client, gateway: Gateway, respond: int) -> None:
    gateway.scenarios = (Scenario(name="down", match=Match(provider="smsmode"), on_send=OnSend(respond=respond)),)
    assert_golden_json(await send_rest(client, MINIMAL, status=respond), f"error_rest_{respond}.json")


async def test_insufficient_credit(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backend, "DEMO_CREDIT", 0)
    assert_golden_json(await send_rest(client, MINIMAL, status=402), "error_rest_402.json")


async def test_unknown_message(client: Client) -> None:
    response = await client.get("/sms/v1/messages/AAAAAAAAAAAA", headers=REST_AUTH)
    assert response.status == 404
    assert_golden_json(await response.json(), "error_rest_404.json")
