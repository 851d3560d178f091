"""Callback attempts made while the store is unavailable are recorded once it is back, not lost."""

from __future__ import annotations

import pytest

from mockgateway.clock import FakeClock
from mockgateway.dispatch.dispatcher import CallbackDispatcher
from mockgateway.dispatch.policy import RetryPolicy
from mockgateway.dispatch.transport import HttpTransport
from mockgateway.domain.errors import StoreUnavailable
from mockgateway.domain.model import AttemptOutcome, Delivery, DeliveryState
from tests.conftest import T0
from tests.dispatch.conftest import Receiver, SignallingStore, delivery


class FlakyStore(SignallingStore):
    """Unavailable while ``down`` is set, as a store whose server went away."""

    def __init__(self) -> None:
        super().__init__()
        self.down = False

    async def save_delivery(self, delivery: Delivery) -> None:
        if self.down:
            raise StoreUnavailable()
        await super().save_delivery(delivery)

    async def save_outcome(self, delivery_id: str, outcome: AttemptOutcome) -> bool:
        if self.down:
            raise StoreUnavailable()
        return await super().save_outcome(delivery_id, outcome)


@pytest.fixture
def flaky() -> FlakyStore:
    return FlakyStore()


async def _saved(store: FlakyStore, delivery_id: str) -> Delivery:
    found = await store.get_delivery(delivery_id)
    assert found is not None
    return found


async def test_an_attempt_the_store_could_not_take_is_recorded_once_it_is_back(
    receiver: Receiver, clock: FakeClock, flaky: FlakyStore
) -> None:
    changes: list[str] = []
    dispatcher = CallbackDispatcher(
        HttpTransport(), clock, flaky, RetryPolicy(delays=(1.0,)), on_change=lambda d: changes.append(d.id)
    )
    try:
        waiting = delivery(receiver.url("/cb"))
        await flaky.save_delivery(waiting)
        flaky.down = True
        dispatcher.enqueue(waiting)
        dispatcher.run_due()
        await dispatcher.drain()
        assert len(receiver.hits("/cb")) == 1
        assert (await _saved(flaky, "d1")).attempts == ()
        assert changes == []

        flaky.down = False
        dispatcher.run_due()  # the ticker's next turn tries again
        await dispatcher.drain()
        done = await _saved(flaky, "d1")
        assert done.state is DeliveryState.DELIVERED
        assert [(a.at, a.status) for a in done.attempts] == [(T0, 200)]
        assert changes == ["d1"]
        assert len(receiver.hits("/cb")) == 1, "recorded, not attempted again"
    finally:
        await dispatcher.close()


async def test_a_replay_keeps_the_attempt_not_yet_recorded(
    receiver: Receiver, clock: FakeClock, flaky: FlakyStore
) -> None:
    receiver.scripts["/cb"] = [400]
    dispatcher = CallbackDispatcher(HttpTransport(), clock, flaky, RetryPolicy(delays=(1.0,)))
    try:
        failing = delivery(receiver.url("/cb"))
        await flaky.save_delivery(failing)
        flaky.down = True
        dispatcher.enqueue(failing)
        dispatcher.run_due()
        await dispatcher.drain()  # FAILED on the 400, unrecorded

        flaky.down = False
        replayed = await dispatcher.replay(await _saved(flaky, "d1"))
        assert [a.status for a in replayed.attempts] == [400, 200]
        assert [a.status for a in (await _saved(flaky, "d1")).attempts] == [400, 200]
    finally:
        await dispatcher.close()
