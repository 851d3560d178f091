"""A gateway's parts, for the tests (and benchmarks) that check them directly.

Handlers and dialects see only the ``Gateway`` facade (ruff's SLF001 keeps them to it); a test of what the store
kept or the scheduler still plans may look behind it, through these functions only.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from mockgateway.service.gateway import Gateway
from mockgateway.service.ports import Store
from mockgateway.service.scheduler import FixedTimeline, LocalJobs, Scheduler
from mockgateway.service.work_ports import JobQueue
from mockgateway.storage.redis_store import RedisStore


def store_of(gateway: Gateway) -> Store:
    return gateway._store


def listener_count(gateway: Gateway) -> int:
    """Listeners on the gateway's event hub."""
    return len(gateway._events._listeners)


def wants_events(gateway: Gateway, kind: str) -> bool:
    """Whether the gateway makes events of ``kind``: someone listens, on it or on a replica sharing its store."""
    return gateway._events.wants(kind)


def transport_of(gateway: Gateway) -> object:
    """How the gateway's callback dispatcher sends."""
    return gateway._outbox._transport  # type: ignore[attr-defined]


def scheduler_of(gateway: Gateway) -> Scheduler:
    """The scheduler of a gateway that keeps its jobs itself (not on a shared store)."""
    jobs = gateway._engine._jobs
    assert isinstance(jobs, LocalJobs)
    return jobs._scheduler


def job_queue_of(gateway: Gateway) -> JobQueue:
    return gateway._engine._jobs


def waiting_in_lanes(timeline: FixedTimeline) -> list[object]:
    """What the scheduler's lanes for ``timeline`` hold: one item per message waiting for a step."""
    return [item for lane in timeline._lanes for item in lane.waiting]


def before_event_purge_deletes(store: RedisStore, before: Callable[[], Awaitable[object]]) -> None:
    """Run ``before`` each time the store's notification purge, having read what is due, deletes it."""
    events = store._notifications
    forget = events._forget

    async def after_before(**kwargs: Any) -> Any:
        await before()
        return await forget(**kwargs)

    events._forget = after_before  # type: ignore[assignment]


def notes_connection(gateway: Gateway) -> Any:
    """The redis-py connection through which a replica on a Redis store hears the others' notes."""
    return gateway._peers._pubsub.connection  # type: ignore[attr-defined]
