"""The storage contract runs against every store: in memory, SQLite on a fresh file, and a private Redis under a
key prefix of its own per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from mockgateway.service.ports import JobJournal, Store
from mockgateway.storage.memory import InMemoryStore, NoJournal
from mockgateway.storage.redis_store import RedisStore
from mockgateway.storage.sqlite import SqliteStore
from tests.redis_server import redis_url

STORES = ["memory", "sqlite", "redis"]


def make_store(kind: str, tmp_path: Path) -> Store:
    """A new store of ``kind``; the same ``tmp_path`` gives the same data again (a restart)."""
    if kind == "redis":
        return RedisStore(redis_url(), prefix=f"test:{tmp_path}:")
    return InMemoryStore() if kind == "memory" else SqliteStore(tmp_path / "store.db")


def make_journal(store: Store) -> JobJournal:
    """The journal of pending jobs that goes with ``store``, as ``bootstrap.build_store`` pairs them."""
    return store.journal() if isinstance(store, SqliteStore | RedisStore) else NoJournal()


@pytest.fixture(params=STORES)
def store_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def store(store_kind: str, tmp_path: Path) -> AsyncIterator[Store]:
    opened = make_store(store_kind, tmp_path)
    await opened.open()
    yield opened
    await opened.close()


@pytest.fixture
def journal(store: Store) -> JobJournal:
    return make_journal(store)
