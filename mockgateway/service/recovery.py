"""Picking up after a restart on a persistent store: ids, the scheduled timeline and undelivered callbacks."""

from __future__ import annotations

from dataclasses import dataclass

from mockgateway.domain.model import DeliveryState
from mockgateway.domain.queries import EventQuery
from mockgateway.ids import IdSource
from mockgateway.service.ports import JobJournal, Outbox, Store
from mockgateway.service.scheduler import Scheduler

#: Pending callbacks are read back in pages of this size.
_PAGE = 10_000


@dataclass(frozen=True, slots=True, kw_only=True)
class Restored:
    jobs: int
    callbacks: int


async def restore(store: Store, journal: JobJournal, ids: IdSource, scheduler: Scheduler, outbox: Outbox) -> Restored:
    """Resume what the store and the journal kept: call once, after ``store.open()`` and before serving."""
    ids.resume(await store.generation(), await store.last_numeric_id())
    jobs = await journal.load()
    scheduler.schedule(jobs)
    callbacks = 0
    offset = 0
    while True:
        page = await store.list_deliveries(EventQuery(status=DeliveryState.PENDING, offset=offset, limit=_PAGE))
        callbacks += outbox.restore(page)
        if len(page) < _PAGE:
            return Restored(jobs=len(jobs), callbacks=callbacks)
        offset += _PAGE
