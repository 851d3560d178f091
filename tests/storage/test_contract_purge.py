"""Store contract: retention purge — what goes, what stays, and that each call does bounded work."""

from __future__ import annotations

from dataclasses import replace

import msgspec
import pytest

from mockgateway.domain.job import Job
from mockgateway.domain.model import Attempt, AttemptOutcome, DeliveryState, MessageStatus
from mockgateway.domain.queries import EventQuery, MessageQuery
from mockgateway.service.ports import BusyUntil, JobJournal, Store
from tests.conftest import T0
from tests.storage.factories import delivery, message, mo, notification

DEMO = EventQuery(account="demo")


async def _purge_all(store: Store, older_than: float, limit: int = 1000, busy_until: BusyUntil | None = None) -> None:
    while await store.purge(older_than, limit, busy_until) >= limit:
        pass


async def listed(store: Store, query: EventQuery = DEMO) -> list[str]:
    return [n.id for n in await store.list_notifications(query)]


async def test_a_notification_without_callback_goes_once_its_creation_is_past_the_cutoff(store: Store) -> None:
    await store.add_notification(notification("n1", at=0))
    await store.add_notification(notification("n2", at=10))
    await _purge_all(store, T0 - 1)
    assert await listed(store) == ["n1", "n2"]
    await _purge_all(store, T0)
    assert await listed(store) == ["n2"]
    await _purge_all(store, T0 + 10)
    assert await listed(store) == []
    assert await store.count_notifications(DEMO) == 0


async def test_a_delivered_callback_starts_the_retention_of_its_notification(store: Store) -> None:
    for i, id_ in enumerate(("n1", "n2", "n3")):
        await store.add_notification(notification(id_, at=float(i)))
    await store.save_delivery(delivery("d1", subject="n1", at=0, state=DeliveryState.DELIVERED, delivered=100))
    await _purge_all(store, T0 + 50)
    # n1 stays pullable, in its place (the oldest), and is counted and paged like the others
    assert await listed(store) == ["n1"]
    await store.add_notification(notification("n4", at=200))
    assert await listed(store) == ["n1", "n4"]
    assert await store.count_notifications(DEMO) == 2
    assert await listed(store, replace(DEMO, offset=1, limit=5)) == ["n4"]
    assert await listed(store, replace(DEMO, status="SENT", part_id="1000000001")) == ["n1", "n4"]
    await _purge_all(store, T0 + 99)
    assert await listed(store) == ["n1", "n4"]
    await _purge_all(store, T0 + 100)
    assert await listed(store) == ["n4"]


async def test_an_outcome_starts_the_retention_of_its_notification_as_a_whole_delivery_does(store: Store) -> None:
    await store.add_notification(notification("n1", at=0))
    await store.add_notification(notification("n2", at=1))
    await store.save_delivery(delivery("d1", subject="n1", at=0))
    assert await store.save_outcome(
        "d1",
        AttemptOutcome(
            state=DeliveryState.DELIVERED,
            attempts=(Attempt(at=T0 + 100, status=200, latency_ms=1.0),),
            delivered_at=T0 + 100,
        ),
    )
    await _purge_all(store, T0 + 50)
    assert await listed(store) == ["n1"]
    await _purge_all(store, T0 + 100)
    assert await listed(store) == []


async def test_an_mo_is_kept_from_its_delivered_callback(store: Store) -> None:
    await store.add_mo(mo("1000000011", at=0))
    await store.add_mo(mo("1000000012", at=1))
    done = delivery("d1", kind="mo", subject="1000000012", at=1, state=DeliveryState.DELIVERED, delivered=60)
    await store.save_delivery(done)
    await _purge_all(store, T0 + 30)
    assert [m.id for m in await store.list_mos(DEMO)] == ["1000000012"]
    assert await store.count_mos(DEMO) == 1
    await _purge_all(store, T0 + 60)
    assert await store.list_mos(DEMO) == []


async def test_a_message_is_kept_from_its_last_status_change_and_callback(store: Store) -> None:
    await store.add_messages([message("1000000001", at=0), message("1000000002", at=0)])
    stored = await store.get_message("1000000001")
    assert stored is not None
    await store.replace_message(stored, msgspec.structs.replace(stored, status=MessageStatus.SENT, status_at=T0 + 20))
    await store.save_delivery(delivery("d1", subject="n1", message_id="1000000002", state=DeliveryState.DELIVERED,
                                       delivered=40))  # fmt: skip
    await _purge_all(store, T0 + 10)
    assert (await store.list_messages(MessageQuery())).total == 2
    await _purge_all(store, T0 + 20)
    assert [m.id for m in (await store.list_messages(MessageQuery())).items] == ["1000000002"]
    await _purge_all(store, T0 + 40)
    assert (await store.list_messages(MessageQuery())).total == 0


async def test_a_message_the_engine_is_busy_with_stays_until_its_last_job_is_due(store: Store, store_kind: str) -> None:
    if store_kind == "sqlite":
        pytest.skip("this store's file keeps the jobs themselves, and it goes by them (see the test below)")
    await store.add_messages([message("1000000001", at=0), message("1000000002", at=0)])
    busy = {"1000000001": T0 + 500}
    await _purge_all(store, T0 + 100, busy_until=busy.get)
    assert [m.id for m in (await store.list_messages(MessageQuery())).items] == ["1000000001"]
    await _purge_all(store, T0 + 499, busy_until=busy.get)
    assert await store.get_message("1000000001") is not None
    await _purge_all(store, T0 + 500, busy_until={}.get)  # its jobs ran
    assert await store.get_message("1000000001") is None


async def test_a_message_with_pending_jobs_stays_until_they_ran(
    store: Store, journal: JobJournal, store_kind: str
) -> None:
    if store_kind == "memory":
        pytest.skip("this store's journal keeps no jobs: the engine's scheduler holds them (see the test above)")
    await store.add_messages([message("1000000001", at=0)])
    job = Job(message_id="1000000001", step=0, due_at=T0 + 500, part_index=0, status=MessageStatus.DELIVERED)
    reply = Job(message_id="1000000001", step=1, due_at=T0 + 600, text="STOP", sender="447700900001")
    await journal.save([job, reply])
    await journal.save([job])  # saved again: still one job
    await _purge_all(store, T0 + 100)
    assert await store.get_message("1000000001") is not None
    await journal.forget([job])
    await journal.forget([job])  # deleted twice: the reply is still pending
    await _purge_all(store, T0 + 100)
    assert await store.get_message("1000000001") is not None
    await journal.forget([reply])
    await _purge_all(store, T0 + 100)
    assert await store.get_message("1000000001") is None


async def test_pending_callbacks_stay_and_finished_ones_go_after_the_window(store: Store) -> None:
    await store.save_delivery(delivery("pending", at=0))
    await store.save_delivery(delivery("delivered", at=0, state=DeliveryState.DELIVERED, delivered=30))
    await store.save_delivery(delivery("failed", at=0, state=DeliveryState.FAILED, delivered=10))
    await _purge_all(store, T0 + 10)
    assert [d.id for d in await store.list_deliveries(EventQuery())] == ["delivered", "pending"]
    await _purge_all(store, T0 + 10_000)
    assert [d.id for d in await store.list_deliveries(EventQuery())] == ["pending"]


async def test_each_purge_call_does_bounded_work_and_says_when_it_caught_up(store: Store) -> None:
    for i in range(25):
        await store.add_notification(notification(f"n{i:02}", at=float(i)))
    assert await store.purge(T0 + 100, 10) >= 10
    assert await store.count_notifications(DEMO) == 15
    assert await store.purge(T0 + 100, 10) >= 10
    assert await store.purge(T0 + 100, 10) < 10
    assert await store.count_notifications(DEMO) == 0
    assert await store.purge(T0 + 100, 10) == 0


async def test_a_long_purge_keeps_queries_right_between_batches(store: Store) -> None:
    total = 5000
    for i in range(total):
        failed = i % 3 == 0
        await store.add_notification(
            notification(
                f"n{i:05}",
                at=i / 10,
                message_id=str(1000000000 + i),
                status=MessageStatus.FAILED if failed else MessageStatus.SENT,
                code="DB62" if failed else None,
            )
        )
    cutoff = T0 + 450  # the first 4501 go
    left = total
    while await store.purge(cutoff, 700) >= 700:
        now_left = await store.count_notifications(DEMO)
        assert now_left < left
        left = now_left
        first = (await store.list_notifications(replace(DEMO, limit=1)))[0]
        assert first.id == f"n{total - left:05}"
    assert await store.count_notifications(DEMO) == total - 4501
    assert await store.count_notifications(replace(DEMO, status="nok")) == len(range(4503, total, 3))
    page = await store.list_notifications(replace(DEMO, status="nok", offset=2, limit=2))
    assert [n.id for n in page] == ["n04509", "n04512"]
