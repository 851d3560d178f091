"""Pending jobs in the ``jobs`` table of a SQLite store's file: the ``JobJournal`` that survives restarts.

The store's purge keeps a message while it has rows here, so a long timeline outlives the retention window.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from mockgateway.domain.job import Job
from mockgateway.storage import sqlite_sql as sql
from mockgateway.storage.sqlite_rows import job_to_record, record_to_job

if TYPE_CHECKING:
    from mockgateway.service.ports import JobJournal

#: Runs ``fn(connection, *args)`` on the store's thread (``SqliteStore._call``).
OnConnection = Callable[..., Awaitable[Any]]


class SqliteJobJournal:
    def __init__(self, call: OnConnection) -> None:
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

    def _is_a_journal(journal: SqliteJobJournal) -> JobJournal:
        return journal  # mypy proves the class fits the service's port
