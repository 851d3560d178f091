"""Scheduled jobs as flat rows of str/int/float/None, as SQLite stores them."""

from __future__ import annotations

from typing import TypeAlias

from mockgateway.service.scheduler import Job

Record: TypeAlias = tuple[str | int | float | bytes | None, ...]

JOB_COLUMNS = ("key", "message_id", "due_at", "part_index", "status", "reason", "code", "text", "sender")


def job_to_record(job: Job) -> Record:
    # A plain tuple, not the named one: the collector stops tracking plain tuples of atoms.
    return tuple(job)


def record_to_job(r: Record) -> Job:
    key, message_id, due_at, part_index, status, reason, code, text, sender = r
    return Job(
        str(key),
        str(message_id),
        _float(due_at),
        None if part_index is None else int(part_index),
        None if status is None else str(status),
        None if reason is None else str(reason),
        None if code is None else str(code),
        None if text is None else str(text),
        None if sender is None else str(sender),
    )


def _float(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0
