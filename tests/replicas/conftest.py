"""Three gateways on one Redis key prefix in one event loop: replicas of one gateway, each served in-process.

Each has its own virtual clock built at ``T0``, as separate processes would; their seeds differ, so their ids do.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import pytest
from aiohttp.test_utils import TestClient

from mockgateway.bootstrap import build_gateway
from mockgateway.clock import FakeClock
from mockgateway.config import Settings
from mockgateway.http.app import create_app
from mockgateway.service.gateway import Gateway
from tests.ack_receiver import AckReceiver, receiving
from tests.conftest import T0, AiohttpClient
from tests.redis_server import redis_url

Client = TestClient[Any, Any]


@dataclass(frozen=True, kw_only=True)
class Replica:
    client: Client
    gateway: Gateway


class Cluster:
    """Starts replicas on one prefix; ``settled`` waits until each has applied what any of them did."""

    def __init__(self, aiohttp_client: AiohttpClient) -> None:
        self._aiohttp_client = aiohttp_client
        self._prefix = f"t{uuid4().hex}:"
        self.replicas: list[Replica] = []

    async def start(self, *, clock_at: float = T0) -> Replica:
        """A replica whose own virtual clock is built at ``clock_at`` (a process started later: the host's time)."""
        seed = len(self.replicas) + 1
        settings = Settings(clock="virtual", seed=seed, store=redis_url(), redis_prefix=self._prefix)
        gateway = build_gateway(settings, clock=FakeClock(clock_at))
        client = await self._aiohttp_client(create_app(settings, gateway=gateway))
        replica = Replica(client=client, gateway=gateway)
        self.replicas.append(replica)
        return replica


async def settled(replicas: Sequence[Replica]) -> None:
    """Every replica has sent what it had to tell (first round) and applied what the others told (second)."""
    for _ in range(2):
        for replica in replicas:
            await replica.gateway.caught_up()


@pytest.fixture
def cluster(aiohttp_client: AiohttpClient) -> Cluster:
    return Cluster(aiohttp_client)


@pytest.fixture
async def replicas(cluster: Cluster) -> list[Replica]:
    return [await cluster.start() for _ in range(3)]


@pytest.fixture
async def receiver() -> AsyncIterator[AckReceiver]:
    """Takes Live Link ACKs at its ``url``."""
    async with receiving(AckReceiver()) as taking:
        yield taking
