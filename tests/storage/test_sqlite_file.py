"""The SQLite store on disk: everything survives a restart, and a file it cannot use stops start-up clearly."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from mockgateway.domain.errors import ConfigError
from mockgateway.domain.job import Job
from mockgateway.domain.model import DeliveryState, MessageStatus
from mockgateway.domain.queries import EventQuery, MessageQuery
from mockgateway.storage.sqlite import SqliteStore
from tests.conftest import T0
from tests.storage.factories import delivery, message, mo, notification


async def test_a_reopened_store_has_everything_it_had(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    first = SqliteStore(path)
    await first.open()
    sent = message("1000000001", parts=2)
    ack = notification("n1", status=MessageStatus.FAILED, code="DB62")
    reply = mo("1000000005")
    waiting = delivery("d1")
    job = Job(message_id="1000000001", step=0, due_at=T0 + 60, text="hi", sender="447700900001")
    await first.add_messages([sent])
    await first.add_notification(ack)
    await first.add_mo(reply)
    await first.save_delivery(waiting)
    await first.journal().save([job])
    await first.close()

    second = SqliteStore(path)
    await second.open()
    try:
        assert await second.generation() == 1
        assert await second.get_message(sent.id) == sent
        assert (await second.list_messages(MessageQuery())).items == (sent,)
        assert await second.list_notifications(EventQuery()) == [ack]
        assert await second.list_mos(EventQuery()) == [reply]
        assert await second.list_deliveries(EventQuery(status=DeliveryState.PENDING.value)) == [waiting]
        assert await second.journal().load() == [job]
        assert await second.last_numeric_id() == 1000000005
    finally:
        await second.close()


async def test_a_file_without_the_provider_index_gets_it_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    first = SqliteStore(path)
    await first.open()
    await first.add_notification(notification("n1"))
    await first.close()
    with sqlite3.connect(path) as db:  # as a file written before the index was added
        db.execute("DROP INDEX notifications_provider")

    second = SqliteStore(path)
    await second.open()
    try:
        with sqlite3.connect(path) as db:
            indexes = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert "notifications_provider" in indexes
        found = await second.list_notifications(EventQuery(account="demo", provider="livelink"))
        assert [n.id for n in found] == ["n1"]
    finally:
        await second.close()


async def test_a_closed_store_refuses_work(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "state.db")
    with pytest.raises(RuntimeError, match="not open"):
        await store.get_message("1")


def _unusable(tmp_path: Path, kind: str) -> Path:
    if kind == "garbage":
        path = tmp_path / "garbage.db"
        path.write_bytes(b"this is not a database, just text" * 100)
        return path
    if kind == "directory":
        path = tmp_path / "a-directory"
        path.mkdir()
        return path
    if kind == "missing-parent":
        blocker = tmp_path / "plain-file"
        blocker.write_text("x")
        return blocker / "state.db"  # a file's 'subdirectory' can never exist
    path = tmp_path / f"{kind}.db"
    db = sqlite3.connect(path)
    if kind == "foreign":
        db.execute("CREATE TABLE customers (id INTEGER)")
    else:  # a store from a newer version
        db.execute("CREATE TABLE schema_version (version INTEGER)")
        db.execute("INSERT INTO schema_version VALUES (99)")
    db.commit()
    db.close()
    return path


@pytest.mark.parametrize(
    ("kind", "says"),
    [
        ("garbage", "not a database"),
        ("directory", "unable to open"),
        ("missing-parent", "unable to open"),
        ("foreign", "not a mockgateway store"),
        ("newer", "schema version 99"),
    ],
)
async def test_an_unusable_file_is_a_config_error_naming_it(tmp_path: Path, kind: str, says: str) -> None:
    path = _unusable(tmp_path, kind)
    store = SqliteStore(path)
    with pytest.raises(ConfigError, match=says) as raised:
        await store.open()
    assert str(path) in str(raised.value)
    await store.close()  # closing a store that never opened is harmless


def test_the_cli_stops_with_a_clear_message_when_the_store_file_is_corrupt(tmp_path: Path) -> None:
    path = _unusable(tmp_path, "garbage")
    result = subprocess.run(
        [sys.executable, "-m", "mockgateway", "serve", "--port", "0", "--store", f"sqlite:{path}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert f"configuration error: {path}: cannot use this file as the SQLite store" in result.stderr
    assert "Traceback" not in result.stderr
