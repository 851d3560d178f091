"""The jobs one send planned, as the engine hands them to its ``JobQueue`` to keep."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import overload

import msgspec

from mockgateway.domain.job import Job
from mockgateway.service.scheduler import FixedTimeline


class _Started(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    message_id: str
    start: float
    timeline: FixedTimeline


class PlannedJobs(Sequence[Job]):
    """Fixed timelines started and jobs drawn; a fixed timeline's jobs are made only when read.

    The queue of one process already holds a fixed timeline in its lanes, and beside the in-memory store its
    journal keeps nothing: making each step's ``Job`` for it cost about a twentieth of accepting a message.
    """

    __slots__ = ("_drawn", "_jobs", "_started")

    def __init__(self) -> None:
        self._started: list[_Started] = []
        self._drawn: list[Job] = []
        self._jobs: list[Job] | None = None

    def start(self, message_id: str, start: float, timeline: FixedTimeline) -> None:
        self._started.append(_Started(message_id=message_id, start=start, timeline=timeline))
        self._jobs = None

    def draw(self, jobs: Sequence[Job]) -> None:
        self._drawn += jobs
        self._jobs = None

    def _made(self) -> list[Job]:
        if self._jobs is None:
            self._jobs = [job for s in self._started for job in s.timeline.jobs_for(s.message_id, s.start)]
            self._jobs += self._drawn
        return self._jobs

    def __len__(self) -> int:
        return sum(len(started.timeline.steps) for started in self._started) + len(self._drawn)

    def __iter__(self) -> Iterator[Job]:
        return iter(self._made())

    @overload
    def __getitem__(self, index: int) -> Job: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Job]: ...

    def __getitem__(self, index: int | slice) -> Job | Sequence[Job]:
        return self._made()[index]
