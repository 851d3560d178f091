"""REST ``POST /sms/v1/messages``: encodings, scheduling, polling, failures and where callbacks go."""

from __future__ import annotations

from typing import Any

import pytest

from mockgateway.dialects.smsmode import backend
from mockgateway.domain.model import CallbackTarget, MessageStatus
from mockgateway.scenario.model import Match, OnSend, Reply, Scenario, Step
from mockgateway.service.gateway import Gateway
from tests.dialects.smsmode.conftest import REST_AUTH, Client, Receiver, needs_paris_time, send_rest

pytestmark = needs_paris_time

HELLO: dict[str, Any] = {"recipient": {"to": "+33612345678"}, "body": {"text": "Hello"}}


async def _get(client: Client, message_id: str) -> Any:
    response = await client.get(f"/sms/v1/messages/{message_id}", headers=REST_AUTH)
    assert response.status == 200, await response.text()
    return await response.json()


async def test_unicode_text(client: Client) -> None:
    answer = await send_rest(client, HELLO | {"body": {"text": "Привет " * 20}})
    assert answer["body"] == {"text": "Привет " * 20, "encoding": "UNICODE", "length": 140, "messagePartCount": 3}


async def test_forced_unicode_and_sender_alias(client: Client) -> None:
    answer = await send_rest(
        client, HELLO | {"body": {"text": "Hi", "encoding": "UNICODE"}, "sender": {"value": "Acme"}}
    )
    assert (answer["body"]["encoding"], answer["from"]) == ("UNICODE", "Acme")


async def test_national_number_is_accepted(client: Client) -> None:
    answer = await send_rest(client, HELLO | {"recipient": {"to": "0712345678"}})
    assert answer["recipient"] == {"to": "+33712345678"}


async def test_sent_date_schedules(client: Client, gateway: Gateway) -> None:
    answer = await send_rest(client, HELLO | {"sentDate": "2026-01-01T02:00:00+01:00"})
    assert answer["status"] == {"value": "SCHEDULED"}
    assert (answer["acceptedAt"], answer["sentDate"]) == (
        "2026-01-01T01:00:00.000+01:00",
        "2026-01-01T02:00:00.000+01:00",
    )
    polled = await _get(client, answer["messageId"])
    assert polled["status"] == {
        "value": "SCHEDULED",
        "code": 10,
        "description": "Scheduled, waiting for its sending time",
    }
    assert polled["acceptedAt"] == answer["acceptedAt"]
    await gateway.advance(3601)
    assert (await _get(client, answer["messageId"]))["status"]["code"] == 0


async def test_naive_sent_date_is_utc(client: Client) -> None:
    answer = await send_rest(client, HELLO | {"sentDate": "2026-01-01T00:30:00"})
    assert answer["sentDate"] == "2026-01-01T01:30:00.000+01:00"


async def test_failure_report(client: Client, gateway: Gateway, receiver: Receiver) -> None:
    gateway.scenarios = (
        Scenario(
            name="spam", match=Match(provider="smsmode"), steps=(Step(status=MessageStatus.FAILED, reason="spam"),)
        ),
    )
    answer = await send_rest(client, HELLO | {"callbackUrlStatus": receiver.url("/status")})
    await gateway.advance(1)
    (report,) = receiver.on("/status")
    assert report.json()["status"] == {"value": "REJECTED", "code": 3524, "description": "Permanent anti-spam error"}
    assert report.json()["cost"] == 1
    polled = await _get(client, answer["messageId"])
    assert polled["status"] == {"value": "REJECTED", "code": 3524, "description": "Permanent anti-spam error"}


async def test_account_callbacks_are_the_default(client: Client, gateway: Gateway, receiver: Receiver) -> None:
    gateway.set_account_callbacks(
        "demo", status=CallbackTarget(url=receiver.url("/status")), mo=CallbackTarget(url=receiver.url("/mo"))
    )
    gateway.scenarios = (
        Scenario(
            name="replies",
            match=Match(provider="smsmode"),
            steps=(Step(status=MessageStatus.SENT, after=1.0), Step(status=MessageStatus.DELIVERED, after=1.0)),
            replies=(Reply(text="Yes please", after=5.0),),
        ),
    )
    answer = await send_rest(client, HELLO | {"from": "36999"})
    await gateway.advance(10)
    assert [hit.json()["status"]["code"] for hit in receiver.on("/status")] == [0, 14]
    (mo,) = receiver.on("/mo")
    assert mo.method == "POST"
    assert mo.json()["refMessageId"] == answer["messageId"]
    assert mo.json()["recipient"] == {"to": "36999"}  # the reply goes to the numeric sender
    assert mo.json()["body"] == {"text": "Yes please"}
    assert mo.json()["receptionDate"] == "2026-01-01T01:00:07.000+01:00"


@pytest.mark.parametrize(("respond", "status"), [(401, 401), (403, 403), (429, 429), (500, 500)])
async def test_scenario_send_failures(client: Client, gateway: Gateway, respond: int, status: int) -> None:
    gateway.scenarios = (Scenario(name="down", match=Match(provider="smsmode"), on_send=OnSend(respond=respond)),)
    body = await send_rest(client, HELLO, status=status)
    assert body["status"] == status
    assert isinstance(body["message"], str)
    assert body["message"]


async def test_insufficient_credit(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backend, "DEMO_CREDIT", 0)
    assert await send_rest(client, HELLO, status=402) == {"status": 402, "message": "Insufficient credit"}
