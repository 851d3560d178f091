"""The timeline of planned events: a heap ordered by due time, then by insertion."""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass

from mockgateway.scenario.model import PlannedReply, PlannedStatus


@dataclass(frozen=True, slots=True)
class Job:
    message_id: str
    action: PlannedStatus | PlannedReply
    key: str = ""  #: unique per job, so a store can keep pending jobs across restarts

    @property
    def due_at(self) -> float:
        return self.action.due_at


class Scheduler:
    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Job]] = []
        self._seq = itertools.count()

    def __len__(self) -> int:
        return len(self._heap)

    def schedule(self, job: Job) -> None:
        heapq.heappush(self._heap, (job.due_at, next(self._seq), job))

    def next_due(self) -> float | None:
        return self._heap[0][0] if self._heap else None

    def pop_due(self, now: float) -> list[Job]:
        """Every job due at or before ``now``, in time order (ties in the order they were scheduled)."""
        due: list[Job] = []
        while self._heap and self._heap[0][0] <= now:
            due.append(heapq.heappop(self._heap)[2])
        return due

    def pending(self) -> list[Job]:
        return [entry[2] for entry in sorted(self._heap)]

    def clear(self) -> None:
        self._heap.clear()
