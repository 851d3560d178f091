"""The storage contract runs against every store: in memory and SQLite on a fresh file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from mockgateway.service.ports import Store
from mockgateway.storage.memory import InMemoryStore
from mockgateway.storage.sqlite import SqliteStore

STORES = ["memory", "sqlite"]


def make_store(kind: str, tmp_path: Path) -> Store:
    return InMemoryStore() if kind == "memory" else SqliteStore(tmp_path / "store.db")


@pytest.fixture(params=STORES)
def store_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def store(store_kind: str, tmp_path: Path) -> AsyncIterator[Store]:
    opened = make_store(store_kind, tmp_path)
    await opened.open()
    yield opened
    await opened.close()
