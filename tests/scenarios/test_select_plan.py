"""``select`` (which scenario a message follows) and ``plan`` (its timeline)."""

from __future__ import annotations

import random
import re

import pytest

from mockgateway.domain.model import Message, MessageStatus
from mockgateway.scenario.model import (
    DEFAULT_SCENARIO,
    DEFAULT_VALIDITY_S,
    VALIDITY,
    Match,
    Reply,
    Scenario,
    Step,
    plan,
)
from tests.scenarios.helpers import T0, FixedRandom, message, select

S = MessageStatus
ALWAYS = FixedRandom(0.0)


def times(scenario: Scenario, msg: Message, rng: random.Random = ALWAYS) -> list[tuple[float, int, MessageStatus]]:
    statuses, _ = plan(scenario, msg, rng)
    return [(s.due_at - T0, s.part_index, s.status) for s in statuses]


def test_first_matching_scenario_wins() -> None:
    first = Scenario(name="first", match=Match(destination_prefix="4477009"))
    second = Scenario(name="second", match=Match(destination="447700900001"))
    assert select((first, second), message("447700900001"), ALWAYS) is first
    assert select((second, first), message("447700900001"), ALWAYS) is second


def test_no_match_gives_the_default_scenario() -> None:
    only = Scenario(name="only", match=Match(destination="447700900001"))
    assert select((only,), message("447911123456"), ALWAYS) is DEFAULT_SCENARIO
    assert select((), message("447911123456"), ALWAYS) is DEFAULT_SCENARIO


@pytest.mark.parametrize(
    ("match", "hit", "miss"),
    [
        (Match(destination="447700900001"), message("447700900001"), message("447700900002")),
        (Match(destination_prefix="4477"), message("447700900001"), message("337700900001")),
        (Match(destination_regex=re.compile("0{3}1$")), message("447700900001"), message("447700900011")),
        (Match(text_regex=re.compile("(?i)^otp")), message(text="OTP is 1234"), message(text="your otp")),
        (Match(origin="+447700900500"), message(origin="447700900500"), message(origin="Acme")),
        (Match(account="acme"), message(account="acme"), message(account="demo")),
        (Match(provider="textapp"), message(provider="textapp"), message(provider="livelink")),
        (
            Match(destination_prefix="44", account="acme"),
            message(account="acme"),
            message("33600000000", account="acme"),
        ),
    ],
)
def test_every_given_condition_must_hold(match: Match, hit: Message, miss: Message) -> None:
    assert match.matches(hit)
    assert not match.matches(miss)


def test_default_scenario_is_sent_then_delivered() -> None:
    assert times(DEFAULT_SCENARIO, message()) == [(1, 0, S.SENT), (3, 0, S.DELIVERED)]


def test_handset_ack_step_happens_only_when_asked_for() -> None:
    asked = times(DEFAULT_SCENARIO, message(handset_ack=True))
    assert asked == [(1, 0, S.SENT), (3, 0, S.DELIVERED), (6, 0, S.RECEIVED)]


@pytest.mark.parametrize(("validity_s", "due"), [(3600, 3600), (604800, 604800), (None, DEFAULT_VALIDITY_S)])
def test_at_validity_is_the_messages_validity_or_the_default(validity_s: int | None, due: float) -> None:
    scenario = Scenario(
        name="expire",
        steps=(Step(status=S.SENT, after=1), Step(status=S.FAILED, at=VALIDITY, reason="validity_expired")),
    )
    assert times(scenario, message(validity_s=validity_s)) == [(1, 0, S.SENT), (due, 0, S.FAILED)]


def test_after_validity_counts_from_the_previous_step() -> None:
    scenario = Scenario(
        name="late", steps=(Step(status=S.SENT, after=10), Step(status=S.FAILED, after=VALIDITY, reason="unknown"))
    )
    assert times(scenario, message(validity_s=60)) == [(10, 0, S.SENT), (70, 0, S.FAILED)]


def test_at_sets_the_time_from_acceptance_and_later_steps_follow_it() -> None:
    scenario = Scenario(
        name="at",
        steps=(Step(status=S.SENT, after=5), Step(status=S.RETRYING, at=100), Step(status=S.DELIVERED, after=1)),
    )
    assert times(scenario, message()) == [(5, 0, S.SENT), (100, 0, S.RETRYING), (101, 0, S.DELIVERED)]


def test_a_step_without_part_applies_to_every_part_and_one_with_part_to_that_part_only() -> None:
    scenario = Scenario(
        name="parts",
        steps=(Step(status=S.SENT, after=1), Step(status=S.FAILED, after=2, part=2, reason="network_final")),
    )
    assert times(scenario, message(parts=3)) == [(1, 0, S.SENT), (1, 1, S.SENT), (1, 2, S.SENT), (3, 1, S.FAILED)]


def test_a_step_for_a_part_the_message_does_not_have_is_skipped() -> None:
    scenario = Scenario(
        name="parts",
        steps=(Step(status=S.SENT, after=1), Step(status=S.FAILED, after=2, part=2, reason="network_final")),
    )
    assert times(scenario, message(parts=1)) == [(1, 0, S.SENT)]


def test_planned_statuses_carry_reason_and_code() -> None:
    scenario = Scenario(
        name="codes", steps=(Step(status=S.RETRYING, after=1, code="DB62"), Step(status=S.FAILED, reason="no_credit"))
    )
    statuses, _ = plan(scenario, message(), ALWAYS)
    assert [(s.reason, s.code) for s in statuses] == [(None, "DB62"), ("no_credit", None)]


def test_replies_follow_the_last_step_from_the_destination_or_another_number() -> None:
    scenario = Scenario(
        name="replies",
        steps=(Step(status=S.SENT, after=1), Step(status=S.DELIVERED, after=2)),
        replies=(Reply(text="STOP", after=30), Reply(text="hi", after=5, sender="+447700900999")),
    )
    _, replies = plan(scenario, message("447700900030"), ALWAYS)
    assert [(r.due_at - T0, r.text, r.sender) for r in replies] == [
        (33, "STOP", "447700900030"),
        (8, "hi", "447700900999"),
    ]


def test_probabilities_decide_with_the_random_draw() -> None:
    half = Scenario(
        name="half",
        probability=0.5,
        steps=(Step(status=S.SENT, probability=0.5),),
        replies=(Reply(text="x", probability=0.5),),
    )
    assert select((half,), message(), FixedRandom(0.49)) is half
    assert select((half,), message(), FixedRandom(0.5)) is DEFAULT_SCENARIO
    assert plan(half, message(), FixedRandom(0.49)) != ([], [])
    assert plan(half, message(), FixedRandom(0.5)) == ([], [])


def test_probability_replays_identically_with_the_same_seed() -> None:
    flaky = Scenario(
        name="flaky",
        probability=0.5,
        steps=(Step(status=S.SENT, after=1, probability=0.5), Step(status=S.DELIVERED, after=1, probability=0.5)),
        replies=(Reply(text="maybe", probability=0.5),),
    )

    def run(seed: int) -> list[tuple[str, int, int]]:
        rng = random.Random(seed)
        outcomes = []
        for _ in range(40):
            chosen = select((flaky,), message(), rng)
            statuses, replies = plan(chosen, message(), rng)
            outcomes.append((chosen.name, len(statuses), len(replies)))
        return outcomes

    first = run(7)
    assert run(7) == first
    assert {name for name, _, _ in first} == {"flaky", "default"}
    assert len({(s, r) for name, s, r in first if name == "flaky"}) > 1
    assert run(8) != first
