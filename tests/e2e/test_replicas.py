"""Three gateway processes on one Redis prefix behave as one gateway for the work they share.

Each process is a ``serve`` of its own on the real clock, with a scenario whose steps come 100 ms apart; a client
sends round-robin, its callbacks go to a receiver in the test, which counts them per message and status. Every
step runs on one process only, so each ACK arrives once; and when a process is killed with SIGKILL while its
callbacks wait for their retry, the others take them over (``--takeover-after 1s``) and deliver them.
"""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import uuid4

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from redis.asyncio import Redis

from tests.conftest import basic
from tests.packaging.process import Server, clean_environ, running
from tests.redis_server import redis_url

pytestmark = pytest.mark.slow

REPLICAS = 3
SENDS = 60
STATUSES = ("SENT", "DELIVERED")
DEADLINE_S = 60.0  #: how long the test waits for the callbacks before it fails
SCENARIO = """
scenarios:
  - name: quick
    description: SENT after 100 ms, DELIVERED 100 ms later, for every number
    steps:
      - { status: sent, after: 100ms }
      - { status: delivered, after: 100ms }
"""
#: A refused callback is tried again 2 s later: long enough for a process to die holding it.
CONFIG = """
callbacks:
  retry_delays: [2s, 2s, 2s]
"""


class AckReceiver:
    """Counts the Live Link ACKs it took, per order id and status; refuses each one's first attempt when told."""

    def __init__(self, *, refuse_first: bool) -> None:
        self.refuse_first = refuse_first
        self.taken: Counter[tuple[str, str]] = Counter()
        self.refused: set[tuple[str, str]] = set()
        self.expected = 0
        self.all_taken = asyncio.Event()
        self.all_refused = asyncio.Event()
        self.app = web.Application()
        self.app.router.add_post("/acks", self.handle)

    async def handle(self, request: web.Request) -> web.Response:
        ack = await request.json()
        key = (ack["messageId"], ack["status"])
        if self.refuse_first and key not in self.refused:
            self.refused.add(key)
            if len(self.refused) == self.expected:
                self.all_refused.set()
            return web.Response(status=503)
        self.taken[key] += 1
        if len(self.taken) == self.expected:
            self.all_taken.set()
        return web.Response(text="OK")


@dataclass
class Cluster:
    servers: list[Server]
    prefix: str


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    (scenarios / "quick.yaml").write_text(SCENARIO, encoding="utf-8")
    config = tmp_path / "gateway.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    prefix = f"t{uuid4().hex}:"
    argv = [sys.executable, "-m", "mockgateway", "serve", "--host", "127.0.0.1", "--port", "0"]
    argv += ["--store", redis_url(), "--redis-prefix", prefix, "--scenarios", str(scenarios)]
    argv += ["--config", str(config), "--takeover-after", "1s"]
    with ExitStack() as stack:
        servers = [stack.enter_context(running(argv, clean_environ())) for _ in range(REPLICAS)]
        yield Cluster(servers=servers, prefix=prefix)


@pytest.fixture
async def sessions(cluster: Cluster) -> AsyncIterator[list[aiohttp.ClientSession]]:
    opened = [aiohttp.ClientSession(server.url) for server in cluster.servers]
    yield opened
    for session in opened:
        await session.close()


async def receiving(receiver: AckReceiver) -> TestServer:
    server = TestServer(receiver.app, host="127.0.0.1")
    await server.start_server()
    return server


async def expect(response: aiohttp.ClientResponse, status: int = 200) -> Any:
    body = await response.read()
    assert response.status == status, body
    return await response.json(content_type=None)


async def send_round_robin(sessions: list[aiohttp.ClientSession], callback: str) -> set[str]:
    """``SENDS`` Live Link messages, each through the next process; returns their order ids."""
    tokens = []
    for http in sessions:  # a token of each process's own
        auth = basic("demo-app-key", "demo-app-secret")
        grant = await expect(
            await http.post("/api/oauth/token", data={"grant_type": "client_credentials"}, headers=auth)
        )
        tokens.append({"Authorization": f"Bearer {grant['access_token']}"})
    body = {
        "destination": ["33612345678"],
        "message": "Hi",
        "acknowledgement": True,
        "ackType": "MESSAGE",
        "callback": callback,
    }

    async def send(number: int) -> str:
        replica = number % len(sessions)
        answer = await expect(await sessions[replica].post("/api/v2/sms", json=body, headers=tokens[replica]))
        [order_id] = answer["livelinkOrderIds"][0]["livelinkOrderId"]
        return str(order_id)

    orders = set(await asyncio.gather(*(send(number) for number in range(SENDS))))
    assert len(orders) == SENDS, "two processes handed out the same order id"
    return orders


def settled(delivery: dict[str, Any]) -> bool:
    return bool(delivery["state"] != "PENDING")


def refused_once(delivery: dict[str, Any]) -> bool:
    return bool(delivery["attempts"])


async def journal(
    http: aiohttp.ClientSession, ready: Callable[[dict[str, Any]], bool] = settled
) -> list[dict[str, Any]]:
    """Every callback delivery with its attempts, from the admin API, once each is ``ready``: the receiver
    answers an attempt before the process records the answer. Asks again until then, or the deadline."""
    deadline = asyncio.get_running_loop().time() + DEADLINE_S
    while True:
        listed = await expect(await http.get("/__admin/callbacks", params={"limit": str(10 * SENDS)}))
        deliveries: list[dict[str, Any]] = listed["callbacks"]
        done = len(deliveries) == SENDS * len(STATUSES) and all(ready(d) for d in deliveries)
        if done or asyncio.get_running_loop().time() > deadline:
            return deliveries


async def test_each_ack_is_delivered_once_whichever_process_ran_its_step(
    cluster: Cluster, sessions: list[aiohttp.ClientSession]
) -> None:
    receiver = AckReceiver(refuse_first=False)
    receiver.expected = SENDS * len(STATUSES)
    server = await receiving(receiver)
    try:
        orders = await send_round_robin(sessions, str(server.make_url("/acks")))
        await asyncio.wait_for(receiver.all_taken.wait(), DEADLINE_S)
        assert {order for order, _ in receiver.taken} == orders
        assert set(receiver.taken.values()) == {1}, "an ACK was delivered more than once"
        deliveries = await journal(sessions[1])
        assert len(deliveries) == SENDS * len(STATUSES)
        assert all([a["status"] for a in d["attempts"]] == [200] and d["state"] == "DELIVERED" for d in deliveries)
    finally:
        await server.close()


async def test_a_process_killed_while_holding_callbacks_loses_none_of_them(
    cluster: Cluster, sessions: list[aiohttp.ClientSession]
) -> None:
    receiver = AckReceiver(refuse_first=True)
    receiver.expected = SENDS * len(STATUSES)
    server = await receiving(receiver)
    try:
        orders = await send_round_robin(sessions, str(server.make_url("/acks")))
        await asyncio.wait_for(receiver.all_refused.wait(), DEADLINE_S)
        await journal(sessions[2], refused_once)  # every ACK's refusal recorded: each now waits for its retry
        killed = cluster.servers[0].process
        killed.kill()
        assert await asyncio.to_thread(killed.wait) == -9
        await asyncio.wait_for(receiver.all_taken.wait(), DEADLINE_S)
        assert {order for order, _ in receiver.taken} == orders
        deliveries = await journal(sessions[1])
        assert len(deliveries) == SENDS * len(STATUSES)
        for delivery in deliveries:
            assert delivery["state"] == "DELIVERED"
            attempts = [a["status"] for a in delivery["attempts"]]
            assert (attempts[0], attempts[-1]) == (503, 200), attempts
        redis = Redis.from_url(redis_url())
        try:
            assert await redis.scard(f"{cluster.prefix}w:replicas") == REPLICAS - 1, "the dead one was not taken over"
        finally:
            await redis.aclose()
    finally:
        await server.close()
