"""The SQLite store's schema, and the checks and migration made when a database file is opened."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mockgateway.domain.errors import ConfigError
from mockgateway.storage import sqlite_rows as rows

#: 2 added the state tables (opt-outs, callback targets, grants) and the messages' revision column; a version-1
#: file is migrated when opened.
SCHEMA_VERSION = 2

#: Which providers an account's ACKs came through, in two index lookups (``sqlite_sql.settle_provider``); made
#: when a file of an earlier release without it is opened.
_PROVIDER_INDEX = "CREATE INDEX IF NOT EXISTS notifications_provider ON notifications (account, provider)"

# ``kept_from`` is when an item's retention started (see ``Store``); ``seq`` keeps the arrival order.
_TABLES = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE messages ({", ".join(rows.MESSAGE_COLUMNS)}, kept_from REAL NOT NULL, PRIMARY KEY (id));
CREATE INDEX messages_kept ON messages (kept_from);
CREATE INDEX messages_destination ON messages (account, destination);
CREATE TABLE notifications (seq INTEGER PRIMARY KEY, {", ".join(rows.NOTIFICATION_COLUMNS)}, minute INTEGER NOT NULL,
  kept_from REAL NOT NULL);
CREATE UNIQUE INDEX notifications_id ON notifications (id);
CREATE INDEX notifications_window ON notifications (account, created_at);
CREATE INDEX notifications_status ON notifications (account, status, created_at);
CREATE INDEX notifications_part ON notifications (part_id);
CREATE INDEX notifications_message ON notifications (message_id);
CREATE INDEX notifications_kept ON notifications (kept_from);
{_PROVIDER_INDEX};
CREATE TABLE mos (seq INTEGER PRIMARY KEY, {", ".join(rows.MO_COLUMNS)}, kept_from REAL NOT NULL);
CREATE UNIQUE INDEX mos_id ON mos (id);
CREATE INDEX mos_window ON mos (account, received_at);
CREATE INDEX mos_kept ON mos (kept_from);
CREATE TABLE deliveries (seq INTEGER PRIMARY KEY, {", ".join(rows.DELIVERY_COLUMNS)});
CREATE UNIQUE INDEX deliveries_id ON deliveries (id);
CREATE INDEX deliveries_state ON deliveries (state);
CREATE INDEX deliveries_message ON deliveries (message_id);
CREATE INDEX deliveries_kept ON deliveries (kept_from);
CREATE TABLE jobs ({", ".join(rows.JOB_COLUMNS)}, PRIMARY KEY (key));
CREATE INDEX jobs_message ON jobs (message_id);
CREATE TABLE ack_minutes (account TEXT NOT NULL, minute INTEGER NOT NULL, status TEXT NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY (account, minute, status)) WITHOUT ROWID;
"""
# ``meta`` also keeps the gateway clock's position (``clock``).
# ``callback_targets.seq`` keeps the order overrides were saved in; ``provider`` is '' for account-wide ones.
_STATE_TABLES = f"""
CREATE TABLE opt_outs ({", ".join(rows.OPT_OUT_COLUMNS)}, PRIMARY KEY (account, number));
CREATE TABLE callback_targets (seq INTEGER PRIMARY KEY, {", ".join(rows.TARGET_COLUMNS)});
CREATE UNIQUE INDEX callback_targets_key ON callback_targets (account, provider);
CREATE TABLE grants ({", ".join(rows.GRANT_COLUMNS)}, kept_until REAL NOT NULL, PRIMARY KEY (access_token));
CREATE INDEX grants_kept ON grants (kept_until);
"""
#: Keep ``ack_minutes`` (ACKs per account, minute and status) in step with ``notifications``.
TALLY_TRIGGERS = (
    "CREATE TRIGGER ack_minutes_add AFTER INSERT ON notifications BEGIN "
    "INSERT INTO ack_minutes VALUES (new.account, new.minute, new.status, 1) "
    "ON CONFLICT (account, minute, status) DO UPDATE SET n = n + 1; END",
    "CREATE TRIGGER ack_minutes_remove AFTER DELETE ON notifications BEGIN "
    "UPDATE ack_minutes SET n = n - 1 WHERE account = old.account AND minute = old.minute AND status = old.status; "
    "END",
)

_OWN_TABLES = frozenset({"schema_version", *re.findall(r"CREATE TABLE (\w+)", _TABLES + _STATE_TABLES)})


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction (the connection runs in autocommit mode otherwise)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def connect(path: Path) -> tuple[sqlite3.Connection, int]:
    """Open (or create) the store at ``path``, migrating a file of an older schema version; returns the connection
    and how often it was opened before.

    Every problem with the file raises ``ConfigError`` naming it.
    """
    db: sqlite3.Connection | None = None
    try:
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.create_function("contains_ci", 2, _contains_ci, deterministic=True)
        _check_schema(db, path)
        return db, _next_generation(db)
    except BaseException as error:
        if db is not None:
            db.close()
        if not isinstance(error, sqlite3.Error | OSError):
            raise
        raise ConfigError(f"{path}: cannot use this file as the SQLite store: {error}") from error


def _check_schema(db: sqlite3.Connection, path: Path) -> None:
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables:
        with transaction(db):
            db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
            db.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION,))
            _execute_all(db, _TABLES + _STATE_TABLES)
            for trigger in TALLY_TRIGGERS:
                db.execute(trigger)
        return
    if "schema_version" not in tables:
        raise ConfigError(f"{path}: is an SQLite database but not a mockgateway store (no schema_version table)")
    (version,) = db.execute("SELECT max(version) FROM schema_version").fetchone()  # an aggregate: always one row
    if version == 1:
        _migrate_from_1(db)
        version = SCHEMA_VERSION
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if version != SCHEMA_VERSION:
        raise ConfigError(
            f"{path}: holds a mockgateway store of schema version {version}; this version reads {SCHEMA_VERSION}"
        )
    missing = _OWN_TABLES - tables
    if missing:
        raise ConfigError(f"{path}: the mockgateway store lacks tables {', '.join(sorted(missing))}")
    db.execute(_PROVIDER_INDEX)
    problem = db.execute("PRAGMA quick_check(1)").fetchone()
    if problem is None or problem[0] != "ok":
        raise ConfigError(f"{path}: the SQLite store is damaged: {problem[0] if problem else 'no answer'}")


def _next_generation(db: sqlite3.Connection) -> int:
    with transaction(db):
        row = db.execute("SELECT value FROM meta WHERE key = 'opened'").fetchone()
        opened = int(row[0]) if row else 0
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('opened', ?)", (opened + 1,))
    return opened


def _migrate_from_1(db: sqlite3.Connection) -> None:
    """Version 1 had no state tables and no message revision, and kept its compound columns as JSON arrays of
    field values; version 2 keeps them as JSON objects named by field, as msgspec writes the structs. One
    transaction: every step lands, or none."""
    with transaction(db):
        _execute_all(db, _STATE_TABLES)
        db.execute("ALTER TABLE messages ADD COLUMN revision INTEGER NOT NULL DEFAULT 0")
        _rewrite(db, "messages", "callbacks", _targets)
        _rewrite(db, "deliveries", "oauth2", _oauth2)
        _rewrite(db, "deliveries", "attempts", _attempts)
        db.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION,))


def _rewrite(db: sqlite3.Connection, table: str, column: str, convert: Callable[[list[Any]], object]) -> None:
    found = db.execute(f"SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL").fetchall()
    for row_id, raw in found:
        db.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?", (json.dumps(convert(json.loads(raw))), row_id))


def _oauth2(fields: list[object]) -> dict[str, object]:
    return dict(zip(("client_id", "client_secret", "token_url"), fields, strict=True))


def _targets(targets: list[list[object]]) -> list[dict[str, object]]:
    return [{"url": url, "oauth2": _oauth2(oauth2) if oauth2 else None} for url, *oauth2 in targets]


def _attempts(attempts: list[list[object]]) -> list[dict[str, object]]:
    return [dict(zip(("at", "status", "latency_ms", "error"), attempt, strict=True)) for attempt in attempts]


def _execute_all(db: sqlite3.Connection, statements: str) -> None:
    for statement in statements.strip().split(";"):
        if statement.strip():
            db.execute(statement)


def _contains_ci(text: object, needle: object) -> bool:
    return str(needle).lower() in str(text or "").lower()
