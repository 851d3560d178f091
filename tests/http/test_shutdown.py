"""A stop answers at once what is parked on the gateway: a wait, a send held for its latency on the virtual clock.
Both get 503 with Retry-After in their own format; the send was not accepted, so nothing is lost."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp.test_utils import TestClient

from mockgateway.domain.queries import MessageQuery
from mockgateway.service.gateway import Gateway
from tests.conftest import parked

Client = TestClient[Any, Any]


async def test_a_stop_answers_a_wait_at_once(client: Client, subscribed: asyncio.Event) -> None:
    waiting = asyncio.ensure_future(client.get("/__admin/messages/wait?to=447700900001&timeout=60"))
    await asyncio.wait_for(subscribed.wait(), 5)
    assert not waiting.done()
    await client.app.shutdown()  # what aiohttp runs before it waits for the requests in flight
    response = await asyncio.wait_for(waiting, 5)  # a guard against a hang only: the answer comes at once
    assert response.status == 503
    assert response.headers["Retry-After"] == "1"
    assert (await response.json())["error"] == "shutting_down"


async def test_a_wait_begun_during_a_stop_is_answered_at_once(client: Client, gateway: Gateway) -> None:
    gateway.stop_waiting()
    response = await asyncio.wait_for(client.get("/__admin/mo/wait?from=447700900001&timeout=60"), 5)
    assert response.status == 503


async def test_a_stop_answers_a_send_held_for_its_latency_and_keeps_nothing(
    client: Client, gateway: Gateway, auth: dict[str, str]
) -> None:
    body = {"destination": ["447700900045"], "message": "Hi"}  # send-slow: answered after 2 s of virtual time
    sending = asyncio.ensure_future(client.post("/api/v2/sms", json=body, headers=auth))
    await parked(gateway)
    await client.app.shutdown()
    response = await asyncio.wait_for(sending, 5)
    assert response.status == 503
    answer = await response.json()
    assert (answer["httpStatusCode"], answer["apiErrorCode"]) == ("503 SERVICE_UNAVAILABLE", 5000)
    assert response.headers["Retry-After"] == "1"
    assert (await gateway.messages(MessageQuery())).total == 0
    assert gateway.sends_waiting == 0
