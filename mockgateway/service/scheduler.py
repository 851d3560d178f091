"""The timeline of planned events: a heap ordered by due time, then by insertion.

Heap entries are flat tuples of strings and numbers rather than ``Job`` objects: the cyclic garbage collector
stops tracking such tuples, so 100,000 messages in flight add nothing to its full collections (which otherwise
set the send path's p99 latency).
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass
from typing import TypeAlias

from mockgateway.domain.model import MessageStatus
from mockgateway.scenario.model import PlannedReply, PlannedStatus

#: (due at, sequence, message id, key, part index or -1 for a reply, status or text, reason or sender, code)
_Entry: TypeAlias = tuple[float, int, str, str, int, str, str | None, str | None]


@dataclass(frozen=True, slots=True)
class Job:
    message_id: str
    action: PlannedStatus | PlannedReply
    key: str = ""  #: unique per job, so a store can keep pending jobs across restarts

    @property
    def due_at(self) -> float:
        return self.action.due_at


def _entry(job: Job, seq: int) -> _Entry:
    a = job.action
    if isinstance(a, PlannedStatus):
        return (a.due_at, seq, job.message_id, job.key, a.part_index, a.status.value, a.reason, a.code)
    return (a.due_at, seq, job.message_id, job.key, -1, a.text, a.sender, None)


def _job(entry: _Entry) -> Job:
    due_at, _, message_id, key, part, first, second, code = entry
    if part >= 0:
        return Job(message_id, PlannedStatus(due_at, part, MessageStatus(first), second, code), key)
    return Job(message_id, PlannedReply(due_at, first, second or ""), key)


class Scheduler:
    def __init__(self) -> None:
        self._heap: list[_Entry] = []
        self._seq = itertools.count()

    def __len__(self) -> int:
        return len(self._heap)

    def schedule(self, job: Job) -> None:
        heapq.heappush(self._heap, _entry(job, next(self._seq)))

    def next_due(self) -> float | None:
        return self._heap[0][0] if self._heap else None

    def pop_due(self, now: float) -> list[Job]:
        """Every job due at or before ``now``, in time order (ties in the order they were scheduled)."""
        due: list[Job] = []
        while self._heap and self._heap[0][0] <= now:
            due.append(_job(heapq.heappop(self._heap)))
        return due

    def pending(self) -> list[Job]:
        return [_job(entry) for entry in sorted(self._heap)]

    def clear(self) -> None:
        self._heap.clear()
