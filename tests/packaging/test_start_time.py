"""``--start-time``: where the virtual clock starts; a seeded run starts at a fixed, documented instant."""

from __future__ import annotations

import re

import pytest

from mockgateway.bootstrap import build_clock
from mockgateway.cli import build_parser, load_settings
from mockgateway.config import REPLAY_START, Settings
from mockgateway.domain.errors import ConfigError


def settings_from(argv: list[str], environ: dict[str, str] | None = None) -> Settings:
    return load_settings(build_parser().parse_args(["serve", *argv]), environ or {})


def test_a_seeded_virtual_clock_starts_at_the_documented_instant() -> None:
    assert REPLAY_START == 1_767_225_600.0  # 2026-01-01T00:00:00Z, as the README says
    assert build_clock(settings_from(["--clock", "virtual", "--seed", "3"])).now() == REPLAY_START


def test_start_time_sets_where_the_virtual_clock_starts_in_any_zone() -> None:
    settings = settings_from(["--clock", "virtual", "--start-time", "2026-06-01T14:00:00+02:00"])
    assert build_clock(settings).now() == REPLAY_START + (151 * 86400) + 12 * 3600
    zulu = settings_from(["--clock", "virtual", "--seed", "3", "--start-time", "2026-06-01T12:00:00Z"])
    assert build_clock(zulu).now() == build_clock(settings).now()


def test_without_a_seed_or_start_time_the_virtual_clock_starts_now() -> None:
    assert settings_from(["--clock", "virtual"]).clock_start() is None


def test_the_variable_and_the_clock_flag_combine() -> None:
    settings = settings_from(["--clock", "virtual"], {"MOCKGATEWAY_START_TIME": "2026-01-02T00:00:00Z"})
    assert build_clock(settings).now() == REPLAY_START + 86400


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--clock", "virtual", "--start-time", "2026-01-01T00:00:00"], "--start-time: '2026-01-01T00:00:00' is not"),
        (["--clock", "virtual", "--start-time", "tomorrow"], "an ISO 8601 time with a zone"),
        (["--start-time", "2026-01-01T00:00:00Z"], "start_time: only the virtual clock"),
    ],
)
def test_a_bad_start_time_is_a_configuration_error(argv: list[str], message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        settings_from(argv)
