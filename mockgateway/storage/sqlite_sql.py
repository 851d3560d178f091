"""The SQLite store's statements; each function runs on the store's thread with its connection."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from mockgateway.domain.model import Delivery, Message, MoMessage, Notification
from mockgateway.domain.queries import EventQuery, MessageQuery
from mockgateway.storage import sqlite_pages as pages
from mockgateway.storage import sqlite_rows as rows
from mockgateway.storage.deliveries import kept_from
from mockgateway.storage.events import settle_provider as settle_provider_of
from mockgateway.storage.events import status_values
from mockgateway.storage.sqlite_schema import TALLY_TRIGGERS, transaction

Db = sqlite3.Connection
Args = list[Any]

_MESSAGES = ", ".join(rows.MESSAGE_COLUMNS)
MESSAGE_BY_ID = f"SELECT {_MESSAGES} FROM messages WHERE id = ?"
_UPSERT_MESSAGE = (
    rows.insert("messages", (*rows.MESSAGE_COLUMNS, "kept_from"))
    + " ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in rows.MESSAGE_COLUMNS[1:])
    + ", kept_from = max(kept_from, excluded.kept_from)"
)
_REPLACE_MESSAGE = (
    "UPDATE messages SET "
    + ", ".join(f"{c} = ?" for c in rows.MESSAGE_COLUMNS[1:])
    + ", kept_from = max(kept_from, ?) WHERE id = ? AND revision = ?"
)
INSERT_NOTIFICATION = rows.insert("notifications", (*rows.NOTIFICATION_COLUMNS, "minute", "kept_from"))
_INSERT_MO = rows.insert("mos", (*rows.MO_COLUMNS, "kept_from"))
DELIVERY_BY_ID = f"SELECT {', '.join(rows.DELIVERY_COLUMNS)} FROM deliveries WHERE id = ?"
_UPSERT_DELIVERY = (
    rows.insert("deliveries", rows.DELIVERY_COLUMNS)
    + " ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in rows.DELIVERY_COLUMNS[1:])
)
INSERT_JOB = rows.insert("jobs", rows.JOB_COLUMNS, "INSERT OR REPLACE")
ALL_JOBS = f"SELECT {', '.join(rows.JOB_COLUMNS)} FROM jobs ORDER BY due_at, rowid"
#: Raises a ``meta`` value (the highest numeric id, the clock), never lowers it.
RAISE_META = (
    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value)"
)
#: Per event table: the column of the time window and the columns a row is read from.
_EVENTS = {
    "notifications": ("created_at", ", ".join(rows.NOTIFICATION_COLUMNS)),
    "mos": ("received_at", ", ".join(rows.MO_COLUMNS)),
}


def all_rows(db: Db, statement: str, args: Sequence[Any]) -> list[Any]:
    return db.execute(statement, args).fetchall()


def many(db: Db, statement: str, records: list[rows.Row]) -> None:
    with transaction(db):
        db.executemany(statement, records)


def notification_values(n: Notification) -> tuple[Any, ...]:
    """What ``INSERT_NOTIFICATION`` takes for a notification."""
    return (*rows.notification_row(n), pages.minute_of(n.created_at), n.created_at)


def insert_notification(db: Db, n: Notification) -> None:
    db.execute(INSERT_NOTIFICATION, notification_values(n))


def last_numeric_id(db: Db) -> int | None:
    row = db.execute("SELECT value FROM meta WHERE key = 'numeric_high'").fetchone()
    return None if row is None else int(row[0])


# -- messages -------------------------------------------------------------------------------------
def _message_kept_from(m: Message) -> float:
    return max(m.created_at, m.status_at or 0.0)


def upsert_messages(db: Db, messages: list[Message], high: int | None) -> None:
    with transaction(db):
        db.executemany(_UPSERT_MESSAGE, [(*rows.message_row(m), _message_kept_from(m)) for m in messages])
        if high is not None:
            db.execute(RAISE_META, ("numeric_high", high))


def replace_message(db: Db, current: Message, updated: Message) -> bool:
    columns = rows.message_row(updated)[1:]
    args = (*columns, _message_kept_from(updated), current.id, current.revision)
    with transaction(db):
        return db.execute(_REPLACE_MESSAGE, args).rowcount == 1


def get_message(db: Db, message_id: str) -> Message | None:
    row = db.execute(MESSAGE_BY_ID, (message_id,)).fetchone()
    return None if row is None else rows.row_message(row)


def _message_where(q: MessageQuery | None) -> tuple[str, Args]:
    if q is None:
        return "", []
    return rows.where_clause(
        (
            ("id = ?", q.id),
            ("account = ?", q.account),
            ("origin = ?", q.origin),
            ("provider = ?", q.provider),
            ("destination = ?", None if q.destination is None else q.destination.lstrip("+")),
            ("contains_ci(text, ?)", q.text),
        )
    )


COUNT_MESSAGES = "SELECT count(*) FROM messages WHERE account = ?"  # the (account, destination) index


def list_messages(db: Db, q: MessageQuery) -> tuple[list[Message], int]:
    where, args = _message_where(q)
    total = db.execute(f"SELECT count(*) FROM messages{where}", args).fetchone()[0]
    statement = f"SELECT {_MESSAGES} FROM messages{where} ORDER BY rowid DESC LIMIT ? OFFSET ?"
    found = db.execute(statement, [*args, q.limit, q.offset]).fetchall()
    return [rows.row_message(row) for row in found], int(total)


def delete_messages(db: Db, q: MessageQuery | None) -> int:
    where, args = _message_where(q)
    with transaction(db):
        return db.execute(f"DELETE FROM messages{where}", args).rowcount


# -- notifications and MOs ------------------------------------------------------------------------
def _event_where(table: str, q: EventQuery) -> tuple[str, Args]:
    if table == "notifications":
        # With an order or a message given, the unary + keeps SQLite off the (account, time) index: the
        # order's own index finds a handful of rows where the account's would scan all of them.
        narrow = q.part_id is not None or q.message_id is not None
        statuses = status_values(q.status)
        own: tuple[tuple[str, Any], ...] = (
            ("+account = ?" if narrow else "account = ?", q.account),
            ("provider = ?", q.provider),
            ("message_id = ?", q.message_id),
            ("part_id = ?", q.part_id),
            (f"status IN ({', '.join('?' * len(statuses or ()))})", None if statuses is None else sorted(statuses)),
        )
    else:
        own = (
            ("account = ?", q.account),
            ("provider = ?", q.provider),
            ("in_reply_to = ?", q.message_id),
            ("sender = ?", None if q.phone is None else q.phone.lstrip("+")),
            ("contains_ci(text, ?)", q.keyword),
        )
    time = _EVENTS[table][0]
    return rows.where_clause((*own, (f"{time} >= ?", q.since), (f"{time} <= ?", q.until)))


def settle_provider(db: Db, q: EventQuery) -> EventQuery | None:
    """``events.settle_provider`` for an account's ACKs, from the lowest and highest provider they came through."""
    if q.provider is None or q.account is None:
        return q
    statement = "SELECT {}(provider) FROM notifications WHERE account = ?"  # one index lookup each
    lowest = db.execute(statement.format("min"), (q.account,)).fetchone()[0]
    highest = db.execute(statement.format("max"), (q.account,)).fetchone()[0]
    if lowest != highest:
        return q  # several: each row is checked
    return settle_provider_of(q, () if lowest is None else (lowest,))


def select_events(db: Db, table: str, q: EventQuery) -> list[rows.Row]:
    time, columns = _EVENTS[table]
    where, args = _event_where(table, q)
    statement = f"SELECT {columns} FROM {table}{where} ORDER BY {time}, seq LIMIT ? OFFSET ?"
    return db.execute(statement, [*args, q.limit, q.offset]).fetchall()


def count_events(db: Db, table: str, q: EventQuery) -> int:
    where, args = _event_where(table, q)
    return int(db.execute(f"SELECT count(*) FROM {table}{where}", args).fetchone()[0])


def list_notifications(db: Db, q: EventQuery) -> list[Notification]:
    settled = settle_provider(db, q)
    if settled is None:
        return []
    found = pages.page(db, settled) if pages.applies(settled) else select_events(db, "notifications", settled)
    return [rows.row_notification(row) for row in found]


def count_notifications(db: Db, q: EventQuery) -> int:
    settled = settle_provider(db, q)
    if settled is None:
        return 0
    return pages.count(db, settled) if pages.applies(settled) else count_events(db, "notifications", settled)


def list_mos(db: Db, q: EventQuery) -> list[MoMessage]:
    return [rows.row_mo(row) for row in select_events(db, "mos", q)]


def insert_mo(db: Db, mo: MoMessage) -> None:
    with transaction(db):
        _insert_mo(db, mo)


def _insert_mo(db: Db, mo: MoMessage) -> None:
    db.execute(_INSERT_MO, (*rows.mo_row(mo), mo.received_at))
    if mo.id.isdigit():
        db.execute(RAISE_META, ("numeric_high", int(mo.id)))


def insert_reply(db: Db, mo: MoMessage, deliveries: Sequence[Delivery], job_key: str) -> None:
    """A reply's MO and its PENDING deliveries, its job forgotten, in one transaction."""
    with transaction(db):
        db.executemany(_UPSERT_DELIVERY, [rows.delivery_row(delivery, None) for delivery in deliveries])
        _insert_mo(db, mo)
        db.execute("DELETE FROM jobs WHERE key = ?", (job_key,))


# -- callback deliveries --------------------------------------------------------------------------
def save_delivery(db: Db, delivery: Delivery) -> None:
    kept = kept_from(delivery)
    with transaction(db):
        db.execute(_UPSERT_DELIVERY, rows.delivery_row(delivery, kept))
        if kept is None:
            return
        table = "notifications" if delivery.kind == "status" else "mos"
        db.execute(f"UPDATE {table} SET kept_from = max(kept_from, ?) WHERE id = ?", (kept, delivery.subject_id))
        if delivery.message_id is not None:
            statement = "UPDATE messages SET kept_from = max(kept_from, ?) WHERE id = ?"
            db.execute(statement, (kept, delivery.message_id))


def get_delivery(db: Db, delivery_id: str) -> Delivery | None:
    row = db.execute(DELIVERY_BY_ID, (delivery_id,)).fetchone()
    return None if row is None else rows.row_delivery(row)


def list_deliveries(db: Db, q: EventQuery) -> list[Delivery]:
    where, args = rows.where_clause(
        (
            ("account = ?", q.account),
            ("message_id = ?", q.message_id),
            ("kind = ?", q.kind),
            ("state = ?", None if q.status is None else q.status.upper()),
        )
    )
    statement = f"SELECT {', '.join(rows.DELIVERY_COLUMNS)} FROM deliveries{where} ORDER BY seq DESC LIMIT ? OFFSET ?"
    return [rows.row_delivery(row) for row in db.execute(statement, [*args, q.limit, q.offset]).fetchall()]


# -- retention and reset --------------------------------------------------------------------------
_PURGES = (
    "DELETE FROM notifications WHERE seq IN (SELECT seq FROM notifications WHERE kept_from <= ? LIMIT ?)",
    "DELETE FROM mos WHERE seq IN (SELECT seq FROM mos WHERE kept_from <= ? LIMIT ?)",
    "DELETE FROM messages WHERE rowid IN (SELECT m.rowid FROM messages m WHERE m.kept_from <= ? "
    "AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.message_id = m.id) LIMIT ?)",
    "DELETE FROM deliveries WHERE seq IN (SELECT seq FROM deliveries WHERE kept_from <= ? LIMIT ?)",
)


def purge(db: Db, older_than: float, limit: int) -> int:
    removed = 0
    with transaction(db):
        for statement in _PURGES:
            if removed >= limit:
                break
            removed += db.execute(statement, (older_than, limit - removed)).rowcount
        if removed:
            db.execute("DELETE FROM ack_minutes WHERE n <= 0 AND minute <= ?", (pages.minute_of(older_than),))
    return removed


def clear(db: Db) -> None:
    with transaction(db):
        # Without its triggers SQLite empties a table at once instead of row by row.
        db.execute("DROP TRIGGER ack_minutes_add")
        db.execute("DROP TRIGGER ack_minutes_remove")
        for table in ("notifications", "ack_minutes", "mos", "messages", "deliveries", "jobs"):
            db.execute(f"DELETE FROM {table}")
        for trigger in TALLY_TRIGGERS:
            db.execute(trigger)
