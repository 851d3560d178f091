"""Every shipped scenario, every provider, with and without a handset ACK: one final notification per part,
and nothing notified after it.

The cases are a full enumeration: the scenario library of the repository and the package's (one directory in a
checkout), the built-in default and opted-out timelines, each provider, one and two parts, and for Live Link each
ACK setting that changes what is final or pushed. Each case sends a few messages (so a scenario's random draws
go both ways), runs the virtual clock far past every timeline, and checks what was recorded and what each
provider's renderer would have pushed.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest

from mockgateway.bootstrap import build_gateway, callback_renderers
from mockgateway.clock import FakeClock
from mockgateway.config import Settings
from mockgateway.domain.errors import GatewayError
from mockgateway.domain.lifecycle import is_final
from mockgateway.domain.model import Account, CallbackTarget, HttpCall, Message, MoMessage, Notification, SendRequest
from mockgateway.domain.queries import EventQuery, MessageQuery
from mockgateway.domain.reasons import PROVIDERS
from mockgateway.scenario.loader import load_dir, shipped_dir
from mockgateway.scenario.model import DEFAULT_SCENARIO, OPTED_OUT, Scenario
from mockgateway.service.gateway import Gateway
from mockgateway.service.ports import CallbackRenderer
from tests.conftest import T0, next_turn

REPO_SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
#: Past every shipped timeline: the longest waits for the default 48-hour validity period.
THE_END = 8 * 86400
SENDS = 4  #: messages per case, so that a scenario with probabilities draws both ways
DEFAULT_NUMBER = "447700909999"  #: no shipped scenario matches it
OPTED_OUT_NUMBER = "447700909998"
TARGET = CallbackTarget(url="http://127.0.0.1:9/status")  #: never called: the recorder keeps the calls
#: Live Link's ACK settings (``None``: a provider without them), with whether each asks for a handset ACK.
LIVELINK_ACKS: dict[str, dict[str, Any]] = {
    "order": {"acknowledgement": True, "ackType": "ORDER", "ackFinalStatus": True},
    "message": {"acknowledgement": True, "ackType": "MESSAGE", "ackFinalStatus": True},
    "message-final-only": {"acknowledgement": True, "ackType": "MESSAGE", "ackFinalOnly": True, "ackFinalStatus": True},
}


def _library() -> dict[str, Scenario]:
    """The shipped scenarios by name: the repository's and the package's, and the built-in timelines."""
    found: dict[str, Scenario] = {}
    for directory in dict.fromkeys((REPO_SCENARIOS.resolve(), shipped_dir())):
        for scenario in load_dir(directory):
            found.setdefault(scenario.name, scenario)
    return {**found, DEFAULT_SCENARIO.name: DEFAULT_SCENARIO, OPTED_OUT.name: OPTED_OUT}


LIBRARY = _library()


@dataclass(frozen=True)
class Case:
    scenario: str
    provider: str
    parts: int
    acks: str | None  #: a key of LIVELINK_ACKS for Live Link, else None

    @property
    def handset_ack(self) -> bool:
        return self.acks is not None and LIVELINK_ACKS[self.acks]["ackType"] == "MESSAGE"


def _cases() -> Iterator[Any]:
    for name in LIBRARY:
        for provider in PROVIDERS:
            for parts in (1, 2):
                for acks in LIVELINK_ACKS if provider == "livelink" else (None,):
                    case = Case(name, provider, parts, acks)
                    yield pytest.param(case, id=f"{name}-{provider}-{parts}part-{acks or 'plain'}")


class Recorder:
    """Stands in front of a provider's renderer: keeps what it would push, and pushes nothing."""

    def __init__(self, inner: CallbackRenderer) -> None:
        self.inner = inner
        self.pushed: list[tuple[Notification, list[HttpCall]]] = []

    def status_calls(self, message: Message, notification: Notification, account: Account) -> list[HttpCall]:
        self.pushed.append((notification, self.inner.status_calls(message, notification, account)))
        return []

    def mo_calls(self, mo: MoMessage, account: Account, replied_to: Message | None) -> list[HttpCall]:
        return []


def _gateway(provider: str) -> tuple[Gateway, Recorder]:
    settings = Settings(clock="virtual", seed=7, retention_s=2 * THE_END)  # nothing is forgotten meanwhile
    renderers = callback_renderers()
    recorder = renderers[provider] = Recorder(renderers[provider])
    gateway = build_gateway(settings, clock=FakeClock(T0), renderers=renderers)
    gateway.scenarios = tuple(s for s in LIBRARY.values() if s not in (DEFAULT_SCENARIO, OPTED_OUT))
    return gateway, recorder


def _destination(gateway: Gateway, scenario: Scenario) -> str:
    if scenario is OPTED_OUT:
        gateway.opt_out("demo", OPTED_OUT_NUMBER)
        return OPTED_OUT_NUMBER
    if scenario is DEFAULT_SCENARIO:
        return DEFAULT_NUMBER
    assert scenario.match.destination is not None, f"{scenario.name} needs a magic number to be reached"
    return scenario.match.destination


def _request(case: Case, destination: str) -> SendRequest:
    options = tuple(LIVELINK_ACKS[case.acks].items()) if case.acks else ()
    return SendRequest(
        account="demo",
        provider=case.provider,
        destinations=(destination,),
        text="x" * (200 if case.parts == 2 else 20),
        handset_ack=case.handset_ack,
        callbacks=(TARGET,),
        options=options,
    )


async def _send(gateway: Gateway, request: SendRequest) -> None:
    with contextlib.suppress(GatewayError):  # a send-time answer (429, 500...): no message to notify
        await gateway.send(request)


async def _answered_or_parked(gateway: Gateway, sends: list[asyncio.Task[None]]) -> None:
    for _ in range(10_000):
        if gateway.sends_waiting == sum(not send.done() for send in sends):
            return
        await next_turn()
    raise AssertionError(f"{gateway.sends_waiting} sends wait for the clock; the others never finished")


async def _run(case: Case) -> tuple[Gateway, Recorder, list[Message]]:
    gateway, recorder = _gateway(case.provider)
    destination = _destination(gateway, LIBRARY[case.scenario])
    sends = [asyncio.create_task(_send(gateway, _request(case, destination))) for _ in range(SENDS)]
    await _answered_or_parked(gateway, sends)  # a send with a latency waits for the clock to pass it
    await gateway.advance(THE_END)
    await asyncio.gather(*sends)
    messages = list((await gateway.messages(MessageQuery(limit=1000))).items)
    on_send = LIBRARY[case.scenario].on_send
    refused = on_send is not None and on_send.respond not in (None, 201)
    assert len(messages) == (0 if refused else SENDS)
    return gateway, recorder, messages


def _by_part(notifications: list[Notification]) -> dict[tuple[str, int], list[Notification]]:
    parts: dict[tuple[str, int], list[Notification]] = defaultdict(list)
    for n in notifications:
        parts[(n.message_id, n.part_index)].append(n)
    return parts


@pytest.mark.parametrize("case", list(_cases()))
async def test_one_final_notification_per_part_and_nothing_after_it(case: Case) -> None:
    gateway, recorder, messages = await _run(case)
    notifications = await gateway.notifications(EventQuery())
    recorded = _by_part(notifications)
    for message in messages:
        scenario = LIBRARY[message.scenario or ""]
        if scenario.on_send is not None and scenario.on_send.respond == 201:
            assert not any(n.message_id == message.id for n in notifications), "an order not sent has no status"
            continue
        for index in range(len(message.part_ids)):
            statuses = [n.status for n in recorded[(message.id, index)]]
            finals = [i for i, status in enumerate(statuses) if is_final(status, message.handset_ack)]
            assert len(finals) == 1, f"part {index + 1}: {statuses} should have exactly one final status"
            assert finals[0] == len(statuses) - 1, f"part {index + 1}: {statuses} goes on after its final status"
    assert [n for n, _ in recorder.pushed] == notifications, "every notification reaches the provider's renderer"


@pytest.mark.parametrize("case", [c for c in _cases() if c.values[0].acks is not None])
async def test_livelink_acks_mark_only_the_last_one_final(case: Case) -> None:
    _, recorder, messages = await _run(case)
    acks: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for _, calls in recorder.pushed:
        for call in calls:
            ack = orjson.loads(call.body)
            acks[ack["messageId"]].append(ack)
    for message in messages:
        for part_id in message.part_ids:
            flags = [ack["finalStatus"] for ack in acks[part_id]]
            assert True not in flags[:-1], f"{[ack['status'] for ack in acks[part_id]]}: an ACK after the final one"
            if case.acks == "message-final-only":
                assert flags in ([], [True]), f"ackFinalOnly pushes the final ACK alone, not {acks[part_id]}"
            if case.handset_ack and message.scenario != "send-order-created":
                assert flags[-1:] == [True], f"{[ack['status'] for ack in acks[part_id]]}: no final ACK"
