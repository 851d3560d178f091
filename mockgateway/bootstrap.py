"""Composition root: builds a ``Gateway`` from settings and the chosen adapters."""

from __future__ import annotations

from mockgateway.clock import Clock, FakeClock, SystemClock
from mockgateway.config import Settings
from mockgateway.ids import IdSource, SeededIds
from mockgateway.service.gateway import Gateway
from mockgateway.service.ports import Store
from mockgateway.service.tokens import TokenService
from mockgateway.storage.memory import InMemoryStore


def build_clock(settings: Settings) -> Clock:
    return FakeClock() if settings.clock == "virtual" else SystemClock()


def build_store(settings: Settings) -> Store:
    return InMemoryStore()


def build_gateway(
    settings: Settings,
    *,
    clock: Clock | None = None,
    store: Store | None = None,
    ids: IdSource | None = None,
) -> Gateway:
    clock = clock or build_clock(settings)
    ids = ids or SeededIds(settings.seed)
    return Gateway(
        clock=clock,
        ids=ids,
        store=store or build_store(settings),
        accounts=settings.accounts,
        tokens=TokenService(clock, ids, settings.access_token_ttl_s, settings.refresh_token_ttl_s),
    )
