"""A scenario's send latency is waited on the gateway's clock: it is the client's call that waits for its answer.
On the virtual clock the answer comes when the clock is advanced past it; on the real clock after a real wait."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mockgateway.bootstrap import build_gateway
from mockgateway.clock import SystemClock
from mockgateway.config import Settings
from mockgateway.domain.errors import ProviderFailure
from mockgateway.domain.model import MessageStatus, SendRequest
from mockgateway.domain.queries import EventQuery
from mockgateway.scenario.model import OnSend, Scenario, Step
from mockgateway.service.gateway import Gateway
from tests.conftest import T0, basic, next_turn, parked

SLOW = Scenario(name="slow", on_send=OnSend(latency=2.0), steps=(Step(status=MessageStatus.SENT, after=1.0),))
REQUEST = SendRequest(account="demo", provider="livelink", destinations=("447700909301",), text="Hi")


async def test_the_answer_waits_for_the_virtual_clock(gateway: Gateway) -> None:
    gateway.scenarios = (SLOW,)
    sending = asyncio.create_task(gateway.send(REQUEST))
    await next_turn()
    assert (sending.done(), gateway.sends_waiting) == (False, 1)
    await gateway.advance(1.5)
    assert not sending.done(), "1.5 s of a 2 s latency have passed"
    await gateway.advance(0.5)
    assert sending.done()
    [message] = sending.result().messages
    assert message.created_at == T0 + 2, "the message is created when the answer comes"
    assert await gateway.notifications(EventQuery()) == [], "its lifecycle starts then too"


async def test_one_advance_answers_the_send_and_runs_its_lifecycle(gateway: Gateway) -> None:
    gateway.scenarios = (SLOW,)
    sending = asyncio.create_task(gateway.send(REQUEST))
    await next_turn()
    await gateway.advance(10)
    assert sending.done()
    assert gateway.sends_waiting == 0
    [sent] = await gateway.notifications(EventQuery())
    assert (sent.status, sent.created_at) == (MessageStatus.SENT, T0 + 3)


async def test_a_failure_after_a_latency_comes_when_the_clock_passes_it(gateway: Gateway) -> None:
    gateway.scenarios = (Scenario(name="timeout", on_send=OnSend(respond=504, latency=10.0)),)
    sending = asyncio.create_task(gateway.send(REQUEST))
    await next_turn()
    await gateway.advance(9)
    assert not sending.done()
    await gateway.advance(1)
    with pytest.raises(ProviderFailure) as failure:
        sending.result()
    assert failure.value.http_status == 504


async def test_the_shipped_slow_send_holds_the_http_answer_until_the_clock_moves(
    client: TestClient[Any, Any], gateway: Gateway
) -> None:
    token = await client.post(
        "/api/oauth/token", data={"grant_type": "client_credentials"}, headers=basic("demo-app-key", "demo-app-secret")
    )
    bearer = {"Authorization": f"Bearer {(await token.json())['access_token']}"}
    body = {"destination": ["447700900045"], "message": "Hi"}  # send-slow: answered after 2 s
    sending = asyncio.create_task(client.post("/api/v2/sms", json=body, headers=bearer))
    await parked(gateway)
    assert not sending.done()
    advanced = await client.post("/__admin/clock/advance", json={"seconds": 2})
    assert advanced.status == 200
    answer = await sending
    assert answer.status == 200, await answer.text()


async def test_on_the_real_clock_the_answer_waits_in_real_time() -> None:
    waited: list[float] = []

    async def sleep(seconds: float) -> None:
        waited.append(seconds)

    gateway = build_gateway(Settings(seed=7), clock=SystemClock(), sleep=sleep)
    gateway.scenarios = (SLOW,)
    accepted = await gateway.send(REQUEST)
    assert (waited, len(accepted.messages), gateway.sends_waiting) == ([2.0], 1, 0)
