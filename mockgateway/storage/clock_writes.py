"""The clock's position as a persistent store writes it: the latest one, one write queued at a time."""

from __future__ import annotations


class LatestPosition:
    """An advance moves the clock once per due moment; a store queues one write at a time, of the latest."""

    def __init__(self) -> None:
        self._at: float | None = None  #: the latest position not yet written
        self._queued = False

    def moved(self, at: float) -> bool:
        """Note ``at``; True when a write must be queued (none is waiting)."""
        if self._at is None or at > self._at:
            self._at = at
        if self._queued:
            return False
        self._queued = True
        return True

    def to_write(self) -> float | None:
        """The position the queued write keeps; a position noted from now on queues a write of its own."""
        self._queued = False
        return self._at
