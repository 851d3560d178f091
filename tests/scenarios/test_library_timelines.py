"""What each shipped scenario does to a message, read through ``select`` and ``plan``."""

from __future__ import annotations

import pytest

from mockgateway.domain.model import Message, MessageStatus
from mockgateway.scenario.loader import load_dir
from mockgateway.scenario.model import OnSend, Scenario, plan
from tests.scenarios.helpers import LIBRARY, T0, FixedRandom, message, select

S = MessageStatus
Timeline = list[tuple[float, int, MessageStatus, str | None]]


def scenario_for(msg: Message) -> Scenario:
    return select(load_dir(LIBRARY), msg, FixedRandom(0.0))


def timeline(msg: Message) -> Timeline:
    statuses, _ = plan(scenario_for(msg), msg, FixedRandom(0.0))
    return [(s.due_at - T0, s.part_index, s.status, s.reason) for s in statuses]


def test_happy_path_reaches_received_only_when_a_handset_ack_was_asked_for() -> None:
    assert timeline(message("447700900001")) == [(1, 0, S.SENT, None), (3, 0, S.DELIVERED, None)]
    assert timeline(message("447700900001", handset_ack=True))[-1] == (6, 0, S.RECEIVED, None)


def test_slow_delivery_takes_a_minute_then_an_hour() -> None:
    assert timeline(message("447700900002")) == [(60, 0, S.SENT, None), (3660, 0, S.DELIVERED, None)]


def test_retry_then_deliver_retries_with_a_temporary_network_error() -> None:
    assert timeline(message("447700900003")) == [
        (1, 0, S.SENT, None),
        (61, 0, S.RETRYING, "network_temporary"),
        (3661, 0, S.DELIVERED, None),
    ]


@pytest.mark.parametrize(("validity_s", "expires"), [(604800, 604800), (7200, 7200), (1800, 1800), (None, 48 * 3600)])
def test_validity_expiry_fails_when_the_requested_validity_ends(validity_s: int | None, expires: float) -> None:
    assert timeline(message("447700900020", validity_s=validity_s)) == [
        (1, 0, S.SENT, None),
        (expires, 0, S.FAILED, "validity_expired"),
    ]


def test_multipart_delivers_part_1_and_fails_part_2() -> None:
    assert sorted(timeline(message("447700900060", parts=2))) == [
        (1, 0, S.SENT, None),
        (1, 1, S.SENT, None),
        (3, 0, S.DELIVERED, None),
        (3, 1, S.FAILED, "network_final"),
    ]


@pytest.mark.parametrize(
    ("number", "text", "sender"),
    [
        ("447700900030", "STOP", "447700900030"),
        ("447700900031", "YES please", "447700900031"),
        ("447700900032", "This is my new number", "447700900999"),
    ],
)
def test_handset_replies_30_s_after_delivery(number: str, text: str, sender: str) -> None:
    msg = message(number)
    statuses, replies = plan(scenario_for(msg), msg, FixedRandom(0.0))
    assert statuses[-1].status is S.DELIVERED
    assert [(r.due_at - statuses[-1].due_at, r.text, r.sender) for r in replies] == [(30, text, sender)]


@pytest.mark.parametrize(
    ("number", "on_send"),
    [
        ("447700900040", OnSend(respond=429, retry_after=30.0)),
        ("447700900041", OnSend(respond=500)),
        ("447700900042", OnSend(respond=401)),
        ("447700900043", OnSend(respond=403)),
        ("447700900044", OnSend(respond=201)),
        ("447700900046", OnSend(respond=502)),
        ("447700900047", OnSend(respond=503, retry_after=60.0)),
        ("447700900048", OnSend(respond=504, latency=10.0)),
    ],
)
def test_send_answers_have_no_lifecycle(number: str, on_send: OnSend) -> None:
    scenario = scenario_for(message(number))
    assert (scenario.on_send, scenario.steps, scenario.replies) == (on_send, (), ())


def test_slow_send_answers_after_2_s_then_delivers() -> None:
    assert scenario_for(message("447700900045")).on_send == OnSend(latency=2.0)
    assert [status for _, _, status, _ in timeline(message("447700900045"))] == [S.SENT, S.DELIVERED]


def test_flaky_fails_about_half_the_messages_and_the_rest_follow_the_default() -> None:
    scenarios = load_dir(LIBRARY)
    assert select(scenarios, message("447700900050"), FixedRandom(0.2)).name == "flaky"
    assert select(scenarios, message("447700900050"), FixedRandom(0.7)).name == "default"
