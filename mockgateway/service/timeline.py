"""A message's planned jobs, from its scenario.

Most scenarios have no probabilities and no replies: their timeline depends only on the part count, the
handset-ACK ask and the validity period, never on the message itself. Those timelines are planned once, as
jobs due relative to the message's start (a ``FixedTimeline``), and the scheduler queues them in a lane per
step: sending is the hot path, and planning each step afresh for each message cost more than the rest of
accepting it. The jobs one send planned go to the ``JobQueue`` as ``PlannedJobs``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from typing import overload

import msgspec
from msgspec.structs import replace

from mockgateway.domain.job import Job
from mockgateway.domain.model import Message
from mockgateway.scenario.model import Scenario, plan
from mockgateway.service.scheduler import FixedTimeline

#: Distinct (scenario, parts, handset ACK, validity) timelines kept; more are planned per message.
MAX_TEMPLATES = 4096


class Timelines:
    def __init__(self) -> None:
        # keyed by the scenario's id(), parts, handset ACK and validity; the scenario is kept in the value, so the
        # id cannot be reused meanwhile
        self._templates: dict[tuple[int, int, bool, int | None], tuple[Scenario, FixedTimeline]] = {}

    def plan(self, message: Message, scenario: Scenario, rng: random.Random) -> FixedTimeline | list[Job]:
        """The message's fixed timeline under ``scenario`` (see ``Scheduler.start``), or, for a timeline drawn
        at random or with replies, its jobs."""
        key = (id(scenario), len(message.part_ids), message.handset_ack, message.validity_s)
        cached = self._templates.get(key)
        if cached is not None and cached[0] is scenario:
            return cached[1]
        if not _fixed(scenario):
            statuses, replies = plan(scenario, message, rng)
            return [*statuses, *replies]
        # Planned for a message that starts at 0: due times are offsets from the start.
        statuses, _ = plan(scenario, replace(message, id="", created_at=0.0), rng)
        timeline = FixedTimeline(statuses)
        if len(self._templates) >= MAX_TEMPLATES:
            self._templates.clear()
        self._templates[key] = (scenario, timeline)
        return timeline


def _fixed(scenario: Scenario) -> bool:
    """True when the timeline draws nothing at random and names no handset (replies come from it)."""
    return not scenario.replies and all(step.probability is None for step in scenario.steps)


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
