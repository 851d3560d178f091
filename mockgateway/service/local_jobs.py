"""The ``JobQueue`` of one process alone: the ``Scheduler``'s queues, noted in a ``JobJournal``."""

from __future__ import annotations

from collections.abc import Coroutine, Sequence
from typing import TYPE_CHECKING, Any

from mockgateway.domain.job import Job
from mockgateway.service.ports import JobJournal
from mockgateway.service.scheduler import FixedTimeline, Scheduler

if TYPE_CHECKING:
    from mockgateway.service.work_ports import JobQueue


class LocalJobs:
    """The scheduler is the record; the journal (none for the in-memory store) keeps it across restarts."""

    def __init__(self, journal: JobJournal, *, hold_beyond_s: float = 0.0) -> None:
        self._scheduler = Scheduler(hold_beyond_s=hold_beyond_s)
        self._journal = journal

    def start(self, message_id: str, start: float, timeline: FixedTimeline) -> None:
        self._scheduler.start(message_id, start, timeline)

    def schedule(self, jobs: Sequence[Job]) -> None:
        self._scheduler.schedule(jobs)

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

    def put_back(self, jobs: Sequence[Job]) -> None:
        self._scheduler.schedule(jobs)

    async def next_due(self) -> float | None:
        return self._scheduler.next_due()

    def busy_until(self, message_id: str) -> float | None:
        return self._scheduler.busy_until(message_id)

    async def restore(self) -> int:
        jobs = await self._journal.load()
        self._scheduler.schedule(jobs)
        return len(jobs)

    async def clear(self) -> None:
        self._scheduler.clear()
        await self._journal.clear()


if TYPE_CHECKING:

    def _is_a_queue(queue: LocalJobs) -> JobQueue:
        return queue  # mypy proves the class fits the port
