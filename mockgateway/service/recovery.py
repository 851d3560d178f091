"""Picking up after a restart on a persistent store: ids, the scheduled timeline and undelivered callbacks."""

from __future__ import annotations

from dataclasses import dataclass

from mockgateway.domain.model import DeliveryState
from mockgateway.domain.queries import EventQuery
from mockgateway.ids import IdSource
from mockgateway.service.ports import Outbox, Store
from mockgateway.service.work_ports import JobQueue

#: Pending callbacks are read back in pages of this size.
_PAGE = 10_000


@dataclass(frozen=True, slots=True, kw_only=True)
class Restored:
    jobs: int
    callbacks: int


async def restore(store: Store, jobs: JobQueue, ids: IdSource, outbox: Outbox | None) -> Restored:
    """Resume what the store and the job queue kept: call once, after ``store.open()`` and before serving.

    ``outbox``: where every pending callback resumes; ``None`` when processes share them and lease theirs."""
    generation = await store.generation()
    ids.resume(generation, await store.last_numeric_id())
    restored_jobs = await jobs.restore()
    if outbox is None:
        ids.share(slot=generation)
        return Restored(jobs=restored_jobs, callbacks=0)
    callbacks = 0
    offset = 0
    while True:
        page = await store.list_deliveries(EventQuery(status=DeliveryState.PENDING, offset=offset, limit=_PAGE))
        callbacks += outbox.restore(page)
        if len(page) < _PAGE:
            return Restored(jobs=restored_jobs, callbacks=callbacks)
        offset += _PAGE
