"""Pending jobs in the ``jobs`` table of a SQLite store's file: the ``JobJournal`` that survives restarts.

The store's purge keeps a message while it has rows here, so a long timeline outlives the retention window.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from mockgateway.domain.job import Job
from mockgateway.domain.model import MessageStatus
from mockgateway.storage import sqlite_sql as sql
from mockgateway.storage.records import Record

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


def job_to_record(job: Job) -> Record:
    """The job as a row of ``JOB_COLUMNS``."""
    status = None if job.status is None else job.status.value
    return (job.key, job.message_id, job.due_at, job.part_index, status, job.reason, job.code, job.text,
            job.sender)  # fmt: skip


def record_to_job(r: Record) -> Job:
    key, message_id, due_at, part_index, status, reason, code, text, sender = r
    return Job(
        message_id=str(message_id),
        step=int(str(key).rpartition(":")[2]),  # the key is "<message id>:<step>"
        due_at=float(due_at or 0.0),
        part_index=None if part_index is None else int(part_index),
        status=None if status is None else MessageStatus(str(status)),
        reason=None if reason is None else str(reason),
        code=None if code is None else str(code),
        text=None if text is None else str(text),
        sender=None if sender is None else str(sender),
    )


if TYPE_CHECKING:

    def _is_a_journal(journal: SqliteJobJournal) -> JobJournal:
        return journal  # mypy proves the class fits the service's port
