"""An embedded store that survives restarts: SQLite (stdlib) in WAL mode, driven from one worker thread.

Every call runs on a single-thread executor that owns the connection, so the event loop never waits on disk
and statements never interleave. ``sqlite_rows`` converts the values to columns and back.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from mockgateway.domain.job import Job
from mockgateway.domain.model import AttemptOutcome, Delivery, Message, MoMessage, Notification
from mockgateway.domain.queries import EventQuery, MessageQuery, Page
from mockgateway.service.ports import BusyUntil, JobJournal, Store
from mockgateway.storage import sqlite_sql as sql
from mockgateway.storage.one_process import NoPeers, StepsInTurn
from mockgateway.storage.sqlite_rows import job_to_record, record_to_job
from mockgateway.storage.sqlite_schema import connect
from mockgateway.storage.sqlite_state import Call, SqliteState

T = TypeVar("T")


class SqliteStore(StepsInTurn):
    #: About 4 ms per purge call (deleting also updates six indexes); queries wait behind it on the thread.
    purge_batch = 200

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._executor: ThreadPoolExecutor | None = None
        self._db: sqlite3.Connection | None = None
        self._generation = 0
        #: Opt-outs, callback targets, grants and the clock, written on this store's thread.
        self.state = SqliteState(self._submit, self._call)
        self.peers = NoPeers()  #: the file is one process's

    # -- lifetime ---------------------------------------------------------------------------------
    async def open(self) -> None:
        if self._executor is not None:
            return
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mockgateway-sqlite")
        try:
            self._db, self._generation = await asyncio.wrap_future(self._executor.submit(connect, self.path))
        except BaseException:
            self._executor.shutdown(wait=True)
            self._executor = None
            raise

    async def close(self) -> None:
        if self._executor is None:
            return
        if self._db is not None:
            await asyncio.wrap_future(self._executor.submit(self._db.close))
            self._db = None
        self._executor.shutdown(wait=True)
        self._executor = None

    async def ping(self) -> None:
        return None  # a local file: there while the store is open

    async def generation(self) -> int:
        return self._generation

    async def last_numeric_id(self) -> int | None:
        return await self._call(sql.last_numeric_id)

    def _submit(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        """Queue ``fn(connection, *args)`` on the store's thread, in order with every other call, without waiting."""
        if self._executor is None or self._db is None:
            raise RuntimeError(f"the SQLite store {self.path} is not open")
        return self._executor.submit(fn, self._db, *args)

    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(connection, *args)`` on the store's thread."""
        return await asyncio.wrap_future(self._submit(fn, *args))

    # -- messages ---------------------------------------------------------------------------------
    async def add_messages(self, messages: Sequence[Message]) -> None:
        high = max((int(part) for m in messages for part in m.part_ids if part.isdigit()), default=None)
        await self._call(sql.upsert_messages, list(messages), high)

    async def replace_message(self, current: Message, updated: Message) -> bool:
        return await self._call(sql.replace_message, current, updated)

    async def get_message(self, message_id: str) -> Message | None:
        return await self._call(sql.get_message, message_id)

    async def list_messages(self, query: MessageQuery) -> Page:
        messages, total = await self._call(sql.list_messages, query)
        return Page(items=tuple(messages), total=total, offset=query.offset, limit=query.limit)

    async def delete_messages(self, query: MessageQuery | None = None) -> int:
        return await self._call(sql.delete_messages, query)

    async def count_messages(self, account: str) -> int:
        rows = await self._call(sql.all_rows, sql.COUNT_MESSAGES, (account,))
        return int(rows[0][0])

    # -- notifications and MOs --------------------------------------------------------------------
    async def add_notification(self, notification: Notification) -> None:
        await self._call(sql.insert_notification, notification)

    async def list_notifications(self, query: EventQuery) -> list[Notification]:
        return await self._call(sql.list_notifications, query)

    async def count_notifications(self, query: EventQuery) -> int:
        return await self._call(sql.count_notifications, query)

    async def add_mo(self, mo: MoMessage) -> None:
        await self._call(sql.insert_mo, mo)

    async def add_reply(self, mo: MoMessage, *, deliveries: Sequence[Delivery], job: Job) -> None:
        await self._call(sql.insert_reply, mo, deliveries, job.key)

    async def list_mos(self, query: EventQuery) -> list[MoMessage]:
        return await self._call(sql.list_mos, query)

    async def count_mos(self, query: EventQuery) -> int:
        return await self._call(sql.count_events, "mos", query)

    # -- callback deliveries ----------------------------------------------------------------------
    async def save_delivery(self, delivery: Delivery) -> None:
        await self._call(sql.save_delivery, delivery)

    async def save_outcome(self, delivery_id: str, outcome: AttemptOutcome) -> bool:
        saved = await self._call(sql.get_delivery, delivery_id)
        if saved is None:
            return False
        await self._call(sql.save_delivery, saved.after(outcome))
        return True

    async def get_delivery(self, delivery_id: str) -> Delivery | None:
        return await self._call(sql.get_delivery, delivery_id)

    async def list_deliveries(self, query: EventQuery) -> list[Delivery]:
        return await self._call(sql.list_deliveries, query)

    # -- pending jobs -----------------------------------------------------------------------------
    def journal(self) -> SqliteJobJournal:
        """The pending jobs kept in this store's file; they also keep their messages from purges, so a long
        timeline outlives the retention window."""
        return SqliteJobJournal(self._call)

    # -- retention and reset ----------------------------------------------------------------------
    async def purge(self, older_than: float, limit: int, busy_until: BusyUntil | None = None) -> int:
        return await self._call(sql.purge, older_than, limit)

    async def clear(self) -> None:
        await self._call(sql.clear)


class SqliteJobJournal:
    """Pending jobs in the ``jobs`` table: the ``JobJournal`` that survives restarts."""

    def __init__(self, call: Call) -> None:
        self._call = call

    async def save(self, jobs: Sequence[Job]) -> None:
        if jobs:
            await self._call(sql.many, sql.INSERT_JOB, [job_to_record(job) for job in jobs])

    async def forget(self, jobs: Sequence[Job]) -> None:
        if jobs:
            await self._call(sql.many, "DELETE FROM jobs WHERE key = ?", [(job.key,) for job in jobs])

    async def load(self) -> list[Job]:
        records = await self._call(sql.all_rows, sql.ALL_JOBS, ())
        return [record_to_job(r) for r in records]

    async def clear(self) -> None:
        await self._call(sql.many, "DELETE FROM jobs", [()])


if TYPE_CHECKING:

    def _is_a_store(store: SqliteStore) -> Store:
        return store  # mypy proves the store fits the service's port

    def _is_a_journal(journal: SqliteJobJournal) -> JobJournal:
        return journal  # mypy proves the class fits the service's port
