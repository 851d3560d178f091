"""A message's planned jobs, from its scenario.

Most scenarios have no probabilities and no replies: their timeline depends only on the part count, the
handset-ACK ask and the validity period, never on the message itself. Those timelines are planned once, as
offsets from the message's start, and become the scheduler's lanes (one FIFO per step): sending is the hot
path, and planning and queueing each step afresh for each message cost more than the rest of accepting it.
"""

from __future__ import annotations

import random

from msgspec.structs import replace

from mockgateway.domain.model import Message
from mockgateway.scenario.model import PlannedReply, PlannedStatus, Scenario, plan
from mockgateway.service.scheduler import Job, Lane, Step, lanes_for

_Key = tuple[int, int, bool, int | None]

#: Distinct (scenario, parts, handset ACK, validity) timelines kept; more are planned per message.
MAX_TEMPLATES = 4096


class Timelines:
    def __init__(self) -> None:
        # keyed by the scenario's id(); the scenario is kept in the value, so the id cannot be reused meanwhile
        self._templates: dict[_Key, tuple[Scenario, tuple[Lane, ...]]] = {}

    def plan(self, message: Message, scenario: Scenario, rng: random.Random) -> tuple[Lane, ...] | list[Job]:
        """The lanes of the message's fixed timeline under ``scenario`` (see ``Scheduler.start``), or, for a
        timeline drawn at random or with replies, its jobs, keyed ``<message id>:<n>`` in timeline order."""
        key = (id(scenario), len(message.part_ids), message.handset_ack, message.validity_s)
        cached = self._templates.get(key)
        if cached is not None and cached[0] is scenario:
            return cached[1]
        if not _fixed(scenario):
            return _planned(message, scenario, rng)
        lanes = lanes_for(_template(message, scenario, rng))
        if len(self._templates) >= MAX_TEMPLATES:
            self._templates.clear()
        self._templates[key] = (scenario, lanes)
        return lanes


def _fixed(scenario: Scenario) -> bool:
    """True when the timeline draws nothing at random and names no handset (replies come from it)."""
    return not scenario.replies and all(step.probability is None for step in scenario.steps)


def _template(message: Message, scenario: Scenario, rng: random.Random) -> tuple[Step, ...]:
    statuses, _ = plan(scenario, replace(message, created_at=0.0), rng)
    return tuple((s.due_at, s.part_index, s.status.value, s.reason, s.code) for s in statuses)


def _planned(message: Message, scenario: Scenario, rng: random.Random) -> list[Job]:
    statuses, replies = plan(scenario, message, rng)
    actions: list[PlannedStatus | PlannedReply] = [*statuses, *replies]
    return [Job.of(message.id, action, key=f"{message.id}:{i}") for i, action in enumerate(actions)]
