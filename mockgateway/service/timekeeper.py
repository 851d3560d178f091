"""The gateway's time: moving the virtual clock, running what falls due on the way, and keeping its position.

The ``Gateway`` owns one ``Timekeeper``; it owns the clock's keeper, and is given the sends parked for their latency
and retention, so that every move of time, and what it wakes, goes through one place.

Retention: what is older than the window is forgotten, a bounded batch at a time, as the clock moves.
"""

from __future__ import annotations

import asyncio

from mockgateway.clock import LATEST_INSTANT, Clock, FakeClock, iso
from mockgateway.domain.errors import Conflict, InvalidRequest
from mockgateway.service.clock_keeper import ClockKeeper
from mockgateway.service.engine import Engine
from mockgateway.service.events import Event, EventHub
from mockgateway.service.ports import BusyUntil, Outbox, Store
from mockgateway.service.send_answers import SendLatency

DEFAULT_RETENTION_S = 72 * 3600.0
#: On the real clock, after a purge that found nothing, wait this long (gateway time) before looking again.
IDLE_S = 1.0


class Timekeeper:
    def __init__(
        self,
        *,
        clock: Clock,
        store: Store,
        engine: Engine,
        outbox: Outbox,
        events: EventHub,
        latency: SendLatency,
        retention: Retention,
    ) -> None:
        self._clock = clock
        self._store = store
        self._engine = engine
        self._outbox = outbox
        self._events = events
        self._peers = store.peers
        self._keeper = ClockKeeper(clock, store.state)
        self.resume = self._keeper.resume  #: after ``Store.open()``: continue from the stored position
        self._latency = latency
        self._retention = retention

    async def next_due(self) -> float | None:
        """The earliest of the engine's next job or callback and the next parked send."""
        due = (await self._engine.next_due(), self._latency.next_due())
        return min((t for t in due if t is not None), default=None)

    async def advance(self, seconds: float | None = None, *, to: float | None = None) -> float:
        """Move the virtual clock, running everything that falls due in time order, and wait for it; with replicas
        sharing the store, every replica's clock, one advance at a time."""
        if self._peers.shared:
            async with self._peers.clock_turn():
                await self._advance_everywhere(self._target(seconds, to))
        else:
            target = self._target(seconds, to)
            while (due := await self.next_due()) is not None and due <= target:
                await self._run_until(max(due, self._clock.now()))
            await self._run_until(target, moved=True)
        await self._retention.catch_up()
        await self._store.state.flush()  # the position answered is the one a restart resumes from
        return self._clock.now()

    def _target(self, seconds: float | None, to: float | None) -> float:
        if not isinstance(self._clock, FakeClock):
            raise Conflict("the gateway runs on the real clock; start it with --clock virtual to advance time")
        target = to if to is not None else self._clock.now() + (seconds or 0.0)
        field = "seconds" if to is None else "to"
        if target < self._clock.now():
            raise InvalidRequest("the clock cannot go backwards", field=field)
        if not target <= LATEST_INSTANT:  # also refuses nan
            raise InvalidRequest(f"{field}: the clock cannot go past {iso(LATEST_INSTANT)}", field=field)
        return target

    async def _advance_everywhere(self, target: float) -> None:
        """Each step moves every replica and waits until each has run what fell due; the next step is the earliest
        work any replica has left, so callbacks caused on any of them have finished when this returns."""
        at = self._clock.now()
        while True:
            due = min((t for t in await self._peers.move_all(at, last=False) if t is not None), default=None)
            if due is None or due > target:
                break
            at = max(due, at)
        await self._peers.move_all(target, last=True)

    async def moved_here(self, at: float, *, last: bool) -> float | None:
        """One step of an advance, on this replica: returns when its next work falls due."""
        await self._run_until(max(at, self._clock.now()), moved=last)
        return await self.next_due()

    async def _run_until(self, when: float, *, moved: bool = False) -> None:
        self._keeper.set(when)
        if moved:
            self._events.publish(Event(kind="clock"))
        await self._engine.run_due()
        await self._outbox.drain()
        await self._latency.wake(when)

    async def purge_expired(self) -> bool:
        """One bounded step of retention on the real clock (the ticker calls it); True when more is due."""
        self._keeper.saw_time()
        return await self._retention.tick()

    async def catch_up(self) -> None:
        """On the virtual clock: take the stored position when it is ahead (another replica moved the clock while
        this one did not hear of it)."""
        if self._clock.virtual:
            await self._keeper.resume()

    async def keep(self) -> None:
        self._keeper.saw_time()
        await self._store.state.flush()


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
