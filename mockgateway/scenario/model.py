"""Scenario values and the two rules that use them: which scenario a message follows, and its timeline."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from mockgateway.domain.job import Job
from mockgateway.domain.model import Message, MessageStatus

#: ``at: validity`` / ``after: validity`` — the message's own validity period, or this when it has none.
DEFAULT_VALIDITY_S = 48 * 3600
VALIDITY = "validity"


@dataclass(frozen=True, slots=True, kw_only=True)
class Match:
    """All given conditions must hold; none given matches every message."""

    destination: str | None = None  #: exact, E.164 digits without '+'
    destination_prefix: str | None = None
    destination_regex: re.Pattern[str] | None = None
    text_regex: re.Pattern[str] | None = None
    origin: str | None = None
    account: str | None = None
    provider: str | None = None

    def matches(self, message: Message) -> bool:
        return self.accepts(message.destination, message.text, message.origin, message.account, message.provider)

    def accepts(self, destination: str, text: str, origin: str | None, account: str, provider: str) -> bool:
        """``matches`` on the fields alone: a send decides the scenario before it builds the message."""
        return (
            (self.destination is None or destination == self.destination)
            and (self.destination_prefix is None or destination.startswith(self.destination_prefix))
            and (self.destination_regex is None or bool(self.destination_regex.search(destination)))
            and (self.text_regex is None or bool(self.text_regex.search(text)))
            and (self.origin is None or (origin or "").lstrip("+") == self.origin.lstrip("+"))
            and (self.account is None or account == self.account)
            and (self.provider is None or provider == self.provider)
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    status: MessageStatus
    after: float | str = 0.0  #: seconds since the previous step, or VALIDITY
    at: float | str | None = None  #: seconds since acceptance (or VALIDITY); wins over ``after``
    reason: str | None = None  #: canonical reason
    code: str | None = None  #: provider code, read in the message's provider
    part: int | None = None  #: 1-based part this step applies to; None: every part
    when: str | None = None  #: "handset_ack": only when the request asked for a handset ACK
    probability: float | None = None  #: the step happens with this probability


@dataclass(frozen=True, slots=True, kw_only=True)
class Reply:
    text: str
    after: float = 0.0  #: seconds after the last step
    sender: str | None = None  #: another handset number; default: the message's destination
    probability: float | None = None


#: The send answers that may ask the client to wait (``Retry-After``, RFC 9110 section 10.2.3).
RETRY_AFTER_STATUSES = (429, 503)


@dataclass(frozen=True, slots=True, kw_only=True)
class OnSend:
    """How the send request itself is answered."""

    respond: int | None = None  #: 201, 401, 403, 429, 500, 502, 503 or 504; None: the normal answer
    latency: float = 0.0  #: seconds the answer waits, on the gateway's clock
    retry_after: float | None = None  #: with 429 or 503: the wait the answer asks for (``Retry-After``)


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    name: str
    match: Match = field(default_factory=Match)
    steps: tuple[Step, ...] = ()
    replies: tuple[Reply, ...] = ()
    on_send: OnSend | None = None
    probability: float | None = None  #: the scenario applies with this probability, else the next one is tried
    description: str = ""
    source: str = ""  #: file it came from

    @property
    def refuses(self) -> bool:
        """Its first status, for every part and every time, fails the message as a blocked recipient: the
        provider refuses the message unsent, so nothing is billed for it."""
        first = self.steps[0] if self.steps else None
        return (
            first is not None
            and first.status is MessageStatus.FAILED
            and first.reason == "blocked_recipient"
            and first.part is None
            and first.when is None
            and first.probability is None
        )


DEFAULT_SCENARIO = Scenario(
    name="default",
    description="SENT after 1 s, DELIVERED after 2 s more; RECEIVED 3 s later when a handset ACK was asked for",
    steps=(
        Step(status=MessageStatus.SENT, after=1.0),
        Step(status=MessageStatus.DELIVERED, after=2.0),
        Step(status=MessageStatus.RECEIVED, after=3.0, when="handset_ack"),
    ),
)


#: What happens to a message sent to a number that replied STOP: the provider refuses it, and that refusal is
#: its first and only status (never SENT first: an opted-out message neither leaves the provider nor is billed).
OPTED_OUT = Scenario(
    name="opted-out",
    description="the destination replied STOP earlier: FAILED as blocked_recipient after 1 s, never SENT",
    steps=(Step(status=MessageStatus.FAILED, after=1.0, reason="blocked_recipient"),),
)


class ScenarioSet:
    """An ordered scenario list, indexed by exact destination so that a send tries only the scenarios that
    can match it (most shipped scenarios are one magic number each)."""

    def __init__(self, scenarios: tuple[Scenario, ...]) -> None:
        self.scenarios = scenarios
        anywhere = tuple(s for s in scenarios if s.match.destination is None)
        exact: dict[str, list[Scenario]] = {}
        for s in scenarios:
            if s.match.destination is not None:
                exact.setdefault(s.match.destination, []).append(s)
        order = {id(s): i for i, s in enumerate(scenarios)}
        # For each exact destination: its own scenarios and the unindexed ones, in file order.
        self._by_destination = {
            number: tuple(sorted((*own, *anywhere), key=lambda s: order[id(s)])) for number, own in exact.items()
        }
        self._anywhere = anywhere
        #: False when no scenario changes how a send is answered, so a send need not look
        self.answers_sends = any(s.on_send is not None for s in scenarios)

    def select(
        self, destination: str, text: str, origin: str | None, account: str, provider: str, rng: random.Random
    ) -> Scenario:
        """First match wins; a scenario with a probability may pass the message on to the next one."""
        for scenario in self._by_destination.get(destination, self._anywhere):
            if scenario.match.accepts(destination, text, origin, account, provider) and _draw(
                scenario.probability, rng
            ):
                return scenario
        return DEFAULT_SCENARIO


def plan(scenario: Scenario, message: Message, rng: random.Random) -> tuple[list[Job], list[Job]]:
    """The timeline of ``message`` under ``scenario``, as absolute gateway-clock times: its statuses and its
    replies, numbered in that order (``Job.step``)."""
    statuses: list[Job] = []
    start = cursor = message.created_at  # ``at`` counts from the start, ``after`` from the step before
    for step in scenario.steps:
        # The draw comes last: a step the message cannot take uses none of the random draws.
        if (step.when == "handset_ack" and not message.handset_ack) or not _draw(step.probability, rng):
            continue
        if step.at is not None:
            cursor = start + _seconds(step.at, message)
        else:
            cursor += _seconds(step.after, message)
        parts = range(len(message.part_ids)) if step.part is None else [step.part - 1]
        for index in parts:
            if index < len(message.part_ids):
                statuses.append(
                    Job(
                        message_id=message.id,
                        step=len(statuses),
                        due_at=cursor,
                        part_index=index,
                        status=step.status,
                        reason=step.reason,
                        code=step.code,
                    )
                )
    drawn = [reply for reply in scenario.replies if _draw(reply.probability, rng)]
    replies = [
        Job(
            message_id=message.id,
            step=len(statuses) + n,
            due_at=cursor + reply.after,
            text=reply.text,
            sender=(reply.sender or message.destination).lstrip("+"),
        )
        for n, reply in enumerate(drawn)
    ]
    return statuses, replies


def _seconds(value: float | str, message: Message) -> float:
    if value == VALIDITY:
        return float(message.validity_s or DEFAULT_VALIDITY_S)
    return float(value)


def _draw(probability: float | None, rng: random.Random) -> bool:
    return probability is None or rng.random() < probability
