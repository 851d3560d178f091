"""The planned jobs, handed out in due-time order (ties in the order they were scheduled).

Two kinds of private queue hold them; each job has a sequence number, which breaks ties in scheduling order:

- **Lanes.** Most messages follow a fixed timeline (see ``FixedTimeline``): step *k* falls due a fixed offset
  after the message starts. Messages start in clock order, so each step's due times arrive already sorted, and a
  lane per step is a plain FIFO of ``_Waiting`` messages: scheduling a message appends one per step, and nothing
  is sorted until the step falls due. The step's ``Job`` is made then: a job per pending step, kept in the
  lane, took 180 bytes a step against 92 (``bench/pending_rss.py``).
- **The heap** holds ``_Entry`` values, a job each: timelines drawn at random or with replies, jobs restored
  after a restart, and a step that would fall due before the last one in its lane (a message deferred to an
  earlier time, say).

Jobs and queue items are ``gc=False`` structs: 100,000 messages in flight add nothing to the garbage collector's
full collections (which otherwise set the send path's p99 latency).

``LocalJobs`` is the ``JobQueue`` of one process alone: a scheduler, noted in a ``JobJournal``.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Coroutine, Iterable, Sequence
from typing import Any

import msgspec

from mockgateway.domain.job import Job
from mockgateway.service.ports import JobJournal

_replace = msgspec.structs.replace


class _Entry(msgspec.Struct, frozen=True, gc=False, kw_only=True, order=True):
    """A job's place in a queue. Fields compare in order, and no two entries share a sequence number, so
    entries sort by due time, then in the order they were scheduled, and never compare their jobs."""

    due_at: float
    seq: int
    job: Job


class _Waiting(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """A message in a lane: the lane's step falls due for it at ``due_at``."""

    due_at: float
    seq: int
    message_id: str


class _Lane:
    """One step of a fixed timeline, and the messages waiting for it, in due order."""

    __slots__ = ("step", "waiting")

    def __init__(self, step: Job) -> None:
        self.step = step
        self.waiting: deque[_Waiting] = deque()

    def entry(self, waiting: _Waiting) -> _Entry:
        job = _replace(self.step, message_id=waiting.message_id, due_at=waiting.due_at)
        return _Entry(due_at=waiting.due_at, seq=waiting.seq, job=job)


class FixedTimeline:
    """A timeline that is the same for every message following it: its jobs, due relative to the message's
    start (their ``message_id`` is empty). ``Scheduler.start`` schedules it for a message, in one private lane
    per step; a fixed timeline is used with one scheduler only."""

    __slots__ = ("_lanes", "lasts", "steps")

    def __init__(self, steps: Sequence[Job]) -> None:
        self.steps = tuple(steps)
        self.lasts = max((step.due_at for step in self.steps), default=0.0)  #: from the start to its last step
        self._lanes = tuple(_Lane(step) for step in self.steps)

    def jobs_for(self, message_id: str, start: float) -> list[Job]:
        return [_replace(step, message_id=message_id, due_at=start + step.due_at) for step in self.steps]


class Scheduler:
    def __init__(self, *, hold_beyond_s: float = 0.0) -> None:
        #: A fixed timeline is noted in ``busy_until`` only when it lasts longer than this: retention can only
        #: reach a message this long after it started, and by then a shorter timeline has run.
        self.hold_beyond_s = hold_beyond_s
        self._heap: list[_Entry] = []
        self._lanes: dict[_Lane, None] = {}  #: the lanes with messages in them, in the order they got their first
        self._next = 0  #: the next sequence number
        #: message id -> when its last job falls due, while it has jobs left
        self._until: dict[str, float] = {}

    def __len__(self) -> int:
        return len(self._heap) + sum(len(lane.waiting) for lane in self._lanes)

    def start(self, message_id: str, start: float, timeline: FixedTimeline) -> None:
        active = self._lanes
        lanes = timeline._lanes  # noqa: SLF001  (the timeline's lanes are this module's own queues)
        for seq, lane in enumerate(lanes, self._next):
            waiting = _Waiting(due_at=start + lane.step.due_at, seq=seq, message_id=message_id)
            queue = lane.waiting
            if not queue:
                active[lane] = None
            elif queue[-1].due_at > waiting.due_at:  # it would overtake the lane: the heap keeps the order
                heapq.heappush(self._heap, lane.entry(waiting))
                continue
            queue.append(waiting)
        self._next += len(lanes)
        if timeline.lasts > self.hold_beyond_s:
            self._hold(message_id, start + timeline.lasts)

    def schedule(self, jobs: Iterable[Job]) -> None:
        heap = self._heap
        for job in jobs:
            heapq.heappush(heap, _Entry(due_at=job.due_at, seq=self._next, job=job))
            self._next += 1
            self._hold(job.message_id, job.due_at)

    def _hold(self, message_id: str, due: float) -> None:
        if due > self._until.get(message_id, -1.0):
            self._until[message_id] = due

    def busy_until(self, message_id: str) -> float | None:
        """When the last job still planned for the message falls due; ``None`` when none is left (or its fixed
        timeline is no longer than ``hold_beyond_s``)."""
        return self._until.get(message_id)

    def ran(self, job: Job) -> None:
        """Note that a job ``take_due`` handed out ran (it hands them out in order)."""
        until = self._until
        if job.due_at >= until.get(job.message_id, job.due_at):
            until.pop(job.message_id, None)

    def next_due(self) -> float | None:
        times = [lane.waiting[0].due_at for lane in self._lanes]
        if self._heap:
            times.append(self._heap[0].due_at)
        return min(times) if times else None

    def take_due(self, now: float) -> list[Job]:
        """Every job due at or before ``now``, in time order (ties in the order they were scheduled)."""
        due: list[_Entry] = []
        heap = self._heap
        while heap and heap[0].due_at <= now:
            due.append(heapq.heappop(heap))
        runs = 1 if due else 0
        for lane in [lane for lane in self._lanes if lane.waiting[0].due_at <= now]:
            queue, entry = lane.waiting, lane.entry
            while queue and queue[0].due_at <= now:
                due.append(entry(queue.popleft()))
            if not queue:
                del self._lanes[lane]
            runs += 1
        if runs > 1:
            due.sort()  # merges the sorted runs
        return [entry.job for entry in due]

    def clear(self) -> None:
        self._heap.clear()
        for lane in self._lanes:
            lane.waiting.clear()
        self._lanes.clear()
        self._until.clear()


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
