"""Composition root: builds a ``Gateway`` from settings and the chosen adapters."""

from __future__ import annotations

import asyncio

from mockgateway.clock import Clock, FakeClock, SystemClock
from mockgateway.config import Settings
from mockgateway.domain.model import Delivery
from mockgateway.ids import IdSource, SeededIds
from mockgateway.service.gateway import Gateway
from mockgateway.service.ports import Outbox, Store
from mockgateway.service.tokens import TokenService
from mockgateway.storage.memory import InMemoryStore


class _HoldingOutbox:
    """Keeps deliveries without sending them (used until a dispatcher is wired in)."""

    def __init__(self) -> None:
        self.held: list[Delivery] = []

    def enqueue(self, delivery: Delivery) -> None:
        self.held.append(delivery)

    def next_due(self) -> float | None:
        return None

    def run_due(self) -> None:
        return None

    async def drain(self) -> None:
        return None

    async def replay(self, delivery: Delivery) -> Delivery:
        return delivery


def build_clock(settings: Settings) -> Clock:
    return FakeClock() if settings.clock == "virtual" else SystemClock()


def build_store(settings: Settings) -> Store:
    return InMemoryStore()


async def _no_wait(seconds: float) -> None:
    return None


def build_gateway(
    settings: Settings,
    *,
    clock: Clock | None = None,
    store: Store | None = None,
    ids: IdSource | None = None,
    outbox: Outbox | None = None,
) -> Gateway:
    clock = clock or build_clock(settings)
    ids = ids or SeededIds(settings.seed)
    return Gateway(
        clock=clock,
        ids=ids,
        store=store or build_store(settings),
        outbox=outbox or _HoldingOutbox(),
        accounts=settings.accounts,
        tokens=TokenService(clock, ids, settings.access_token_ttl_s, settings.refresh_token_ttl_s),
        # Send latency from scenarios is real waiting on the real clock only; virtual time never waits.
        sleep=_no_wait if clock.virtual else asyncio.sleep,
    )
