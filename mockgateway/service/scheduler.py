"""The timeline of planned events: a heap ordered by due time, then by insertion.

A ``Job`` is a named tuple of strings and numbers, and the heap holds plain tuples of the same atoms: the
cyclic garbage collector stops tracking such tuples, so 100,000 messages in flight add nothing to its full
collections (which otherwise set the send path's p99 latency), and a job costs one tuple to make.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable
from typing import NamedTuple, TypeAlias

from mockgateway.scenario.model import PlannedReply, PlannedStatus


class Job(NamedTuple):
    """One planned event of a message: a status for one part, or a reply. Its fields are the stores' columns."""

    key: str  #: unique per job, so a store can keep pending jobs across restarts
    message_id: str
    due_at: float
    part_index: int | None = None  #: None for a reply
    status: str | None = None  #: a ``MessageStatus`` value
    reason: str | None = None
    code: str | None = None
    text: str | None = None  #: a reply's text
    sender: str | None = None  #: a reply's sender

    @classmethod
    def of(cls, message_id: str, action: PlannedStatus | PlannedReply, key: str = "") -> Job:
        if isinstance(action, PlannedStatus):
            return cls(key, message_id, action.due_at, action.part_index, action.status.value, action.reason,
                       action.code)  # fmt: skip
        return cls(key, message_id, action.due_at, text=action.text, sender=action.sender)


#: (due at, sequence, *the job's fields)
Entry: TypeAlias = tuple[float, int, str, str, float, int | None, str | None, str | None, str | None, str | None,
                          str | None]  # fmt: skip


def as_job(entry: Entry) -> Job:
    return Job._make(entry[2:])


class Scheduler:
    def __init__(self) -> None:
        self._heap: list[Entry] = []
        self._seq = itertools.count()

    def __len__(self) -> int:
        return len(self._heap)

    def schedule(self, job: Job) -> None:
        heapq.heappush(self._heap, (job.due_at, next(self._seq), *job))

    def schedule_all(self, jobs: Iterable[Job]) -> None:
        push, heap, seq = heapq.heappush, self._heap, self._seq
        for job in jobs:
            push(heap, (job[2], next(seq), *job))

    def next_due(self) -> float | None:
        return self._heap[0][0] if self._heap else None

    def pop_due(self, now: float) -> list[Job]:
        """Every job due at or before ``now``, in time order (ties in the order they were scheduled)."""
        return [as_job(entry) for entry in self.take_due(now)]

    def take_due(self, now: float) -> list[Entry]:
        """``pop_due`` as plain tuples (see ``as_job``): a burst of them adds nothing to garbage collection."""
        due: list[Entry] = []
        heap = self._heap
        while heap and heap[0][0] <= now:
            due.append(heapq.heappop(heap))
        return due

    def pending(self) -> list[Job]:
        return [as_job(entry) for entry in sorted(self._heap)]

    def clear(self) -> None:
        self._heap.clear()
