"""Store contract: callback deliveries, and the journal of scheduled jobs that goes with each store."""

from __future__ import annotations

from pathlib import Path

from msgspec.structs import replace

from mockgateway.domain.job import Job
from mockgateway.domain.model import Attempt, AttemptOutcome, DeliveryState, MessageStatus
from mockgateway.domain.queries import EventQuery
from mockgateway.service.ports import JobJournal, Store
from tests.conftest import T0
from tests.storage.conftest import make_journal, make_store
from tests.storage.factories import delivery, mo


async def test_a_delivery_comes_back_as_it_went_in_and_saving_again_replaces_it(store: Store) -> None:
    first = delivery("d1")
    await store.save_delivery(first)
    assert await store.get_delivery("d1") == first
    retried = replace(
        first,
        attempts=(
            Attempt(at=T0, status=503, latency_ms=12.5, error="503 Service Unavailable"),
            Attempt(at=T0 + 1, status=None, latency_ms=10000.0, error="timeout"),
        ),
        next_attempt_at=T0 + 6,
    )
    await store.save_delivery(retried)
    assert await store.get_delivery("d1") == retried
    done = replace(retried, state=DeliveryState.DELIVERED, delivered_at=T0 + 6, next_attempt_at=None)
    await store.save_delivery(done)
    assert await store.get_delivery("d1") == done
    assert await store.get_delivery("nope") is None


async def test_an_outcome_replaces_what_an_attempt_changes_as_saving_the_whole_delivery_would(store: Store) -> None:
    first = delivery("d1")
    await store.save_delivery(first)
    tried = (Attempt(at=T0, status=503, latency_ms=12.5, error="503 Service Unavailable"),)
    assert await store.save_outcome(
        "d1", AttemptOutcome(state=DeliveryState.PENDING, attempts=tried, next_attempt_at=T0 + 6)
    )
    assert await store.get_delivery("d1") == replace(first, attempts=tried, next_attempt_at=T0 + 6)
    done = (*tried, Attempt(at=T0 + 6, status=200, latency_ms=3.0))
    assert await store.save_outcome(
        "d1", AttemptOutcome(state=DeliveryState.DELIVERED, attempts=done, delivered_at=T0 + 6)
    )
    expected = replace(first, state=DeliveryState.DELIVERED, attempts=done, next_attempt_at=None, delivered_at=T0 + 6)
    assert await store.get_delivery("d1") == expected
    assert [d.id for d in await store.list_deliveries(EventQuery(status="DELIVERED"))] == ["d1"]
    assert not await store.save_outcome("nope", AttemptOutcome(state=DeliveryState.FAILED, attempts=done))
    assert await store.get_delivery("nope") is None


async def test_deliveries_list_newest_first_with_filters(store: Store) -> None:
    await store.save_delivery(delivery("d1"))
    await store.save_delivery(delivery("d2", kind="mo", subject="1000000009", message_id=None))
    await store.save_delivery(delivery("d3", account="other", state=DeliveryState.DELIVERED, delivered=1))
    await store.save_delivery(replace(delivery("d1"), state=DeliveryState.FAILED))  # keeps its place

    async def listed(**filters: object) -> list[str]:
        return [d.id for d in await store.list_deliveries(EventQuery(**filters))]  # type: ignore[arg-type]

    assert await listed() == ["d3", "d2", "d1"]
    assert await listed(account="demo") == ["d2", "d1"]
    assert await listed(kind="mo") == ["d2"]
    assert await listed(message_id="1000000001") == ["d3", "d1"]
    assert await listed(status="pending") == ["d2"]
    assert await listed(status="FAILED") == ["d1"]
    assert await listed(offset=1, limit=1) == ["d2"]


def _status(step: int, due: float, part: int, status: MessageStatus, reason: str | None = None,
            code: str | None = None, message_id: str = "1000000001") -> Job:  # fmt: skip
    return Job(message_id=message_id, step=step, due_at=due, part_index=part, status=status, reason=reason, code=code)


def _jobs() -> list[Job]:
    return [
        _status(1, T0 + 3, 0, MessageStatus.DELIVERED),
        _status(0, T0 + 1, 1, MessageStatus.FAILED, "spam", "DB71"),
        Job(message_id="1000000001", step=2, due_at=T0 + 9, text="STOP", sender="447700900001"),
        _status(0, T0 + 2, 0, MessageStatus.SENT, message_id="1000000004"),
    ]


async def test_jobs_are_kept_until_deleted_and_load_earliest_first(journal: JobJournal, store_kind: str) -> None:
    if store_kind == "memory":
        # Nothing of an in-memory store outlives its process, so it has no jobs to give back after a restart;
        # what it keeps of them (their message stays until they ran) is in test_contract_purge.
        await journal.save(_jobs())
        assert await journal.load() == []
        return
    jobs = _jobs()
    await journal.save(jobs)
    assert await journal.load() == [jobs[1], jobs[3], jobs[0], jobs[2]]
    await journal.forget([jobs[1], jobs[2]])
    assert await journal.load() == [jobs[3], jobs[0]]
    await journal.forget([jobs[1]])  # already gone: nothing happens
    await journal.save([])
    assert len(await journal.load()) == 2
    await journal.clear()
    assert await journal.load() == []


async def test_saved_jobs_come_back_after_a_restart_and_ran_ones_do_not(store_kind: str, tmp_path: Path) -> None:
    jobs = _jobs()
    first = make_store(store_kind, tmp_path)
    await first.open()
    await make_journal(first).save(jobs)
    await make_journal(first).forget([jobs[0], jobs[2]])  # they ran
    await first.close()

    second = make_store(store_kind, tmp_path)
    await second.open()
    try:
        restored = await make_journal(second).load()
    finally:
        await second.close()
    assert restored == ([] if store_kind == "memory" else [jobs[1], jobs[3]])


async def test_a_reply_keeps_its_mo_and_deliveries_and_its_job_is_forgotten_with_them(
    store: Store, journal: JobJournal, store_kind: str
) -> None:
    jobs = _jobs()
    reply = jobs[2]
    await journal.save(jobs)
    made = delivery("d1", kind="mo", subject="1000000009")
    await store.add_reply(mo("1000000009", at=9), deliveries=[made], job=reply)
    assert [m.id for m in await store.list_mos(EventQuery())] == ["1000000009"]
    assert await store.get_delivery("d1") == made
    # A restart, or a replica taking the claim over, would not run it again: no second MO.
    assert await journal.load() == ([] if store_kind == "memory" else [jobs[1], jobs[3], jobs[0]])
