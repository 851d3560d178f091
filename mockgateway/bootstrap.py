"""Composition root: builds a ``Gateway`` from settings and the chosen adapters."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from mockgateway.clock import Clock, FakeClock, SystemClock
from mockgateway.config import Settings, is_shared_store
from mockgateway.dialects.livelink import LiveLinkCallbacks
from mockgateway.dialects.mobivate import MOBIVATE_CALLBACKS
from mockgateway.dialects.smsmode import SMSMODE_CALLBACKS
from mockgateway.dialects.textapp import TEXTAPP_CALLBACKS
from mockgateway.dispatch.dispatcher import CallbackDispatcher
from mockgateway.dispatch.policy import RetryPolicy
from mockgateway.dispatch.sandbox import AddressPolicy
from mockgateway.dispatch.transport import HttpTransport, OrderedTransport, Transport
from mockgateway.domain.errors import ConfigError
from mockgateway.domain.model import Delivery
from mockgateway.ids import IdSource, SeededIds
from mockgateway.scenario.loader import load_dir, shipped_dir
from mockgateway.scenario.model import Scenario
from mockgateway.service.directory import Directory
from mockgateway.service.events import Event, EventHub
from mockgateway.service.gateway import Gateway
from mockgateway.service.ports import CallbackRenderer, JobJournal, Outbox, Store
from mockgateway.service.send_answers import Sleep
from mockgateway.service.tokens import TokenService
from mockgateway.storage.memory import InMemoryStore, NoJournal

if TYPE_CHECKING:
    from mockgateway.storage.redis_store import RedisStore

ALLOW_NETWORKS = "allow_networks"


def load_scenarios(directory: Path) -> tuple[Scenario, ...]:
    # The shipped library is checked against the JSON Schema by the test suite; skipping that check here spares
    # start-up the import of the validator, about a tenth of a second (start-up must take under one).
    return load_dir(directory, schema=directory.resolve() != shipped_dir().resolve())


def _callbacks_section(settings: Settings) -> dict[str, object]:
    raw = settings.extra.get("callbacks", {})
    if not isinstance(raw, dict):
        raise ConfigError(f"{settings.config_path}: callbacks: must be a mapping")
    return raw


def retry_policy(settings: Settings) -> RetryPolicy:
    """The config file's ``callbacks`` section (retry delays, timeout), or the defaults."""
    try:
        return RetryPolicy.from_mapping(_callbacks_section(settings), other_keys=(ALLOW_NETWORKS,))
    except ValueError as error:
        raise ConfigError(f"{settings.config_path}: callbacks.{error}") from error


def address_policy(settings: Settings) -> AddressPolicy | None:
    """The sandbox, on with ``--sandbox`` or a ``callbacks.allow_networks`` list; None lets callbacks go anywhere."""
    section = _callbacks_section(settings)
    if not settings.sandbox and ALLOW_NETWORKS not in section:
        return None
    networks = section.get(ALLOW_NETWORKS) or []
    if not isinstance(networks, list):
        raise ConfigError(f"{settings.config_path}: callbacks.{ALLOW_NETWORKS}: must be a list such as [10.0.0.0/8]")
    try:
        return AddressPolicy.from_config(networks)
    except ValueError as error:
        raise ConfigError(f"{settings.config_path}: callbacks.{error}") from error


def build_clock(settings: Settings) -> Clock:
    return FakeClock(settings.clock_start()) if settings.clock == "virtual" else SystemClock()


def build_store(settings: Settings) -> tuple[Store, JobJournal]:
    """``memory``; ``sqlite:PATH``, an embedded database file that survives restarts, pending jobs included; or
    ``redis://HOST:PORT/DB``, a Redis server keeping the same under ``redis_prefix``."""
    if is_shared_store(settings.store):
        from mockgateway.storage.redis_store import RedisStore  # here: only this store needs redis-py

        redis = RedisStore(settings.store, prefix=settings.redis_prefix, clock=settings.clock)
        return redis, redis.journal()
    if settings.store.startswith("sqlite:"):
        from mockgateway.storage.sqlite import SqliteStore  # here: most runs keep everything in memory

        store = SqliteStore(Path(settings.store.removeprefix("sqlite:")).expanduser())
        return store, store.journal()
    return InMemoryStore(), NoJournal()


def callback_renderers() -> dict[str, CallbackRenderer]:
    """Each provider's callback requests, by provider name: the part of a dialect the engine is given."""
    renderers = (LiveLinkCallbacks(), MOBIVATE_CALLBACKS, SMSMODE_CALLBACKS, TEXTAPP_CALLBACKS)
    return {renderer.provider: renderer for renderer in renderers}


def _announce_callbacks(events: EventHub) -> Callable[[Delivery], None]:
    """The dispatcher's report of each recorded attempt, published as a "callback" event when one listens."""

    def on_change(delivery: Delivery) -> None:
        if events.wants("callback"):
            last = delivery.attempts[-1] if delivery.attempts else None
            event = Event(
                kind="callback",
                id=delivery.id,
                account=delivery.account,
                status=delivery.outcome,
                carries=delivery.kind,
                latency_ms=None if last is None else last.latency_ms,
            )
            events.publish(event)

    return on_change


def build_gateway(
    settings: Settings,
    *,
    clock: Clock | None = None,
    store: Store | None = None,
    journal: JobJournal | None = None,
    ids: IdSource | None = None,
    outbox: Outbox | None = None,
    sleep: Sleep = asyncio.sleep,
    in_order: bool | None = None,
    renderers: Mapping[str, CallbackRenderer] | None = None,
) -> Gateway:
    """``sleep`` is the real clock's wait for a send's latency; the virtual clock parks sends instead.

    ``in_order``: callbacks to one receiver one at a time (see ``OrderedTransport``); by default on a seeded
    virtual-clock run, which promises the same callbacks in the same order every run.

    ``renderers``: each provider's callback requests; by default the dialects' own (``callback_renderers``).
    An ``outbox`` given here reports no callback events: only the dispatcher built here is told of them.

    ``journal``: where pending jobs are kept, with a ``store`` given; by default none outlive the process."""
    clock = clock or build_clock(settings)
    ids = ids or SeededIds(settings.seed)
    if store is None:
        store, built = build_store(settings)
        journal = journal or built
    shared = _shared_store(settings, store)
    events = EventHub()
    if outbox is None:
        transport: Transport = HttpTransport(sandbox=address_policy(settings))
        if in_order is None:
            in_order = clock.virtual and settings.seed is not None
        if in_order:
            transport = OrderedTransport(transport)
        outbox = CallbackDispatcher(
            transport, clock, store, retry_policy(settings), on_change=_announce_callbacks(events)
        )
    return Gateway(
        clock=clock,
        ids=ids,
        store=store,
        journal=journal or NoJournal(),
        outbox=outbox,
        directory=Directory(settings.accounts, store.state, clock),
        tokens=TokenService(clock, ids, settings.access_token_ttl_s, settings.refresh_token_ttl_s, state=store.state),
        renderers=callback_renderers() if renderers is None else renderers,
        events=events,
        sleep=sleep,
        retention_s=settings.retention_s,
        scenarios=load_scenarios(settings.scenarios_dir or shipped_dir()),
        jobs=None if shared is None else shared.job_queue(),
        leases=None if shared is None else shared.leases(settings.takeover_after_s),
    )


def _shared_store(settings: Settings, store: Store) -> RedisStore | None:
    """The Redis store, from which jobs are claimed and on which callbacks are leased, so that processes sharing
    it each do a piece of work once; None for the others, where the process keeps both itself."""
    if not is_shared_store(settings.store):
        return None
    from mockgateway.storage.redis_store import RedisStore  # here: only this store needs redis-py

    return store if isinstance(store, RedisStore) else None
