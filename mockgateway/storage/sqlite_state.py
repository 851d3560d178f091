"""The state port on SQLite: writes are queued on the store's thread, in order with its other statements."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from mockgateway.domain.state import Grant, OptOut, TargetOverride
from mockgateway.storage import sqlite_rows as rows
from mockgateway.storage.clock_writes import LatestPosition
from mockgateway.storage.one_process import ProcessTallies
from mockgateway.storage.sqlite_sql import RAISE_META, all_rows

if TYPE_CHECKING:
    from mockgateway.service.state_ports import StatePort

Db = sqlite3.Connection
#: Queue ``fn(connection, *args)`` on the store's thread now; the future tells when it ran.
Submit = Callable[..., "Future[Any]"]
#: Run ``fn(connection, *args)`` on the store's thread and wait for its result.
Call = Callable[..., Awaitable[Any]]

_log = logging.getLogger(__name__)

_INSERT_OPT_OUT = rows.insert("opt_outs", rows.OPT_OUT_COLUMNS) + " ON CONFLICT (account, number) DO NOTHING"
_UPSERT_TARGETS = rows.insert("callback_targets", rows.TARGET_COLUMNS, "INSERT OR REPLACE")  # a new seq
_UPSERT_GRANT = rows.insert("grants", (*rows.GRANT_COLUMNS, "kept_until"), "INSERT OR REPLACE")


class SqliteState(ProcessTallies):
    def __init__(self, submit: Submit, call: Call) -> None:
        super().__init__()
        self._submit = submit
        self._call = call
        self._clock = LatestPosition()

    # -- opt-outs ---------------------------------------------------------------------------------------
    def add_opt_out(self, opt_out: OptOut) -> None:
        self._write(Db.execute, _INSERT_OPT_OUT, rows.opt_out_to_row(opt_out))

    def remove_opt_out(self, account: str, number: str) -> None:
        self._write(Db.execute, "DELETE FROM opt_outs WHERE account = ? AND number = ?", (account, number))

    def clear_opt_outs(self) -> None:
        self._write(Db.execute, "DELETE FROM opt_outs", ())

    async def load_opt_outs(self) -> list[OptOut]:
        statement = f"SELECT {', '.join(rows.OPT_OUT_COLUMNS)} FROM opt_outs ORDER BY at, rowid"
        found = await self._call(all_rows, statement, ())
        return [rows.row_to_opt_out(row) for row in found]

    # -- callback targets -------------------------------------------------------------------------------
    def save_targets(self, override: TargetOverride) -> None:
        self._write(Db.execute, _UPSERT_TARGETS, rows.override_to_row(override))

    def forget_targets(self, account: str) -> None:
        self._write(Db.execute, "DELETE FROM callback_targets WHERE account = ?", (account,))

    async def load_targets(self) -> list[TargetOverride]:
        statement = f"SELECT {', '.join(rows.TARGET_COLUMNS)} FROM callback_targets ORDER BY seq"
        found = await self._call(all_rows, statement, ())
        return [rows.row_to_override(row) for row in found]

    # -- grants -----------------------------------------------------------------------------------------
    def save_grant(self, grant: Grant) -> None:
        self._write(Db.execute, _UPSERT_GRANT, (*rows.grant_to_row(grant), grant.kept_until()))

    def sweep_grants(self, now: float) -> None:
        self._write(Db.execute, "DELETE FROM grants WHERE kept_until <= ?", (now,))

    async def load_grants(self, now: float) -> list[Grant]:
        statement = f"SELECT {', '.join(rows.GRANT_COLUMNS)} FROM grants WHERE kept_until > ? ORDER BY issued_at, rowid"
        found = await self._call(all_rows, statement, (now,))
        return [rows.row_to_grant(row) for row in found]

    # -- the clock --------------------------------------------------------------------------------------
    def save_clock(self, at: float) -> None:
        if self._clock.moved(at):
            self._write(self._write_clock)

    def _write_clock(self, db: Db) -> None:
        at = self._clock.to_write()
        if at is not None:
            db.execute(RAISE_META, ("clock", at))  # never backwards

    async def load_clock(self) -> float | None:
        found = await self._call(all_rows, "SELECT value FROM meta WHERE key = 'clock'", ())
        return float(found[0][0]) if found else None

    async def flush(self) -> None:
        await self._call(_nothing)

    def _write(self, fn: Callable[..., object], *args: Any) -> None:
        """Queue ``fn(connection, *args)``, such as ``Db.execute`` of one statement (its own transaction)."""
        self._submit(fn, *args).add_done_callback(_report_failure)


def _nothing(_db: Db) -> None:
    return None


def _report_failure(done: Future[Any]) -> None:
    error = done.exception()
    if error is not None:
        _log.error("the SQLite store could not keep a state change: %s", error, exc_info=error)


if TYPE_CHECKING:

    def _is_a_state_port(state: SqliteState) -> StatePort:
        return state  # mypy proves the class fits the port
