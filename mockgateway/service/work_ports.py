"""Ports for work that several gateway processes on one store share: planned jobs and callback leases.

One process alone keeps both in itself (``service/scheduler.LocalJobs``, ``NoLeases``); processes sharing a
store (the Redis one) claim due jobs from it and lease the callbacks they deliver, so each step runs once and
a callback held by a process that died is taken over by another.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from mockgateway.domain.job import Job
from mockgateway.domain.model import Delivery
from mockgateway.service.scheduler import FixedTimeline


class JobQueue(Protocol):
    """The planned jobs not yet run: planned by ``start``/``schedule`` then ``save``, handed out when due."""

    def start(self, message_id: str, start: float, timeline: FixedTimeline) -> None:
        """Plan a message's fixed timeline from ``start`` (kept by the following ``save``)."""

    def schedule(self, jobs: Sequence[Job]) -> None:
        """Plan jobs of a timeline drawn for one message (kept by the following ``save``)."""

    async def save(self, jobs: Sequence[Job]) -> None:
        """Keep the jobs just planned, so that they outlive the process (or reach the other processes)."""

    async def take_due(self, now: float) -> list[Job]:
        """Jobs due at or before ``now``, in due order, each handed to one taker only; empty when none."""

    async def ran(self, jobs: Sequence[Job]) -> None:
        """Note that jobs ``take_due`` handed out ran."""

    def put_back(self, jobs: Sequence[Job]) -> None:
        """Jobs ``take_due`` handed out that could not run (the store was unavailable): the next ``take_due``
        hands them out again."""

    async def next_due(self) -> float | None: ...

    def busy_until(self, message_id: str) -> float | None:
        """When the last job planned for the message falls due, for a queue that the store's retention does not
        already ask (``None``: nothing to keep it for)."""

    async def restore(self) -> int:
        """After a restart: take back the jobs kept; returns how many (the Redis queue, which keeps a message's
        jobs as one entry: how many messages have jobs waiting)."""

    async def clear(self) -> None: ...


#: Takes deliveries over: hands them to this process's outbox; returns how many it took.
TakeOver = Callable[[Sequence[Delivery]], int]


class Leases(Protocol):
    """Which process delivers which pending callback, and taking over those of a process that died."""

    #: True when processes share the pending callbacks: each resumes only its own and the orphans.
    shared: bool

    async def open(self, take: TakeOver) -> int:
        """Start holding leases: orphaned deliveries and those of dead processes go to ``take`` now and on every
        later sweep. Returns how many were taken now."""

    async def sweep(self) -> int:
        """Take over now what dead processes held; returns how many deliveries were taken."""

    async def close(self) -> None:
        """Stop, and release what this process still holds, so that the next process takes it at once."""


class NoLeases:
    """One process alone: every pending callback is its own, resumed at start-up from the store."""

    shared = False

    async def open(self, take: TakeOver) -> int:
        return 0

    async def sweep(self) -> int:
        return 0

    async def close(self) -> None:
        return None
