"""RetryPolicy is data: plain sync tests."""

from __future__ import annotations

import pytest

from mockgateway.dispatch.policy import DEFAULT_DELAYS, RetryPolicy


def test_default_delays_allow_seven_attempts() -> None:
    policy = RetryPolicy()
    assert policy.delays == DEFAULT_DELAYS == (1.0, 5.0, 30.0, 120.0, 600.0, 3600.0)
    assert policy.max_attempts == 7
    assert policy.timeout_s == 10.0


def test_next_delay_walks_the_delays_then_stops() -> None:
    policy = RetryPolicy(delays=(1.0, 5.0, 30.0))
    assert [policy.next_delay(n) for n in range(1, 6)] == [1.0, 5.0, 30.0, None, None]
    with pytest.raises(ValueError, match="from 1"):
        policy.next_delay(0)


def test_no_delays_means_a_single_attempt() -> None:
    assert RetryPolicy(delays=()).next_delay(1) is None


@pytest.mark.parametrize(
    ("status", "retry"),
    [
        (None, True),
        (408, True),
        (429, True),
        (500, True),
        (502, True),
        (503, True),
        (599, True),
        (200, False),
        (302, False),
        (400, False),
        (401, False),
        (403, False),
        (404, False),
        (410, False),
    ],
)
def test_should_retry(status: int | None, retry: bool) -> None:
    assert RetryPolicy().should_retry(status) is retry


def test_a_401_is_retried_only_for_oauth2_receivers() -> None:
    assert RetryPolicy().should_retry(401, oauth2=True)
    assert not RetryPolicy().should_retry(403, oauth2=True)


def test_retry_statuses_are_configurable_data() -> None:
    policy = RetryPolicy(retry_statuses=frozenset({409}))
    assert policy.should_retry(409)
    assert not policy.should_retry(500)


def test_from_mapping_parses_durations() -> None:
    policy = RetryPolicy.from_mapping({"retry_delays": ["1s", "500ms", 90, "2m"], "timeout": "2.5s"})
    assert policy.delays == (1.0, 0.5, 90.0, 120.0)
    assert policy.timeout_s == 2.5
    assert policy.max_attempts == 5


def test_from_mapping_keeps_defaults_for_missing_keys() -> None:
    assert RetryPolicy.from_mapping({}) == RetryPolicy()
    assert RetryPolicy.from_mapping({"retry_delays": []}).max_attempts == 1


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"retry_delays": "1s"}, r"^retry_delays: must be a list"),
        ({"retry_delays": ["1s", "soon"]}, r"^retry_delays\[1\]: 'soon' is not a duration"),
        ({"retry_delays": [-1]}, r"^retry_delays\[0\]: -1 is negative"),
        ({"timeout": "fast"}, r"^timeout: 'fast' is not a duration"),
        ({"timeout": 0}, r"^timeout: must be more than 0"),
        ({"timeout": True}, r"^timeout: True is not a duration"),
        ({"retries": 3}, r"^retries: unknown key \(expected one of: retry_delays, timeout\)"),
    ],
)
def test_from_mapping_names_the_bad_key(raw: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        RetryPolicy.from_mapping(raw)


def test_invalid_values_are_refused_directly() -> None:
    with pytest.raises(ValueError, match="negative"):
        RetryPolicy(delays=(1.0, -2.0))
    with pytest.raises(ValueError, match="positive"):
        RetryPolicy(timeout_s=0)
