"""How long the ticker waits between ticks: until the next job, never past ``MAX_NAP_S``, and at least
``MIN_NAP_S`` after a tick that ran jobs, so that jobs falling due close together run in one tick."""

from __future__ import annotations

import pytest

from mockgateway.runtime import MAX_NAP_S, MIN_NAP_S, nap


def test_after_a_tick_that_ran_jobs_the_next_waits_the_shortest_nap_even_when_more_is_due() -> None:
    assert nap(ran=3, due=10.0, started=10.0, now=10.001) == MIN_NAP_S
    assert nap(ran=3, due=10.002, started=10.0, now=10.001) == MIN_NAP_S


def test_a_tick_that_ran_nothing_waits_just_until_the_next_job() -> None:
    assert nap(ran=0, due=10.002, started=10.0, now=10.001) == pytest.approx(0.001)


def test_later_work_is_waited_for_up_to_the_longest_nap() -> None:
    assert nap(ran=3, due=10.02, started=10.0, now=10.0) == pytest.approx(0.02)
    assert nap(ran=0, due=11.0, started=10.0, now=10.0) == MAX_NAP_S
    assert nap(ran=0, due=None, started=10.0, now=10.0) == MAX_NAP_S


def test_work_due_that_another_process_runs_is_looked_at_again_after_the_longest_nap() -> None:
    assert nap(ran=0, due=9.0, started=10.0, now=10.0) == MAX_NAP_S
