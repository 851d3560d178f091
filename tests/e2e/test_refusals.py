"""Opted-out and blocked recipients: the provider's own refusal is the first and only outcome of each part.

For every provider, a number that replied STOP and the shipped blocked-recipient number are sent to through the
Gateway facade; the virtual clock runs to the end, and each part's recorded statuses and the status callbacks
its provider renders are checked: one refusal, in the provider's own terms, never SENT or delivered before it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import orjson
import pytest

from mockgateway.bootstrap import build_gateway, callback_renderers
from mockgateway.clock import FakeClock
from mockgateway.config import Settings
from mockgateway.domain.model import CallbackTarget, HttpCall, MessageStatus, SendRequest
from mockgateway.domain.queries import EventQuery
from mockgateway.domain.reasons import PROVIDERS
from mockgateway.service.gateway import Gateway
from tests.conftest import T0
from tests.e2e.test_final_notifications import Recorder

BLOCKED = "447700900013"  #: the shipped failed-blocked-recipient scenario
STOPPED = "447700909997"  #: replies STOP before the send
TARGET = CallbackTarget(url="http://127.0.0.1:9/status")  #: never called: the recorder keeps the calls
LIVELINK_ACKS = (("acknowledgement", True), ("ackType", "MESSAGE"), ("ackFinalStatus", True))


def _livelink(call: HttpCall) -> dict[str, Any]:
    ack = orjson.loads(call.body)
    return {"status": ack["status"], "code": ack.get("errorCode"), "final": ack["finalStatus"]}


def _textapp(call: HttpCall) -> dict[str, Any]:
    return {"code": dict(parse_qsl(urlsplit(call.url).query))["messagestatuscode"]}


def _mobivate(call: HttpCall) -> dict[str, Any]:
    receipt = orjson.loads(call.body)
    return {"status": receipt["status"], "code": receipt["statusCode"]}


def _smsmode(call: HttpCall) -> dict[str, Any]:
    query = dict(parse_qsl(urlsplit(call.url).query))
    return {"code": query["statut"], "cost": query["cost"]}


#: What each provider's one status callback says: its own refusal.
REFUSAL: dict[str, tuple[Callable[[HttpCall], dict[str, Any]], dict[str, Any]]] = {
    "livelink": (_livelink, {"status": "ERROR", "code": "4524", "final": True}),
    "textapp": (_textapp, {"code": "515"}),
    "mobivate": (_mobivate, {"status": "FAILED_RECIPIENT_BLACKLISTED", "code": 19}),
    "smsmode": (_smsmode, {"code": "3999", "cost": "0"}),
}


async def _gateway(provider: str) -> tuple[Gateway, Recorder]:
    settings = Settings(clock="virtual", seed=7)
    renderers = callback_renderers()
    recorder = renderers[provider] = Recorder(renderers[provider])
    gateway = build_gateway(settings, clock=FakeClock(T0), renderers=renderers)
    await gateway.inject_mo(f"+{STOPPED}", "12345", "STOP")
    return gateway, recorder


@pytest.mark.parametrize("parts", [1, 2])
@pytest.mark.parametrize("number", [STOPPED, BLOCKED], ids=["opted-out", "blocked"])
@pytest.mark.parametrize("provider", PROVIDERS)
async def test_the_refusal_is_the_first_and_only_outcome(provider: str, number: str, parts: int) -> None:
    gateway, recorder = await _gateway(provider)
    request = SendRequest(
        account="demo",
        provider=provider,
        destinations=(number,),
        text="x" * (200 if parts == 2 else 20),
        handset_ack=provider == "livelink",
        callbacks=(TARGET,),
        options=LIVELINK_ACKS if provider == "livelink" else (),
    )
    (message,) = (await gateway.send(request)).messages
    assert len(message.part_ids) == parts
    await gateway.advance(86400)
    notifications = await gateway.notifications(EventQuery(message_id=message.id))
    assert [(n.part_index, n.status, n.reason) for n in notifications] == [
        (index, MessageStatus.FAILED, "blocked_recipient") for index in range(parts)
    ]
    read, refusal = REFUSAL[provider]
    pushed = [read(call) for _, calls in recorder.pushed for call in calls]
    # Mobivate and smsmode report the recipient as a whole, once; Live Link and TextApp report each part.
    assert pushed == [refusal] * (1 if provider in ("mobivate", "smsmode") else parts)


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_a_refused_message_is_marked_so_that_nothing_is_billed(provider: str) -> None:
    gateway, _ = await _gateway(provider)
    destinations = (STOPPED, BLOCKED, "447700900001")
    request = SendRequest(account="demo", provider=provider, destinations=destinations, text="Hello")
    accepted = await gateway.send(request)
    refused = [m.destination for m in accepted.messages if m.id in accepted.refused]
    assert refused == [STOPPED, BLOCKED]
