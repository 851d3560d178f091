"""Receivers that fail as real ones do: down for an hour, slow to answer, or gone for good."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from mockgateway.config import Settings
from mockgateway.domain.model import Account
from mockgateway.service.gateway import Gateway
from tests.conftest import T0, AiohttpClient

LIVELINK = {"livelink": {"app_key": "demo-app-key", "app_secret": "demo-app-secret", "client_id": 12345}}
HANDSET_ACKS = {"acknowledgement": True, "ackType": "MESSAGE"}  # SENT, DELIVERED and RECEIVED: three ACKs


class Receiver:
    """Answers 503 until the gateway clock reaches ``back_at``, 404/410 if told to, else 200; holds ``/slow``."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self.url = ""
        self.back_at = 0.0
        self.answer = 200
        self.received: list[dict[str, Any]] = []
        self.slow_gate = asyncio.Event()
        self.slow_arrived = asyncio.Event()
        self.fast_arrived = asyncio.Event()

    async def acks(self, request: web.Request) -> web.Response:
        if self.gateway.now() < self.back_at:
            return web.Response(status=503)
        if self.answer != 200:
            return web.Response(status=self.answer)
        self.received.append(await request.json())
        return web.Response()

    async def slow(self, request: web.Request) -> web.Response:
        self.slow_arrived.set()
        await self.slow_gate.wait()  # as long as the test likes: longer than any timeout of the sends
        return web.Response()

    async def fast(self, request: web.Request) -> web.Response:
        self.received.append(await request.json())
        self.fast_arrived.set()
        return web.Response()


@pytest.fixture
def settings() -> Settings:
    return Settings(clock="virtual", seed=3, accounts=(Account(name="demo", credentials=LIVELINK),))


@pytest.fixture
async def receiver(aiohttp_server: Any, gateway: Gateway) -> AsyncIterator[Receiver]:
    found = Receiver(gateway)
    app = web.Application()
    app.router.add_post("/acks", found.acks)
    app.router.add_post("/slow", found.slow)
    app.router.add_post("/fast", found.fast)
    server: TestServer = await aiohttp_server(app, host="127.0.0.1")
    found.url = str(server.make_url("")).rstrip("/")
    yield found
    found.slow_gate.set()


@pytest.fixture
async def client(aiohttp_client: AiohttpClient, settings: Settings, gateway: Gateway) -> TestClient[Any, Any]:
    from mockgateway.http.app import create_app

    return await aiohttp_client(create_app(settings, gateway=gateway))


async def send(client: TestClient[Any, Any], auth: dict[str, str], number: str, callback: str | list[str]) -> str:
    body = {"destination": [number], "message": "Hello", "callback": callback, **HANDSET_ACKS}
    response = await client.post("/api/v2/sms", json=body, headers=auth)
    assert response.status == 200, await response.text()
    return str((await response.json())["livelinkOrderIds"][0]["livelinkOrderId"][0])


async def deliveries(client: TestClient[Any, Any]) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = (await (await client.get("/__admin/callbacks")).json())["callbacks"]
    return listed


async def test_a_receiver_down_for_an_hour_gets_every_ack_once_back(
    client: TestClient[Any, Any], auth: dict[str, str], receiver: Receiver
) -> None:
    receiver.back_at = T0 + 3600
    orders = [await send(client, auth, f"44770090910{i}", f"{receiver.url}/acks") for i in range(3)]
    await client.post("/__admin/clock/advance", json={"seconds": 3 * 3600})

    got = sorted((ack["messageId"], ack["status"]) for ack in receiver.received)
    assert got == sorted((order, status) for order in orders for status in ("SENT", "DELIVERED", "RECEIVED"))
    journal = await deliveries(client)
    assert len(journal) == 9
    for delivery in journal:
        assert delivery["state"] == "DELIVERED"
        *failed, last = delivery["attempts"]
        assert failed, "each was refused while the receiver was down"
        assert [attempt["status"] for attempt in failed] == [503] * len(failed)
        assert last["status"] == 200
        assert last["at"] >= "2026-01-01T01:00:00"  # delivered only once the receiver was back


@pytest.mark.parametrize("status", [404, 410])
async def test_a_receiver_that_is_gone_stops_the_retries(
    client: TestClient[Any, Any], auth: dict[str, str], receiver: Receiver, status: int
) -> None:
    receiver.answer = status
    await send(client, auth, "447700909200", f"{receiver.url}/acks")
    await client.post("/__admin/clock/advance", json={"seconds": 3 * 3600})
    journal = await deliveries(client)
    assert len(journal) == 3
    for delivery in journal:
        assert delivery["state"] == "FAILED"
        assert [attempt["status"] for attempt in delivery["attempts"]] == [status]  # one attempt, no retry
        assert delivery["next_attempt_at"] is None


async def test_a_slow_receiver_holds_up_neither_sends_nor_other_receivers(
    client: TestClient[Any, Any], auth: dict[str, str], receiver: Receiver
) -> None:
    """One message with two receivers: the slow one holds its ACK while the fast one gets its own."""
    await send(client, auth, "447700909300", [f"{receiver.url}/slow", f"{receiver.url}/fast"])
    advancing = asyncio.create_task(client.post("/__admin/clock/advance", json={"seconds": 1}))  # the SENT ACK
    async with asyncio.timeout(30):  # a guard against a hang, not a pause: both arrive at once
        await receiver.slow_arrived.wait()
        await receiver.fast_arrived.wait()
    assert [ack["status"] for ack in receiver.received] == ["SENT"]
    assert not advancing.done(), "an advance answers once every callback it caused has finished"
    await send(client, auth, "447700909301", f"{receiver.url}/fast")  # a send is answered meanwhile
    receiver.slow_gate.set()
    assert (await advancing).status == 200
    journal = await deliveries(client)
    assert sorted((d["url"], d["state"]) for d in journal) == [
        (f"{receiver.url}/fast", "DELIVERED"),
        (f"{receiver.url}/slow", "DELIVERED"),
    ]
