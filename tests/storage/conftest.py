"""The storage contract runs against every store: in memory and SQLite on a fresh file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from mockgateway.service.ports import JobJournal, Store
from mockgateway.storage.memory import InMemoryStore
from mockgateway.storage.memory_jobs import NoJournal
from mockgateway.storage.sqlite import SqliteStore

STORES = ["memory", "sqlite"]


def make_store(kind: str, tmp_path: Path) -> Store:
    return InMemoryStore() if kind == "memory" else SqliteStore(tmp_path / "store.db")


def make_journal(store: Store) -> JobJournal:
    """The journal of pending jobs that goes with ``store``, as ``bootstrap.build_store`` pairs them."""
    return store.journal() if isinstance(store, SqliteStore) else NoJournal()


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
