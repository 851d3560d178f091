"""Store contract: a status change recorded with what it made (``record_step``), as the separate writes would
keep them, or nothing when its compare-and-set fails."""

from __future__ import annotations

from msgspec.structs import replace

from mockgateway.domain.lifecycle import advance
from mockgateway.domain.model import Attempt, AttemptOutcome, DeliveryState, Message, MessageStatus
from mockgateway.domain.queries import EventQuery
from mockgateway.service.ports import Store
from tests.conftest import T0
from tests.storage.factories import delivery, message, notification


def _sent(current: Message) -> Message:
    updated = advance(current, 0, MessageStatus.SENT, T0 + 5, None)
    assert updated is not None
    return updated


async def test_a_step_keeps_the_message_its_notification_and_its_pending_deliveries(store: Store) -> None:
    await store.add_messages([message("1000000001"), message("1000000005")])
    current = await store.get_message("1000000001")
    assert current is not None
    updated = _sent(current)
    sent = notification("n1", at=5)
    made = [delivery("d1", subject="n1", at=5), delivery("d2", subject="n1", at=5)]
    assert await store.record_step(current, updated, notification=sent, deliveries=made)
    assert await store.get_message("1000000001") == updated
    assert await store.list_notifications(EventQuery(message_id="1000000001")) == [sent]
    assert await store.list_notifications(EventQuery(account="demo", status="SENT")) == [sent]
    assert await store.list_notifications(EventQuery(part_id="1000000001")) == [sent]
    assert [d.id for d in await store.list_deliveries(EventQuery(message_id="1000000001"))] == ["d2", "d1"]
    assert [d.id for d in await store.list_deliveries(EventQuery(account="demo"))] == ["d2", "d1"]
    assert [d.id for d in await store.list_deliveries(EventQuery(status="PENDING"))] == ["d2", "d1"]
    assert await store.get_delivery("d1") == made[0]


async def test_a_step_whose_compare_and_set_fails_keeps_nothing(store: Store) -> None:
    await store.add_messages([message()])
    current = await store.get_message("1000000001")
    assert current is not None
    assert await store.replace_message(current, _sent(current))  # another change came first
    late = advance(current, 0, MessageStatus.DELIVERED, T0 + 6, None)
    assert late is not None
    kept = await store.record_step(current, late, notification=notification("n2", at=6), deliveries=[delivery("d9")])
    assert not kept
    assert await store.get_message("1000000001") == _sent(current)
    assert await store.list_notifications(EventQuery()) == []
    assert await store.get_delivery("d9") is None
    assert await store.list_deliveries(EventQuery()) == []


async def test_the_outcome_of_a_steps_delivery_finishes_it_and_moves_what_it_carried(store: Store) -> None:
    await store.add_messages([message()])
    current = await store.get_message("1000000001")
    assert current is not None
    made = delivery("d1", subject="n1", at=5)
    await store.record_step(current, _sent(current), notification=notification("n1", at=5), deliveries=[made])
    tried = (Attempt(at=T0 + 5, status=503, latency_ms=2.0),)
    retry = AttemptOutcome(state=DeliveryState.PENDING, attempts=tried, next_attempt_at=T0 + 10)
    assert await store.save_outcome("d1", retry)
    done = (*tried, Attempt(at=T0 + 90, status=200, latency_ms=2.0))
    assert await store.save_outcome(
        "d1", AttemptOutcome(state=DeliveryState.DELIVERED, attempts=done, delivered_at=T0 + 90)
    )
    finished = replace(made, state=DeliveryState.DELIVERED, attempts=done, next_attempt_at=None, delivered_at=T0 + 90)
    assert await store.get_delivery("d1") == finished
    assert [d.id for d in await store.list_deliveries(EventQuery(status="DELIVERED"))] == ["d1"]
    # The callback delivered at +90 keeps its notification and its message past a cutoff at +50.
    while await store.purge(T0 + 50, store.purge_batch) >= store.purge_batch:
        pass
    assert [n.id for n in await store.list_notifications(EventQuery())] == ["n1"]
    assert await store.get_message("1000000001") is not None
    await store.purge(T0 + 100, store.purge_batch)
    assert await store.list_notifications(EventQuery()) == []
    assert await store.get_delivery("d1") is None
