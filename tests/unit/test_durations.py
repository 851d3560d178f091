"""Durations and rates as written in scenario and config files."""

from __future__ import annotations

import pytest

from mockgateway.domain.durations import parse_duration, parse_rate


@pytest.mark.parametrize(("text", "seconds"), [("90s", 90.0), ("1.5m", 90.0), (" 2h ", 7200.0), ("250ms", 0.25)])
def test_a_duration_is_read_in_its_unit(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["\u0663s", "\uff13s", "1\u0660d", "\u00b2h"])
def test_other_scripts_digits_make_no_duration(text: str) -> None:
    with pytest.raises(ValueError, match="is not a duration"):
        parse_duration(text)


@pytest.mark.parametrize("text", ["\u0665\u0660/s", "\uff15/m"])
def test_other_scripts_digits_make_no_rate(text: str) -> None:
    with pytest.raises(ValueError, match="is not a rate"):
        parse_rate(text)
