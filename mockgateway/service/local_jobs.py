"""The ``JobQueue`` of one process alone: the ``Scheduler``'s queues, noted in a ``JobJournal``."""

from __future__ import annotations

from collections.abc import Coroutine, Sequence
from typing import Any

from mockgateway.domain.job import Job
from mockgateway.service.ports import JobJournal
from mockgateway.service.scheduler import Scheduler


class LocalJobs:
    """The scheduler is the record; the journal (none for the in-memory store) keeps it across restarts."""

    def __init__(self, journal: JobJournal, *, hold_beyond_s: float = 0.0) -> None:
        self._scheduler = scheduler = Scheduler(hold_beyond_s=hold_beyond_s)
        self._journal = journal
        # The scheduler's own methods, not wrappers: ``start`` is called for every message sent.
        self.start = scheduler.start
        self.schedule = scheduler.schedule
        self.put_back = scheduler.schedule
        self.busy_until = scheduler.busy_until

    def save(self, jobs: Sequence[Job]) -> Coroutine[Any, Any, None]:
        # the journal's own coroutine, awaited by the caller: one frame fewer on every send
        return self._journal.save(jobs)

    async def take_due(self, now: float) -> list[Job]:
        return self._scheduler.take_due(now)

    async def ran(self, jobs: Sequence[Job]) -> None:
        scheduler_ran = self._scheduler.ran
        for job in jobs:
            scheduler_ran(job)
        await self._journal.forget(jobs)

    async def next_due(self) -> float | None:
        return self._scheduler.next_due()

    async def restore(self) -> int:
        jobs = await self._journal.load()
        self._scheduler.schedule(jobs)
        return len(jobs)

    async def clear(self) -> None:
        self._scheduler.clear()
        await self._journal.clear()
