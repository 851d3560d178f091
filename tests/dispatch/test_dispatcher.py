"""CallbackDispatcher against a real in-process receiver; time moves only through the FakeClock."""

from __future__ import annotations

import asyncio

import pytest
from msgspec.structs import replace

from mockgateway.clock import FakeClock
from mockgateway.dispatch.dispatcher import CallbackDispatcher
from mockgateway.dispatch.policy import RetryPolicy
from mockgateway.dispatch.transport import TransportResult
from mockgateway.domain.model import Delivery, DeliveryState, HttpCall
from mockgateway.domain.queries import EventQuery
from tests.conftest import T0
from tests.dispatch.conftest import Factory, Receiver, SignallingStore, delivery


async def saved(store: SignallingStore, delivery_id: str = "d1") -> Delivery:
    found = await store.get_delivery(delivery_id)
    assert found is not None, f"delivery {delivery_id} was never saved"
    return found


async def test_delivered_on_200_with_one_attempt(
    receiver: Receiver, make_dispatcher: Factory, store: SignallingStore
) -> None:
    dispatcher = make_dispatcher()
    dispatcher.enqueue(delivery(receiver.url("/cb")))
    assert dispatcher.next_due() == T0

    dispatcher.run_due()
    await dispatcher.drain()

    done = await saved(store)
    assert done.state is DeliveryState.DELIVERED
    assert done.delivered_at == T0
    assert done.next_attempt_at is None
    assert [(a.at, a.status, a.error) for a in done.attempts] == [(T0, 200, None)]
    assert done.attempts[0].latency_ms > 0
    [seen] = receiver.hits("/cb")
    assert seen.body == delivery("").call.body
    assert seen.headers["Content-Type"] == "application/json"
    assert dispatcher.next_due() is None
    assert dispatcher.pending() == []


async def test_500_is_retried_only_once_the_first_delay_has_passed(
    receiver: Receiver, make_dispatcher: Factory, store: SignallingStore, clock: FakeClock
) -> None:
    receiver.scripts["/cb"] = [500]
    dispatcher = make_dispatcher(RetryPolicy(delays=(1.0, 5.0)))
    dispatcher.enqueue(delivery(receiver.url("/cb")))
    dispatcher.run_due()
    await dispatcher.drain()

    waiting = await saved(store)
    assert waiting.state is DeliveryState.PENDING
    assert waiting.next_attempt_at == T0 + 1.0
    assert [a.status for a in waiting.attempts] == [500]
    assert "receiver answered 500" in (waiting.attempts[0].error or "")
    assert dispatcher.next_due() == T0 + 1.0

    clock.advance(0.999)
    dispatcher.run_due()
    await dispatcher.drain()
    assert len(receiver.hits("/cb")) == 1, "retried before the delay ran out"

    clock.advance(0.001)
    dispatcher.run_due()
    await dispatcher.drain()
    done = await saved(store)
    assert len(receiver.hits("/cb")) == 2
    assert done.state is DeliveryState.DELIVERED
    assert [(a.at, a.status) for a in done.attempts] == [(T0, 500), (T0 + 1.0, 200)]
    assert done.delivered_at == T0 + 1.0


async def test_400_fails_at_once_without_retry(
    receiver: Receiver, make_dispatcher: Factory, store: SignallingStore, clock: FakeClock
) -> None:
    receiver.scripts["/cb"] = [400]
    dispatcher = make_dispatcher()
    dispatcher.enqueue(delivery(receiver.url("/cb")))
    dispatcher.run_due()
    await dispatcher.drain()

    failed = await saved(store)
    assert failed.state is DeliveryState.FAILED
    assert [a.status for a in failed.attempts] == [400]
    assert failed.next_attempt_at is None
    assert dispatcher.next_due() is None
    clock.advance(3600)
    dispatcher.run_due()
    await dispatcher.drain()
    assert len(receiver.hits("/cb")) == 1


async def test_connection_refused_is_retried_then_fails_with_every_attempt_recorded(
    refused_url: str, make_dispatcher: Factory, store: SignallingStore, clock: FakeClock
) -> None:
    policy = RetryPolicy(delays=(1.0, 5.0))
    dispatcher = make_dispatcher(policy)
    dispatcher.enqueue(delivery(refused_url))
    for delay in policy.delays:
        dispatcher.run_due()
        await dispatcher.drain()
        assert (await saved(store)).state is DeliveryState.PENDING
        clock.advance(delay)
    dispatcher.run_due()
    await dispatcher.drain()

    failed = await saved(store)
    assert failed.state is DeliveryState.FAILED
    assert len(failed.attempts) == policy.max_attempts == 3
    assert [a.at for a in failed.attempts] == [T0, T0 + 1.0, T0 + 6.0]
    for attempt in failed.attempts:
        assert attempt.status is None
        assert (attempt.error or "").startswith("connection failed:"), attempt.error
    assert dispatcher.next_due() is None


async def test_timeout_is_recorded_and_retried(
    receiver: Receiver, make_dispatcher: Factory, store: SignallingStore, clock: FakeClock
) -> None:
    receiver.hold("/hang")  # never released during the test: the receiver does not answer
    dispatcher = make_dispatcher(RetryPolicy(delays=(1.0,), timeout_s=0.2))
    dispatcher.enqueue(delivery(receiver.url("/hang")))
    dispatcher.run_due()
    await dispatcher.drain()

    waiting = await saved(store)
    [attempt] = waiting.attempts
    assert attempt.status is None
    assert attempt.error == "timed out after 0.2 s"
    assert attempt.latency_ms >= 190  # the timeout, not an instant failure
    assert waiting.state is DeliveryState.PENDING
    assert waiting.next_attempt_at == T0 + 1.0

    clock.advance(1.0)
    dispatcher.run_due()
    await dispatcher.drain()
    failed = await saved(store)
    assert failed.state is DeliveryState.FAILED
    assert [a.error for a in failed.attempts] == ["timed out after 0.2 s"] * 2


async def test_a_slow_receiver_does_not_hold_up_a_fast_one(
    receiver: Receiver, make_dispatcher: Factory, store: SignallingStore
) -> None:
    gate = receiver.hold("/slow")
    dispatcher = make_dispatcher(concurrency=2)
    dispatcher.enqueue(delivery(receiver.url("/slow"), "slow"))
    dispatcher.enqueue(delivery(receiver.url("/fast"), "fast"))
    dispatcher.run_due()

    fast = await store.wait_saved("fast")  # would time out if the slow attempt blocked it
    assert fast.state is DeliveryState.DELIVERED
    assert receiver.arrived("/slow").is_set()
    assert await store.get_delivery("slow") is None, "the slow receiver has not answered yet"
    assert [d.id for d in dispatcher.pending()] == ["slow"]

    gate.set()
    await dispatcher.drain()
    assert (await saved(store, "slow")).state is DeliveryState.DELIVERED


async def test_a_delivery_due_later_does_not_queue_behind_a_slow_one(
    receiver: Receiver, make_dispatcher: Factory, store: SignallingStore
) -> None:
    gate = receiver.hold("/slow")
    dispatcher = make_dispatcher(concurrency=2)
    dispatcher.enqueue(delivery(receiver.url("/slow"), "slow"))
    dispatcher.run_due()
    await receiver.arrived("/slow").wait()

    dispatcher.enqueue(delivery(receiver.url("/fast"), "fast"))
    dispatcher.run_due()
    assert (await store.wait_saved("fast")).state is DeliveryState.DELIVERED
    assert await store.get_delivery("slow") is None
    gate.set()
    await dispatcher.drain()
    assert (await saved(store, "slow")).state is DeliveryState.DELIVERED


class GatedTransport:
    """Answers 200 once the gate opens; counts the sends in progress, with no network in between."""

    def __init__(self, expected: int) -> None:
        self.gate = asyncio.Event()
        self.reached = asyncio.Event()
        self.expected = expected
        self.active = self.most = 0

    async def send(self, call: HttpCall, timeout_s: float) -> TransportResult:
        self.active += 1
        self.most = max(self.most, self.active)
        if self.active >= self.expected:
            self.reached.set()
        await self.gate.wait()
        self.active -= 1
        return TransportResult(status=200, error=None, latency_ms=1.0)

    async def close(self) -> None:
        return None


async def test_at_most_concurrency_attempts_are_in_flight(clock: FakeClock, store: SignallingStore) -> None:
    transport = GatedTransport(expected=3)
    dispatcher = CallbackDispatcher(transport, clock, store, concurrency=3)
    for i in range(10):
        dispatcher.enqueue(delivery(f"http://receiver/{i}", f"d{i}"))
    dispatcher.run_due()
    await transport.reached.wait()  # every worker has had its turn by the time this wakes
    assert transport.most == 3

    transport.gate.set()
    await dispatcher.drain()
    assert transport.most == 3
    for i in range(10):
        assert (await saved(store, f"d{i}")).state is DeliveryState.DELIVERED
    await dispatcher.close()


async def test_replay_sends_again_and_records_the_attempt(
    receiver: Receiver, make_dispatcher: Factory, store: SignallingStore, clock: FakeClock
) -> None:
    receiver.scripts["/cb"] = [404]
    dispatcher = make_dispatcher()
    dispatcher.enqueue(delivery(receiver.url("/cb")))
    dispatcher.run_due()
    await dispatcher.drain()
    failed = await saved(store)
    assert failed.state is DeliveryState.FAILED

    clock.advance(60)
    replayed = await dispatcher.replay(failed)
    assert replayed.state is DeliveryState.DELIVERED
    assert [(a.at, a.status) for a in replayed.attempts] == [(T0, 404), (T0 + 60, 200)]
    assert replayed.delivered_at == T0 + 60
    assert await saved(store) == replayed
    assert len(receiver.hits("/cb")) == 2

    again = await dispatcher.replay(replayed)
    assert len(again.attempts) == 3
    assert len(receiver.hits("/cb")) == 3
    assert dispatcher.pending() == []


async def test_a_replay_that_gets_through_cancels_the_queued_retry(
    receiver: Receiver, make_dispatcher: Factory, store: SignallingStore, clock: FakeClock
) -> None:
    receiver.scripts["/cb"] = [503]
    dispatcher = make_dispatcher()
    dispatcher.enqueue(delivery(receiver.url("/cb")))
    dispatcher.run_due()
    await dispatcher.drain()

    replayed = await dispatcher.replay(await saved(store))
    assert replayed.state is DeliveryState.DELIVERED
    assert dispatcher.next_due() is None
    clock.advance(10)
    dispatcher.run_due()
    await dispatcher.drain()
    assert len(receiver.hits("/cb")) == 2


async def test_every_delivery_ends_delivered_or_failed(
    receiver: Receiver, make_dispatcher: Factory, store: SignallingStore, clock: FakeClock
) -> None:
    receiver.scripts = {"/ok": [], "/gone": [404], "/flaky": [500, 429], "/down": [500] * 10}
    policy = RetryPolicy(delays=(1.0, 5.0))
    dispatcher = make_dispatcher(policy)
    for i, path in enumerate(["/ok", "/gone", "/flaky", "/down"] * 3):
        dispatcher.enqueue(delivery(receiver.url(path), f"{path[1:]}-{i}"))
    while (due := dispatcher.next_due()) is not None:
        clock.set(due)
        dispatcher.run_due()
        await dispatcher.drain()

    deliveries = {d.id: d for d in await store.list_deliveries(EventQuery())}
    assert len(deliveries) == 12
    states = {d.id.split("-")[0]: d.state for d in deliveries.values() if not d.id.startswith("flaky")}
    assert states == {"ok": DeliveryState.DELIVERED, "gone": DeliveryState.FAILED, "down": DeliveryState.FAILED}
    for d in deliveries.values():
        assert d.state is not DeliveryState.PENDING
        assert 1 <= len(d.attempts) <= policy.max_attempts
    assert dispatcher.pending() == []


async def test_pending_deliveries_survive_a_restart(
    receiver: Receiver, make_dispatcher: Factory, store: SignallingStore, clock: FakeClock
) -> None:
    receiver.scripts["/cb"] = [500]
    first = make_dispatcher()
    first.enqueue(delivery(receiver.url("/cb")))
    first.enqueue(delivery(receiver.url("/ok"), "d2"))
    first.run_due()
    await first.drain()
    pending = first.pending()
    assert [d.id for d in pending] == ["d1"]
    assert pending[0].next_attempt_at == T0 + 1.0
    await first.close()

    second = make_dispatcher()
    assert second.restore([*pending, await saved(store, "d2")]) == 1, "only pending deliveries come back"
    assert second.next_due() == T0 + 1.0
    clock.advance(1.0)
    second.run_due()
    await second.drain()
    done = await saved(store)
    assert done.state is DeliveryState.DELIVERED
    assert [a.status for a in done.attempts] == [500, 200]


async def test_close_leaves_attempts_in_flight_or_queued_pending_and_unrecorded(
    receiver: Receiver, make_dispatcher: Factory, store: SignallingStore
) -> None:
    receiver.hold("/slow")
    dispatcher = make_dispatcher(concurrency=1)
    dispatcher.enqueue(delivery(receiver.url("/slow")))
    dispatcher.enqueue(delivery(receiver.url("/slow"), "d2"))  # waits for the only worker
    dispatcher.run_due()
    await receiver.arrived("/slow").wait()

    await dispatcher.close()
    left = dispatcher.pending()
    assert [d.id for d in left] == ["d1", "d2"]
    assert all(d.state is DeliveryState.PENDING and d.attempts == () for d in left)
    assert dispatcher.next_due() == T0
    assert len(receiver.hits("/slow")) == 1
    assert await store.get_delivery("d1") is None


async def test_enqueueing_a_queued_delivery_twice_is_an_error(receiver: Receiver, make_dispatcher: Factory) -> None:
    dispatcher = make_dispatcher()
    dispatcher.enqueue(delivery(receiver.url("/cb")))
    with pytest.raises(ValueError, match="d1 is already queued"):
        dispatcher.enqueue(delivery(receiver.url("/cb")))


async def test_clear_forgets_waiting_deliveries(receiver: Receiver, make_dispatcher: Factory, clock: FakeClock) -> None:
    receiver.scripts["/cb"] = [500]
    dispatcher = make_dispatcher()
    dispatcher.enqueue(delivery(receiver.url("/cb")))
    dispatcher.run_due()
    await dispatcher.drain()
    dispatcher.enqueue(delivery(receiver.url("/cb"), "d2"))

    dispatcher.clear()
    assert dispatcher.next_due() is None
    assert dispatcher.pending() == []
    clock.advance(3600)
    dispatcher.run_due()
    await dispatcher.drain()
    assert len(receiver.hits("/cb")) == 1


async def test_every_recorded_attempt_is_announced(
    receiver: Receiver, make_dispatcher: Factory, clock: FakeClock, store: SignallingStore
) -> None:
    receiver.scripts["/cb"] = [500]
    told: list[tuple[str, str]] = []
    dispatcher = make_dispatcher(on_change=lambda changed: told.append((changed.id, changed.account)))
    dispatcher.enqueue(delivery(receiver.url("/cb")))  # never saved before: the first attempt saves it whole
    dispatcher.run_due()
    await dispatcher.drain()
    first = await store.get_delivery("d1")
    assert first is not None
    assert (first.state, len(first.attempts)) == (DeliveryState.PENDING, 1)
    assert told == [("d1", "demo")]
    clock.advance(1)
    dispatcher.run_due()
    await dispatcher.drain()
    final = await store.get_delivery("d1")
    assert final is not None
    assert (final.state, len(final.attempts)) == (DeliveryState.DELIVERED, 2)
    assert told == [("d1", "demo"), ("d1", "demo")]


async def test_an_attempt_updates_the_saved_delivery_as_saving_it_whole_would(
    receiver: Receiver, make_dispatcher: Factory, clock: FakeClock, store: SignallingStore
) -> None:
    receiver.scripts["/cb"] = [503]
    sent = delivery(receiver.url("/cb"))
    await store.save_delivery(sent)
    dispatcher = make_dispatcher()
    dispatcher.enqueue(sent)
    dispatcher.run_due()
    await dispatcher.drain()
    retrying = await store.get_delivery("d1")
    assert retrying is not None
    retry_at = clock.now() + 1
    assert (retrying.state, retrying.next_attempt_at, retrying.call) == (DeliveryState.PENDING, retry_at, sent.call)
    assert [a.status for a in retrying.attempts] == [503]
    clock.advance(1)
    dispatcher.run_due()
    await dispatcher.drain()
    done = await store.get_delivery("d1")
    assert done is not None
    assert done == replace(
        sent, state=DeliveryState.DELIVERED, attempts=done.attempts, next_attempt_at=None, delivered_at=retry_at
    )
    assert [a.status for a in done.attempts] == [503, 200]


class ScriptedTransport:
    """Answers each URL with its scripted statuses in turn (then 200) and notes the order of the sends."""

    def __init__(self, scripts: dict[str, list[int]]) -> None:
        self.scripts = scripts
        self.sent: list[str] = []

    async def send(self, call: HttpCall, timeout_s: float) -> TransportResult:
        self.sent.append(call.url)
        script = self.scripts.get(call.url)
        status = script.pop(0) if script else 200
        return TransportResult(
            status=status, error=None if status < 300 else f"receiver answered {status}", latency_ms=1.0
        )

    async def close(self) -> None:
        return None


async def test_due_retries_and_new_deliveries_go_in_time_order(clock: FakeClock, store: SignallingStore) -> None:
    transport = ScriptedTransport({"http://r/first": [503]})
    dispatcher = CallbackDispatcher(transport, clock, store, RetryPolicy(delays=(1.0,)), concurrency=1)
    dispatcher.enqueue(delivery("http://r/first", "d1"))
    dispatcher.run_due()
    await dispatcher.drain()
    clock.advance(5.0)
    dispatcher.enqueue(delivery("http://r/second", "d2"))
    dispatcher.enqueue(delivery("http://r/third", "d3"))
    assert dispatcher.next_due() == T0 + 1.0, "the retry, due earlier than the deliveries queued since"

    dispatcher.run_due()
    await dispatcher.drain()
    assert transport.sent == ["http://r/first", "http://r/first", "http://r/second", "http://r/third"]
    assert dispatcher.next_due() is None
    for delivery_id in ("d1", "d2", "d3"):
        assert (await saved(store, delivery_id)).state is DeliveryState.DELIVERED
    await dispatcher.close()
