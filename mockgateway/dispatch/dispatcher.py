"""The callback outbox: attempts timed on the gateway clock, each one recorded, none dropped.

Invariant: every delivery the dispatcher holds that is still PENDING is waiting (in the retry heap, or in the
queue of deliveries enqueued to go at once), queued for a worker, or has an attempt in flight, so each one ends
DELIVERED or FAILED (or is handed back by ``pending()`` at shutdown).

Due attempts go to a ready queue served by at most ``concurrency`` worker tasks rather than one task each: a
burst of 20,000 due callbacks then costs a deque append apiece instead of 20,000 tasks parked on a semaphore,
which held the event loop (and the HTTP API on it) for a few hundred milliseconds.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
from collections import deque
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from msgspec.structs import replace

from mockgateway.clock import Clock
from mockgateway.dispatch.policy import RetryPolicy
from mockgateway.dispatch.records import AttemptRecords, DeliveryLog
from mockgateway.dispatch.transport import Transport
from mockgateway.domain.model import Attempt, AttemptOutcome, Delivery, DeliveryState, HttpCall

if TYPE_CHECKING:
    from mockgateway.service.ports import Outbox

log = logging.getLogger(__name__)


class CallbackDispatcher:
    def __init__(
        self,
        transport: Transport,
        clock: Clock,
        store: DeliveryLog,
        policy: RetryPolicy | None = None,
        *,
        concurrency: int = 64,
        on_change: Callable[[Delivery], None] | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, got {concurrency}")
        self._transport = transport
        self._clock = clock
        #: Each attempt saved; while the store is unavailable, kept and saved later.
        self._records = AttemptRecords(store, on_change)
        self._recording: asyncio.Task[None] | None = None  #: a later try at what the store could not take
        self._policy = policy or RetryPolicy()
        self._concurrency = concurrency
        #: Current value of every delivery being dealt with. Deliveries are not tracked by the garbage collector,
        #: so neither is this dict, however many a burst of callbacks puts in.
        self._live: dict[str, Delivery] = {}
        self._heap: list[tuple[float, int, str]] = []  #: (due at, sequence, delivery id)
        #: Entries enqueued to go now: due in the order they came, so a queue does what the heap would, for less.
        self._fresh: deque[tuple[float, int, str]] = deque()
        self._scheduled: dict[str, int] = {}  #: delivery id -> sequence of its valid heap or queue entry
        self._ready: deque[str] = deque()  #: due, waiting for a free worker
        self._running: dict[str, int] = {}  #: delivery id -> attempts queued in ``_ready`` or in flight
        self._workers: set[asyncio.Task[None]] = set()
        self._busy = 0  #: workers inside an attempt; the others are about to take from ``_ready``
        self._replays: set[asyncio.Task[Delivery]] = set()
        self._seq = 0
        self._closed = False

    # -- the Outbox protocol ----------------------------------------------------------------------
    def enqueue(self, delivery: Delivery) -> None:
        """Queue ``delivery`` for an attempt now; a delivery already queued is an error, not a duplicate."""
        delivery_id = delivery.id
        if delivery_id in self._live:
            raise ValueError(f"delivery {delivery_id} is already queued")
        now = self._clock.now()
        self._live[delivery_id] = replace(delivery, state=DeliveryState.PENDING, next_attempt_at=now)
        self._seq = seq = self._seq + 1
        self._scheduled[delivery_id] = seq
        self._fresh.append((now, seq, delivery_id))

    def next_due(self) -> float | None:
        heap, fresh, scheduled = self._heap, self._fresh, self._scheduled
        # Entries rescheduled or cleared since are dropped first: their due times no longer hold.
        while heap and scheduled.get(heap[0][2]) != heap[0][1]:
            heapq.heappop(heap)
        while fresh and scheduled.get(fresh[0][2]) != fresh[0][1]:
            fresh.popleft()
        return min((queue[0][0] for queue in (heap, fresh) if queue), default=None)

    def run_due(self) -> None:
        if self._closed:
            return
        now = self._clock.now()
        heap, fresh, scheduled = self._heap, self._fresh, self._scheduled
        while True:  # both in (due, sequence) order: merged, as one heap would give them
            if heap and heap[0][0] <= now and (not fresh or heap[0] < fresh[0]):
                _, seq, delivery_id = heapq.heappop(heap)
            elif fresh and fresh[0][0] <= now:
                _, seq, delivery_id = fresh.popleft()
            else:
                break
            if scheduled.get(delivery_id) == seq:
                del scheduled[delivery_id]
                self._hold(delivery_id)
                self._ready.append(delivery_id)
        if self._records and self._recording is None:
            self._recording = asyncio.get_running_loop().create_task(self._record_later())
        # Enough free workers for what is ready: one stuck on a slow receiver must not hold up the next delivery.
        loop = asyncio.get_running_loop() if self._ready else None
        while loop is not None and len(self._workers) < self._concurrency and self._free() < len(self._ready):
            worker = loop.create_task(self._work())
            self._workers.add(worker)
            worker.add_done_callback(self._workers.discard)  # also when cancelled before it ever ran

    async def drain(self) -> None:
        # Workers end once the ready queue is empty; loop because retries never join it without run_due.
        while self._workers or self._replays or self._recording:
            await asyncio.wait([*self._workers, *self._replays, *([self._recording] if self._recording else [])])
        if self._records:
            await self._records.retry(busy=self._running)

    async def replay(self, delivery: Delivery) -> Delivery:
        """One more attempt now, outside the retry schedule; a 2xx makes the delivery DELIVERED."""
        self._live.setdefault(delivery.id, self._records.latest(delivery))
        self._hold(delivery.id)
        task = asyncio.get_running_loop().create_task(self._attempt(delivery.id))
        self._replays.add(task)
        task.add_done_callback(self._replayed)
        # Shielded: the attempt is recorded even if the caller (an admin request) goes away meanwhile.
        return await asyncio.shield(task)

    # -- lifecycle and persistence ----------------------------------------------------------------
    def pending(self) -> list[Delivery]:
        """Deliveries not yet final, earliest due first: what to persist at shutdown."""
        waiting = [delivery for delivery in self._live.values() if delivery.state is DeliveryState.PENDING]
        return sorted(waiting, key=lambda d: d.next_attempt_at or 0.0)

    def restore(self, deliveries: Iterable[Delivery]) -> int:
        """Take back pending deliveries (after a restart), each due at its ``next_attempt_at``; returns how many."""
        held_before = len(self._live)  # each delivery taken back is one more held
        for delivery in deliveries:
            if delivery.state is not DeliveryState.PENDING or delivery.id in self._live:
                continue
            due = self._clock.now() if delivery.next_attempt_at is None else delivery.next_attempt_at
            self._live[delivery.id] = replace(delivery, next_attempt_at=due)
            self._schedule(delivery.id, due)
        return len(self._live) - held_before

    async def close(self) -> None:
        """Stop: attempts in flight are abandoned unrecorded and stay pending; then the transport closes.

        Call ``drain()`` first to let them finish instead.
        """
        self._closed = True
        tasks = [*self._workers, *self._replays, *([self._recording] if self._recording else [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        while self._ready:  # never started: back to waiting, due when they were
            delivery_id = self._ready.popleft()
            self._requeue(delivery_id)
            self._release(delivery_id)
        await self._records.retry(busy=())
        self._records.abandon()
        await self._transport.close()

    def clear(self) -> None:
        """Forget every delivery waiting for an attempt (a reset); attempts in flight still finish."""
        self._heap.clear()
        self._fresh.clear()
        self._scheduled.clear()
        while self._ready:
            self._release(self._ready.popleft())
        for delivery_id in [key for key in self._live if key not in self._running]:
            del self._live[delivery_id]

    # -- attempts ---------------------------------------------------------------------------------
    def _schedule(self, delivery_id: str, due: float) -> None:
        self._seq += 1
        self._scheduled[delivery_id] = self._seq
        heapq.heappush(self._heap, (due, self._seq, delivery_id))

    def _free(self) -> int:
        return len(self._workers) - self._busy

    def _hold(self, delivery_id: str) -> None:
        self._running[delivery_id] = self._running.get(delivery_id, 0) + 1

    async def _work(self) -> None:
        try:
            while self._ready:
                delivery_id = self._ready.popleft()
                self._busy += 1
                try:
                    await self._attempt(delivery_id)
                except Exception:  # a failing store must not stop the worker: the next delivery still goes
                    log.exception("recording callback delivery %s failed", delivery_id)
                finally:
                    self._busy -= 1
        finally:
            # Synchronously with the empty check: run_due must never count a worker that will take nothing more.
            self._workers.discard(asyncio.current_task())

    async def _record_later(self) -> None:
        try:
            await self._records.retry(busy=self._running)
        finally:
            self._recording = None

    def _replayed(self, task: asyncio.Task[Delivery]) -> None:
        self._replays.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("replaying a callback failed unexpectedly", exc_info=task.exception())

    async def _attempt(self, delivery_id: str) -> Delivery:
        """One attempt, recorded; the outcome is worked out from the delivery as it is once the answer came."""
        live = self._live
        try:
            started = self._clock.now()
            call = live[delivery_id].call
            result = await self._transport.send(call, self._policy.timeout_s)
            base = live[delivery_id]
            attempt = Attempt(at=started, status=result.status, latency_ms=result.latency_ms, error=result.error)
            outcome = self._outcome(base, call, attempt)
            updated = base.after(outcome)
            if outcome.state is DeliveryState.PENDING or self._running[delivery_id] > 1:
                live[delivery_id] = updated
            else:  # final, and no other attempt of it under way: nothing to hold it for
                del live[delivery_id]
            await self._records.record(delivery_id, outcome, updated)
            return updated
        except asyncio.CancelledError:
            self._requeue(delivery_id)
            raise
        finally:
            self._release(delivery_id)

    def _outcome(self, base: Delivery, call: HttpCall, attempt: Attempt) -> AttemptOutcome:
        now, status = self._clock.now(), attempt.status
        delivery_id, attempts = base.id, (*base.attempts, attempt)
        if status is not None and 200 <= status < 300:
            self._scheduled.pop(delivery_id, None)  # a replay that got through makes a queued retry moot
            return AttemptOutcome(state=DeliveryState.DELIVERED, attempts=attempts, delivered_at=now)
        # Noted as it stands for a replay of a finished delivery, or when a concurrent attempt rescheduled it.
        state, next_attempt_at = base.state, base.next_attempt_at
        if state is DeliveryState.PENDING and delivery_id not in self._scheduled:
            delay = None
            if self._policy.should_retry(status, oauth2=call.oauth2 is not None):
                delay = self._policy.next_delay(len(attempts))
            if delay is None:
                state, next_attempt_at = DeliveryState.FAILED, None
            else:  # still PENDING, due again after the delay
                next_attempt_at = now + delay
                self._schedule(delivery_id, next_attempt_at)
        return AttemptOutcome(
            state=state, attempts=attempts, next_attempt_at=next_attempt_at, delivered_at=base.delivered_at
        )

    def _requeue(self, delivery_id: str) -> None:
        held = self._live.get(delivery_id)
        if held is not None and held.state is DeliveryState.PENDING and delivery_id not in self._scheduled:
            self._schedule(delivery_id, held.next_attempt_at or self._clock.now())

    def _release(self, delivery_id: str) -> None:
        left = self._running[delivery_id] - 1
        if left:
            self._running[delivery_id] = left
            return
        del self._running[delivery_id]
        held = self._live.get(delivery_id)
        if held is not None and held.state is not DeliveryState.PENDING and delivery_id not in self._scheduled:
            del self._live[delivery_id]


if TYPE_CHECKING:

    def _is_an_outbox(dispatcher: CallbackDispatcher) -> Outbox:
        return dispatcher  # mypy proves the dispatcher fits the service's port
