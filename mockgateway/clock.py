"""The one source of time. Everything time-related asks a ``Clock``; tests use ``FakeClock``."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Protocol

#: The latest time the clock may show: a year before the last instant a date can be written in (9999-12-31),
#: so that what falls due after it (retention, validity, a local time zone's offset) can still be written.
LATEST_INSTANT = datetime(9999, 1, 1, tzinfo=UTC).timestamp()


class Clock(Protocol):
    virtual: bool

    def now(self) -> float:
        """Epoch seconds (UTC)."""


class SystemClock:
    virtual = False

    def now(self) -> float:
        return time.time()


class FakeClock:
    """A virtual clock that only moves when told to."""

    virtual = True

    def __init__(self, start: float | None = None) -> None:
        self._now = time.time() if start is None else start

    def now(self) -> float:
        return self._now

    def set(self, when: float) -> None:
        if when < self._now:
            raise ValueError("the clock cannot go backwards")
        self._now = when

    def start_at(self, when: float) -> None:
        """Stand at ``when``, earlier or later: only at start-up, before anything was timed by this clock."""
        self._now = when

    def advance(self, seconds: float) -> float:
        self.set(self._now + seconds)
        return self._now


def to_datetime(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def iso(epoch: float) -> str:
    """ISO-8601 UTC with milliseconds and a ``Z``."""
    return to_datetime(epoch).isoformat(timespec="milliseconds").replace("+00:00", "Z")
