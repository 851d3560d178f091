"""Three ``serve`` processes on one Redis key prefix, each with a client session of its own.

Each process has the ``quick`` scenario (SENT 100 ms after the send, DELIVERED 100 ms later) and retries a
refused callback 2 s later: long enough for a process to die holding it. ``--takeover-after 1s`` lets the others
take over what a killed process held.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import uuid4

import aiohttp

from tests.conftest import basic
from tests.packaging.process import Server, clean_environ, running
from tests.redis_server import redis_url

REPLICAS = 3
SCENARIO = """
scenarios:
  - name: quick
    description: SENT after 100 ms, DELIVERED 100 ms later, for every number
    steps:
      - { status: sent, after: 100ms }
      - { status: delivered, after: 100ms }
"""
CONFIG = """
callbacks:
  retry_delays: [2s, 2s, 2s]
"""
LIVELINK_APP = basic("demo-app-key", "demo-app-secret")
VIRTUAL_START = "2026-01-01T00:00:00Z"


@dataclass
class Cluster:
    servers: list[Server]
    prefix: str


@contextmanager
def serving(workdir: Path, *, clock: str = "real", prefixes: list[str] | None = None) -> Iterator[Cluster]:
    """``REPLICAS`` processes on one new prefix (or, to show what sharing one takes, on ``prefixes``, one each),
    stopped with SIGTERM afterwards."""
    scenarios = workdir / "scenarios"
    scenarios.mkdir(exist_ok=True)
    (scenarios / "quick.yaml").write_text(SCENARIO, encoding="utf-8")
    config = workdir / "gateway.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    prefix = f"t{uuid4().hex}:"
    argv = [sys.executable, "-m", "mockgateway", "serve", "--host", "127.0.0.1", "--port", "0", "--clock", clock]
    argv += ["--store", redis_url(), "--scenarios", str(scenarios), "--config", str(config), "--takeover-after", "1s"]
    if clock == "virtual":  # one start for all: each would start at its own host time, and stay apart until then
        argv += ["--start-time", VIRTUAL_START]
    with ExitStack() as stack:
        servers = [
            stack.enter_context(running([*argv, "--redis-prefix", own], clean_environ()))
            for own in prefixes or [prefix] * REPLICAS
        ]
        yield Cluster(servers=servers, prefix=prefix)


@asynccontextmanager
async def sessions_of(cluster: Cluster) -> AsyncIterator[list[aiohttp.ClientSession]]:
    opened = [aiohttp.ClientSession(server.url) for server in cluster.servers]
    try:
        yield opened
    finally:
        for session in opened:
            await session.close()


async def expect(response: aiohttp.ClientResponse, status: int = 200) -> Any:
    body = await response.read()
    assert response.status == status, body
    return await response.json(content_type=None)


async def bearer(http: aiohttp.ClientSession) -> dict[str, str]:
    """The headers of a Live Link access token issued by the process ``http`` talks to."""
    grant = await expect(
        await http.post("/api/oauth/token", data={"grant_type": "client_credentials"}, headers=LIVELINK_APP)
    )
    return {"Authorization": f"Bearer {grant['access_token']}"}


async def send_round_robin(sessions: list[aiohttp.ClientSession], count: int, **extra: Any) -> list[str]:
    """``count`` Live Link messages, each through the next process, with ``extra`` in each body; returns their
    order ids in the order sent."""
    tokens = [await bearer(http) for http in sessions]  # a token of each process's own

    async def send(number: int) -> str:
        replica = number % len(sessions)
        body = {"destination": ["33612345678"], "message": f"Hi {number}", **extra}
        answer = await expect(await sessions[replica].post("/api/v2/sms", json=body, headers=tokens[replica]))
        [order_id] = answer["livelinkOrderIds"][0]["livelinkOrderId"]
        return str(order_id)

    orders = await asyncio.gather(*(send(number) for number in range(count)))
    assert len(set(orders)) == count, "two processes handed out the same order id"
    return list(orders)
