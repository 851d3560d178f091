"""Counting and paging one account's ACKs over a long window without walking every row.

``ack_minutes`` (kept by triggers) tallies ACKs per account, minute and status. A count takes the whole
minutes of the window from the tally and counts only the two partial minutes at its ends row by row. A page
far into the window starts at the minute holding its first row, so its OFFSET skips less than a minute of
rows. Minute ``m`` holds exactly the times ``60m <= t < 60(m+1)`` (``int(t // 60)``, exact in floating point).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from mockgateway.domain.queries import EventQuery
from mockgateway.storage.events import status_values
from mockgateway.storage.sqlite_rows import NOTIFICATION_COLUMNS, Row, where_clause

MINUTE = 60
_COLUMNS = ", ".join(NOTIFICATION_COLUMNS)


def minute_of(epoch: float) -> int:
    return int(epoch // MINUTE)


def applies(q: EventQuery) -> bool:
    """Only a window over one account's ACKs (optionally by status) spans enough minutes to need this."""
    if q.account is None or q.part_id is not None or q.message_id is not None or q.provider is not None:
        return False
    return q.since is None or q.until is None or minute_of(q.until) - minute_of(q.since) >= 2


class _Window:
    def __init__(self, q: EventQuery) -> None:
        statuses = status_values(q.status)
        self.q = q
        self.lo = None if q.since is None else minute_of(q.since)
        self.hi = None if q.until is None else minute_of(q.until)
        self.status_sql = "" if statuses is None else f" AND status IN ({', '.join('?' * len(statuses))})"
        self.status_args: list[Any] = sorted(statuses or ())

    def _tally(self, db: sqlite3.Connection, select: str, tail: str = "") -> list[Any]:
        where, args = where_clause((("account = ?", self.q.account), ("minute > ?", self.lo), ("minute < ?", self.hi)))
        statement = f"SELECT {select} FROM ack_minutes{where}{self.status_sql}{tail}"
        return db.execute(statement, [*args, *self.status_args]).fetchall()

    def _rows_between(self, db: sqlite3.Connection, start: float, end: float, *, end_included: bool) -> int:
        statement = (
            f"SELECT count(*) FROM notifications WHERE account = ?{self.status_sql} "
            f"AND created_at >= ? AND created_at {'<=' if end_included else '<'} ?"
        )
        return int(db.execute(statement, [self.q.account, *self.status_args, start, end]).fetchone()[0])

    def lower_edge(self, db: sqlite3.Connection) -> int:
        if self.lo is None or self.q.since is None:
            return 0
        return self._rows_between(db, self.q.since, (self.lo + 1) * MINUTE, end_included=False)

    def upper_edge(self, db: sqlite3.Connection) -> int:
        if self.hi is None or self.q.until is None:
            return 0
        return self._rows_between(db, self.hi * MINUTE, self.q.until, end_included=True)

    def middle(self, db: sqlite3.Connection) -> int:
        return int(self._tally(db, "coalesce(sum(n), 0)")[0][0])

    def minutes(self, db: sqlite3.Connection) -> list[tuple[int, int]]:
        return [(int(m), int(n)) for m, n in self._tally(db, "minute, sum(n)", " GROUP BY minute ORDER BY minute")]


def count(db: sqlite3.Connection, q: EventQuery) -> int:
    window = _Window(q)
    return window.lower_edge(db) + window.middle(db) + window.upper_edge(db)


def page(db: sqlite3.Connection, q: EventQuery) -> list[Row]:
    window = _Window(q)
    start, skip = q.since, q.offset
    below = window.lower_edge(db)
    if q.offset >= below:
        start, skip = _page_start(window, db, q.offset, below)
        if start is None:
            return []
    where, args = where_clause((("account = ?", q.account), ("created_at >= ?", start), ("created_at <= ?", q.until)))
    statement = (
        f"SELECT {_COLUMNS} FROM notifications{where}{window.status_sql} ORDER BY created_at, seq LIMIT ? OFFSET ?"
    )
    return db.execute(statement, [*args, *window.status_args, q.limit, skip]).fetchall()


def _page_start(window: _Window, db: sqlite3.Connection, offset: int, position: int) -> tuple[float | None, int]:
    """Where the row at ``offset`` lies: the start of its minute and how many rows of the minute come before."""
    for minute, n in window.minutes(db):
        if n > 0 and position + n > offset:
            return float(minute * MINUTE), offset - position
        position += max(n, 0)
    if window.hi is None:
        return None, 0  # past every row
    return float(window.hi * MINUTE), offset - position
