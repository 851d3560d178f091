"""The gateway clock's position, kept through the store so that it never runs backwards across a restart.

The virtual clock is saved at every move and resumes where it stood (or at its configured start, if later). On a
store shared by replicas the stored position is the cluster's clock, which every replica moves together: one that
starts later takes it as it is, even when its own start (by default the host's time) is later, or its clock would
run ahead of the others' and the sends it takes would miss their advances.
The real clock cannot be moved: a stored position later than the host's time (the host clock was set back, or
the file comes from a faster host) is logged when the gateway starts, and the clock keeps showing the host's
time, as clients compare it with their own. Times recorded from then on may be earlier than stored ones until
the host's time passes the stored position; nothing stored is rewritten.
"""

from __future__ import annotations

import logging

from mockgateway.clock import Clock, FakeClock, iso
from mockgateway.service.state_ports import ClockPort

log = logging.getLogger(__name__)

#: On the real clock the position is saved at most this often: it only tells a restart where the last run ended.
REAL_CLOCK_SAVE_EVERY_S = 1.0


class ClockKeeper:
    def __init__(self, clock: Clock, state: ClockPort) -> None:
        self._clock = clock
        self._state = state
        self._saved_at: float | None = None

    async def resume(self, *, joining: bool = False) -> float:
        """After ``Store.open()``: continue from the stored position; ``joining``: the store is shared with other
        replicas, whose virtual clock this one joins wherever it stands. Returns how far the stored position is
        ahead of the clock now (0.0 when it is not), which on the real clock is only reported."""
        stored = await self._state.load_clock()
        now = self._clock.now()
        if joining and stored is not None and isinstance(self._clock, FakeClock):
            self._clock.start_at(stored)
        elif stored is None or stored <= now:
            self.saw_time()
        elif isinstance(self._clock, FakeClock):
            self.set(stored)
        else:
            log.warning(
                "the store's clock stood at %s, %.3f s ahead of this host's clock: times recorded now may be "
                "earlier than stored ones until the host's clock passes it",
                iso(stored),
                stored - now,
            )
            return stored - now
        return 0.0

    def set(self, when: float) -> None:
        if not isinstance(self._clock, FakeClock):
            raise TypeError("only the virtual clock can be moved")
        self._clock.set(when)
        self._state.save_clock(when)

    def saw_time(self) -> None:
        """Keep the clock's position now (on the real clock at most once per ``REAL_CLOCK_SAVE_EVERY_S``)."""
        now = self._clock.now()
        if self._saved_at is None or self._clock.virtual or now - self._saved_at >= REAL_CLOCK_SAVE_EVERY_S:
            self._saved_at = now
            self._state.save_clock(now)
