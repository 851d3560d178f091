"""The Redis job queue's layout and cost: a message's planned steps are one entry, claimed and moved on."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from mockgateway.domain.errors import StoreUnavailable
from mockgateway.domain.job import Job
from mockgateway.domain.model import MessageStatus
from mockgateway.outages import OutageLog
from mockgateway.storage.redis_batch import RedisBatch
from mockgateway.storage.redis_store import RedisStore
from mockgateway.storage.redis_work import RedisJobQueue
from tests.conftest import T0
from tests.redis_server import private_redis, redis_url
from tests.storage.factories import mo

MESSAGE = "1000000001"

#: Every command a message's three steps may cost Redis, from saving them to the last one ran (script calls
#: counted with the commands they run). It was 46 with a value, a claim and a busy count kept per job.
STEPS_COMMANDS = 27


def _timeline(message_id: str = MESSAGE) -> list[Job]:
    statuses = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.RECEIVED)
    return [
        Job(message_id=message_id, step=step, due_at=T0 + 1 + 2 * step, part_index=0, status=status)
        for step, status in enumerate(statuses)
    ]


@pytest.fixture
async def store() -> AsyncIterator[RedisStore]:
    store = RedisStore(redis_url(), prefix=f"t{uuid4().hex}:")
    await store.open()
    yield store
    await store.close()


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url())
    yield client
    await client.aclose()


async def _run_each_step(queue: RedisJobQueue) -> list[MessageStatus | None]:
    statuses = []
    for due_at in (T0 + 1, T0 + 3, T0 + 5):
        claimed = await queue.take_due(due_at)
        await queue.ran(claimed)
        statuses += [job.status for job in claimed]
    return statuses


async def test_a_message_s_steps_are_one_entry_that_waits_for_its_next_step(store: RedisStore, redis: Redis) -> None:
    queue, keys = store.job_queue(), store.keys
    await queue.save(_timeline())
    assert await redis.zrange(keys.jobs_due, 0, -1, withscores=True) == [(MESSAGE.encode(), T0 + 1)]
    assert await redis.hlen(keys.jobs_of(MESSAGE)) == 3
    assert [job.status for job in await queue.take_due(T0 + 1)] == [MessageStatus.SENT]
    assert await redis.zcard(keys.jobs_due) == 0  # claimed: in this replica's running set only
    assert await redis.zrange(keys.running(store.replica), 0, -1) == [MESSAGE.encode()]
    await queue.ran(await queue.take_due(T0 + 1))  # nothing more due: the claimed step has not run yet
    assert await redis.zcard(keys.jobs_due) == 0
    await queue.ran(_timeline()[:1])
    assert await redis.zrange(keys.jobs_due, 0, -1, withscores=True) == [(MESSAGE.encode(), T0 + 3)]
    assert await redis.hlen(keys.jobs_of(MESSAGE)) == 3  # the step that ran is before the entry's score
    assert await queue.next_due() == T0 + 3
    assert [job.status for job in await queue.take_due(T0 + 3)] == [MessageStatus.DELIVERED]


async def test_steps_due_together_are_claimed_together_in_order_and_the_entry_goes_with_the_last(
    store: RedisStore, redis: Redis
) -> None:
    queue, keys = store.job_queue(), store.keys
    await queue.save(_timeline())
    claimed = await queue.take_due(T0 + 10)
    assert claimed == _timeline()
    await queue.ran(claimed[:2])  # a batch of what was claimed ran: the entry stays claimed for the rest
    assert await redis.zcard(keys.jobs_due) == 0
    assert await redis.zcard(keys.running(store.replica)) == 1
    await queue.ran(claimed[2:])
    assert await redis.exists(keys.jobs_of(MESSAGE), keys.jobs_due, keys.running(store.replica)) == 0
    assert await queue.next_due() is None


async def test_a_message_s_three_steps_cost_redis_a_bounded_number_of_commands(store: RedisStore, redis: Redis) -> None:
    queue = store.job_queue()
    before = await _commands(redis)
    await queue.save(_timeline())
    assert await _run_each_step(queue) == [MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.RECEIVED]
    assert await _commands(redis) - before <= STEPS_COMMANDS


async def _commands(redis: Redis) -> int:
    """Commands this server ran, but those that read the count and load a script (once per server)."""
    stats = await redis.info("commandstats")
    return sum(int(stat["calls"]) for name, stat in stats.items() if name not in _NOT_COUNTED)


_NOT_COUNTED = ("cmdstat_info", "cmdstat_script|load")


async def test_an_entry_whose_release_redis_missed_is_released_once_it_is_back(tmp_path: Path) -> None:
    with private_redis(tmp_path) as server:
        store = RedisStore(server.url, prefix="t:")
        await store.open()
        try:
            queue = store.job_queue()
            await queue.save(_timeline())
            claimed = await queue.take_due(T0 + 1)
            server.kill()
            with pytest.raises(StoreUnavailable):
                await queue.ran(claimed)  # the step ran; Redis is away when told
            server.start()
            assert [job.status for job in await queue.take_due(T0 + 3)] == [MessageStatus.DELIVERED]
        finally:
            await store.close()


async def test_an_entry_claimed_by_a_call_whose_answer_was_lost_is_claimed_again(
    store: RedisStore, redis: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    queue, keys = store.job_queue(), store.keys
    await queue.save(_timeline())
    run = RedisBatch.run

    async def run_then_lose_the_answer(batch: RedisBatch, *args: Any) -> Any:
        await run(batch, *args)
        raise RedisConnectionError("the answer was lost")

    monkeypatch.setattr(RedisBatch, "run", run_then_lose_the_answer)
    with pytest.raises(StoreUnavailable):
        await queue.take_due(T0 + 1)
    monkeypatch.undo()
    assert await redis.zrange(keys.running(store.replica), 0, -1) == [MESSAGE.encode()]  # Redis did claim it
    assert [job.status for job in await queue.take_due(T0 + 1)] == [MessageStatus.SENT]


async def test_an_entry_given_back_with_no_job_left_goes_and_its_message_leaves_the_parked_set(
    store: RedisStore, redis: Redis
) -> None:
    queue, keys = store.job_queue(), store.keys
    reply = Job(message_id=MESSAGE, step=0, due_at=T0 + 30, text="YES please", sender="447700900001")
    await queue.save([reply])
    await redis.zadd(keys.message_parked, {MESSAGE: T0})  # retention reached it while its reply was to come
    assert await queue.take_due(T0 + 30) == [reply]
    await store.add_reply(mo("1000000009", at=30), deliveries=[], job=reply)  # and its claimer dies
    # A takeover gives the entry back at its claimed score.
    await redis.zrem(keys.running(store.replica), MESSAGE)
    await redis.zadd(keys.jobs_due, {MESSAGE: T0 + 30})
    assert await queue.take_due(T0 + 30) == []
    assert await redis.zscore(keys.jobs_due, MESSAGE) is None
    assert await redis.zscore(keys.message_parked, MESSAGE) is None
    assert await redis.zscore(keys.message_kept, MESSAGE) == T0


async def test_the_lease_heartbeat_logs_an_outage_once_and_its_end(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with private_redis(tmp_path) as server:
        store = RedisStore(server.url, prefix="t:")
        await store.open()
        try:
            leases = store.leases(takeover_after_s=60)
            outage = OutageLog(logging.getLogger("mockgateway.storage.redis_work"), "keeping the callback leases")
            server.kill()
            with caplog.at_level(logging.WARNING):
                for _ in range(3):  # three beats while Redis is away
                    await leases.beat_and_sweep(outage)
                server.start()
                await leases.beat_and_sweep(outage)
            said = [record.getMessage() for record in caplog.records]
            assert len(said) == 2, said
            assert "the store is unavailable" in said[0]
            assert said[1] == "keeping the callback leases: the store is back"
            assert all(record.exc_info is None for record in caplog.records)  # no traceback at each beat
        finally:
            await store.close()
