"""Retention: what is older than the window is forgotten, a bounded batch at a time, as the clock moves."""

from __future__ import annotations

import asyncio

from mockgateway.clock import Clock
from mockgateway.service.ports import BusyUntil, Store

DEFAULT_RETENTION_S = 72 * 3600.0
#: On the real clock, after a purge that found nothing, wait this long (gateway time) before looking again.
IDLE_S = 1.0


class Retention:
    def __init__(
        self,
        clock: Clock,
        store: Store,
        window_s: float = DEFAULT_RETENTION_S,
        *,
        batch: int | None = None,
        busy_until: BusyUntil | None = None,
    ):
        batch = store.purge_batch if batch is None else batch
        if window_s <= 0 or batch <= 0:
            raise ValueError("the retention window and the batch size must be positive")
        self._clock = clock
        self._store = store
        self._window_s = window_s
        self._batch = batch
        self._idle_until = float("-inf")
        self._busy_until = busy_until

    async def step(self) -> bool:
        """One bounded purge at the current cutoff; True when more may be due."""
        done = await self._store.purge(self._clock.now() - self._window_s, self._batch, self._busy_until)
        return done >= self._batch

    async def catch_up(self) -> None:
        """Purge everything due now, letting other tasks run between batches."""
        more = await self.step()
        while more:
            await asyncio.sleep(0)  # a purge of a million entries must not hold up requests
            more = await self.step()

    async def tick(self) -> bool:
        """For the real-clock ticker: one batch, unless the last look found nothing moments ago.

        Returns True when more is due right away.
        """
        now = self._clock.now()
        if now < self._idle_until:
            return False
        more = await self.step()
        self._idle_until = float("-inf") if more else now + IDLE_S
        return more
