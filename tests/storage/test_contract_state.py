"""The state port of every store: opt-outs, runtime callback targets, token grants and the clock position.

Each store answers the same calls; the SQLite store also gives everything back after its file is reopened.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path

from mockgateway.domain.model import CallbackTarget, DeliveryState
from mockgateway.domain.state import Grant, OptOut, OptOutVia, TargetOverride
from mockgateway.service.ports import Store
from mockgateway.storage.sqlite import SqliteStore
from mockgateway.storage.sqlite_schema import SCHEMA_VERSION
from tests.conftest import T0
from tests.storage.factories import HOUR, OAUTH, delivery, message

STOP = OptOut(account="demo", number="447700900001", at=T0, via=OptOutVia.MO)
ADDED = OptOut(account="demo", number="447700900002", at=T0 + 5, via=OptOutVia.API)
ELSEWHERE = OptOut(account="other", number="447700900001", at=T0 + 1)
WIDE = TargetOverride(
    account="demo", provider=None, status=CallbackTarget(url="http://127.0.0.1:9/acks", oauth2=OAUTH), mo=None
)
MOBIVATE = TargetOverride(
    account="demo",
    provider="mobivate",
    status=CallbackTarget(url="http://127.0.0.1:9/receipts"),
    mo=CallbackTarget(url="http://127.0.0.1:9/incoming"),
)


def grant(access: str, *, at: float = T0, access_ttl: float = HOUR, refresh_ttl: float = 2 * HOUR) -> Grant:
    return Grant(
        account="demo",
        access_token=access,
        refresh_token=f"refresh-{access}",
        issued_at=at,
        expires_at=at + access_ttl,
        refresh_expires_at=at + refresh_ttl,
        scope="livelink:api",
        client="demo-app-key",
    )


async def test_opt_outs_come_back_oldest_first(store: Store) -> None:
    state = store.state
    for opt_out in (ADDED, ELSEWHERE, STOP):
        state.add_opt_out(opt_out)
    await state.flush()
    assert await state.load_opt_outs() == [STOP, ELSEWHERE, ADDED]


async def test_an_opt_out_kept_stays_as_it_was(store: Store) -> None:
    store.state.add_opt_out(STOP)
    store.state.add_opt_out(OptOut(account="demo", number=STOP.number, at=T0 + 60, via=OptOutVia.API))
    assert await store.state.load_opt_outs() == [STOP]


async def test_opt_outs_are_removed_one_by_one_or_all_at_once(store: Store) -> None:
    state = store.state
    for opt_out in (STOP, ADDED, ELSEWHERE):
        state.add_opt_out(opt_out)
    state.remove_opt_out("demo", STOP.number)
    state.remove_opt_out("demo", "447700900099")  # not kept: nothing happens
    assert await state.load_opt_outs() == [ELSEWHERE, ADDED]
    state.clear_opt_outs()
    assert await state.load_opt_outs() == []


async def test_callback_targets_are_replaced_per_account_and_provider(store: Store) -> None:
    state = store.state
    state.save_targets(WIDE)
    state.save_targets(MOBIVATE)
    changed = TargetOverride(account="demo", provider=None, status=None, mo=CallbackTarget(url="http://h/mo"))
    state.save_targets(changed)
    state.save_targets(TargetOverride(account="other", provider=None, status=None, mo=None))
    assert await state.load_targets() == [
        MOBIVATE,
        changed,
        TargetOverride(account="other", provider=None, status=None, mo=None),
    ]
    state.forget_targets("demo")
    assert await state.load_targets() == [TargetOverride(account="other", provider=None, status=None, mo=None)]


async def test_grants_are_kept_until_both_tokens_expire(store: Store) -> None:
    state = store.state
    short = grant("short", access_ttl=60, refresh_ttl=60)
    refreshable = grant("refreshable", access_ttl=60, refresh_ttl=HOUR)
    state.save_grant(short)
    state.save_grant(refreshable)
    assert await state.load_grants(T0 + 30) == [short, refreshable]
    assert await state.load_grants(T0 + 60) == [refreshable]  # the access token too is expired at its instant
    state.sweep_grants(T0 + 60)
    assert await state.load_grants(T0) == [refreshable]
    assert await state.load_grants(T0 + HOUR) == []


async def test_a_grant_saved_again_replaces_the_one_of_its_access_token(store: Store) -> None:
    kept = grant("a")
    store.state.save_grant(kept)
    spent = replace(kept, refresh_spent=True)
    store.state.save_grant(spent)
    assert await store.state.load_grants(T0) == [spent]


async def test_the_clock_position_only_moves_forward(store: Store) -> None:
    state = store.state
    assert await state.load_clock() is None
    state.save_clock(T0 + 10)
    state.save_clock(T0 + 20.5)
    state.save_clock(T0 + 15)  # a late, earlier position does not move it back
    await state.flush()
    assert await state.load_clock() == T0 + 20.5


async def test_a_reopened_sqlite_store_gives_the_state_back(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    first = SqliteStore(path)
    await first.open()
    kept = grant("kept")
    first.state.add_opt_out(STOP)
    first.state.add_opt_out(ADDED)
    first.state.save_targets(WIDE)
    first.state.save_targets(MOBIVATE)
    first.state.save_grant(kept)
    first.state.save_grant(grant("expired", at=T0 - 3 * HOUR))
    first.state.save_clock(T0 + 42.25)
    await first.close()  # no flush: closing keeps every write made before it

    second = SqliteStore(path)
    await second.open()
    try:
        assert await second.state.load_opt_outs() == [STOP, ADDED]
        assert await second.state.load_targets() == [WIDE, MOBIVATE]
        assert await second.state.load_grants(T0) == [kept]
        assert await second.state.load_clock() == T0 + 42.25
    finally:
        await second.close()


async def test_a_store_of_schema_version_1_is_migrated_and_keeps_what_it_had(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    first = SqliteStore(path)
    await first.open()
    await first.add_messages([message()])
    done = delivery("d1", state=DeliveryState.DELIVERED, delivered=5.0)
    await first.save_delivery(done)
    await first.close()
    _as_version_1(path)

    second = SqliteStore(path)
    await second.open()
    try:
        assert await second.get_message("1000000001") == message()
        assert await second.get_delivery("d1") == done
        second.state.add_opt_out(STOP)
        assert await second.state.load_opt_outs() == [STOP]
    finally:
        await second.close()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
    db.close()


def _as_version_1(path: Path) -> None:
    """The file as version 1 wrote it: no state tables, no message revision, compound columns as JSON arrays."""
    with sqlite3.connect(path) as db:
        for table in ("opt_outs", "callback_targets", "grants"):
            db.execute(f"DROP TABLE {table}")
        db.execute("ALTER TABLE messages DROP COLUMN revision")
        for key, raw in db.execute("SELECT id, callbacks FROM messages").fetchall():
            targets = [[t["url"], *(t["oauth2"].values() if t["oauth2"] else ())] for t in json.loads(raw)]
            db.execute("UPDATE messages SET callbacks = ? WHERE id = ?", (json.dumps(targets), key))
        for key, oauth2, attempts in db.execute("SELECT id, oauth2, attempts FROM deliveries").fetchall():
            arrays = [list(attempt.values()) for attempt in json.loads(attempts)]
            row = (json.dumps(list(json.loads(oauth2).values())), json.dumps(arrays), key)
            db.execute("UPDATE deliveries SET oauth2 = ?, attempts = ? WHERE id = ?", row)
        db.execute("UPDATE schema_version SET version = 1")
    db.close()
