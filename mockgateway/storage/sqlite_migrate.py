"""Bringing a store file of schema version 1 up to date, once, when it is opened.

Version 1 had no state tables and no message revision, and kept its compound columns as JSON arrays of field
values; version 2 keeps them as JSON objects named by field, as msgspec writes the structs.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable


def migrate_from_1(db: sqlite3.Connection, state_tables: Callable[[sqlite3.Connection], None]) -> None:
    """Run inside the caller's transaction: every step lands, or none."""
    state_tables(db)
    db.execute("ALTER TABLE messages ADD COLUMN revision INTEGER NOT NULL DEFAULT 0")
    _rewrite(db, "messages", "id", "callbacks", _targets)
    _rewrite(db, "deliveries", "id", "oauth2", _oauth2)
    _rewrite(db, "deliveries", "id", "attempts", _attempts)


def _rewrite(
    db: sqlite3.Connection, table: str, key: str, column: str, convert: Callable[[list[object]], object]
) -> None:
    rows = db.execute(f"SELECT {key}, {column} FROM {table} WHERE {column} IS NOT NULL").fetchall()
    for row_key, raw in rows:
        db.execute(f"UPDATE {table} SET {column} = ? WHERE {key} = ?", (json.dumps(convert(json.loads(raw))), row_key))


def _oauth2(fields: list[object]) -> dict[str, object]:
    client_id, client_secret, token_url = fields
    return {"client_id": client_id, "client_secret": client_secret, "token_url": token_url}


def _targets(targets: list[object]) -> list[dict[str, object]]:
    converted = []
    for target in targets:
        assert isinstance(target, list)
        url, *oauth2 = target
        converted.append({"url": url, "oauth2": _oauth2(oauth2) if oauth2 else None})
    return converted


def _attempts(attempts: list[object]) -> list[dict[str, object]]:
    converted = []
    for attempt in attempts:
        assert isinstance(attempt, list)
        at, status, latency_ms, error = attempt
        converted.append({"at": at, "status": status, "latency_ms": latency_ms, "error": error})
    return converted
