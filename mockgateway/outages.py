"""A store outage seen by background work: told once when it starts and once when it ends, retried with backoff.

Background loops (the ticker, the callback dispatcher's recording, the Redis state writer) meet the same outage
many times a second; the log gets two lines per outage, not one per failure.
"""

from __future__ import annotations

import logging


class OutageLog:
    """Whether ``what`` currently finds the store unavailable, logged at the edges only."""

    def __init__(self, log: logging.Logger, what: str) -> None:
        self._log = log
        self._what = what
        self.down = False

    def failed(self, error: BaseException) -> None:
        if not self.down:
            self.down = True
            self._log.warning("%s: the store is unavailable (%s); retrying until it is back", self._what, error)

    def recovered(self) -> None:
        if self.down:
            self.down = False
            self._log.warning("%s: the store is back", self._what)


class Backoff:
    """Delays that double from ``first`` up to ``cap``, seconds; back to ``first`` after a success."""

    def __init__(self, first: float = 0.05, cap: float = 1.0) -> None:
        self._first = first
        self._cap = cap
        self._next = first

    def next_delay(self) -> float:
        delay = self._next
        self._next = min(self._cap, delay * 2)
        return delay

    def reset(self) -> None:
        self._next = self._first
