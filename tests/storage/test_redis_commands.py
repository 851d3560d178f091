"""What the Redis store asks Redis for on the hot paths: a step is one script call, and the outcome of a callback
this process delivers is saved without reading the delivery back. Counted on a private server's
``INFO commandstats``, which counts a script's inner commands too. And which writes are waited for: an MO is
kept before ``add_mo`` returns, so that a replica answering the request that made it has it in Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

from mockgateway.domain.lifecycle import advance
from mockgateway.domain.model import Attempt, AttemptOutcome, DeliveryState, MessageStatus
from mockgateway.domain.queries import EventQuery
from mockgateway.storage.redis_store import RedisStore
from tests.conftest import T0, next_turn
from tests.redis_server import private_redis
from tests.storage.factories import delivery, message, mo, notification

Counts = dict[str, int]


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[Redis]:
    with private_redis(tmp_path) as private:
        client = Redis.from_url(private.url)
        yield client
        await client.aclose()


@pytest.fixture
async def store(server: Redis, tmp_path: Path) -> AsyncIterator[RedisStore]:
    address = server.connection_pool.connection_kwargs
    opened = RedisStore(f"redis://127.0.0.1:{address['port']}/0", prefix=f"test:{tmp_path}:")
    await opened.open()
    yield opened
    await opened.close()


async def _counts(server: Redis) -> Counts:
    stats = await server.info("commandstats")
    return {name.removeprefix("cmdstat_"): int(value["calls"]) for name, value in stats.items()}


def _ran(before: Counts, after: Counts) -> Counts:
    return {name: calls - before.get(name, 0) for name, calls in after.items() if calls != before.get(name, 0)}


async def _recorded_step(store: RedisStore, server: Redis) -> Counts:
    await store.add_messages([message()])
    current = await store.get_message("1000000001")
    assert current is not None
    updated = advance(current, 0, MessageStatus.SENT, T0 + 5, None)
    assert updated is not None
    made = [delivery("d1", subject="n1", at=5)]
    before = await _counts(server)
    assert await store.record_step(current, updated, notification=notification("n1", at=5), deliveries=made)
    return _ran(before, await _counts(server))


async def test_a_step_is_one_script_call(store: RedisStore, server: Redis) -> None:
    ran = await _recorded_step(store, server)
    assert ran["evalsha"] == 1


async def test_the_outcome_of_a_callback_this_process_saved_is_not_read_back(store: RedisStore, server: Redis) -> None:
    await _recorded_step(store, server)
    before = await _counts(server)
    tried = (Attempt(at=T0 + 5, status=200, latency_ms=2.0),)
    outcome = AttemptOutcome(state=DeliveryState.DELIVERED, attempts=tried, delivered_at=T0 + 5)
    assert await store.save_outcome("d1", outcome)
    await store.purge(T0 - 1, store.purge_batch)  # a read through the other connection: every write is answered
    ran = _ran(before, await _counts(server))
    assert "hget" not in ran
    assert "evalsha" not in ran  # plain commands
    saved = await store.get_delivery("d1")
    assert saved is not None
    assert saved.state is DeliveryState.DELIVERED


async def test_an_outcome_for_a_delivery_another_process_forgot_is_not_kept_half_listed(
    store: RedisStore, server: Redis, tmp_path: Path
) -> None:
    await _recorded_step(store, server)
    other = RedisStore(store.url, prefix=f"test:{tmp_path}:")
    await other.open()
    try:
        await other.clear()
    finally:
        await other.close()
    tried = (Attempt(at=T0 + 5, status=200, latency_ms=2.0),)
    outcome = AttemptOutcome(state=DeliveryState.DELIVERED, attempts=tried, delivered_at=T0 + 5)
    assert not await store.save_outcome("d1", outcome)
    assert await store.get_delivery("d1") is None


async def test_an_mo_is_in_redis_before_add_mo_returns(store: RedisStore, server: Redis) -> None:
    await store.add_messages([message()])  # the store's connections are open and its scripts loaded
    await server.execute_command("CLIENT", "PAUSE", 30_000, "WRITE")  # Redis holds every write until unpaused
    try:
        adding = asyncio.create_task(store.add_mo(mo("m1", at=5)))
        for _ in range(20):
            await next_turn()
        assert not adding.done(), "add_mo returned before Redis had the MO"
    finally:
        await server.execute_command("CLIENT", "UNPAUSE")
    await adding
    assert [found.id for found in await store.list_mos(EventQuery(limit=10))] == ["m1"]
