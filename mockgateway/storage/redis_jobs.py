"""Pending jobs in Redis: the ``JobJournal`` that survives restarts and is shared by every process.

Jobs are scored by due time in one sorted set, so a later step can claim the due ones atomically with a
script (pop the lowest scores up to now); a set per message lets the store's purge keep a message with work.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from mockgateway.domain.job import Job
from mockgateway.storage import redis_scripts as scripts
from mockgateway.storage.redis_keys import JOB, Keys, names
from mockgateway.storage.redis_outage import translating_outages

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from mockgateway.service.ports import JobJournal


@translating_outages
class RedisJobJournal:
    def __init__(self, redis: Callable[[], Redis], keys: Keys) -> None:
        self._redis = redis
        self._keys = keys

    async def save(self, jobs: Sequence[Job]) -> None:
        if not jobs:
            return
        keys = self._keys
        async with self._redis().pipeline(transaction=True) as pipe:
            pipe.hset(keys.jobs, mapping={job.key: JOB.encode(job) for job in jobs})
            pipe.zadd(keys.jobs_due, {job.key: job.due_at for job in jobs})
            for job in jobs:
                pipe.sadd(keys.jobs_of(job.message_id), job.key)
            await pipe.execute()

    async def forget(self, jobs: Sequence[Job]) -> None:
        if not jobs:
            return
        keys = self._keys
        async with self._redis().pipeline(transaction=True) as pipe:
            pipe.hdel(keys.jobs, *[job.key for job in jobs])
            pipe.zrem(keys.jobs_due, *[job.key for job in jobs])
            for job in jobs:
                pipe.srem(keys.jobs_of(job.message_id), job.key)
            unpark = self._redis().register_script(scripts.UNPARK)
            for message_id in {job.message_id for job in jobs}:
                keys_of = [keys.jobs_of(message_id), keys.message_parked, keys.message_kept]
                await unpark(keys=keys_of, args=[message_id], client=pipe)  # queued: the pipeline runs it
            await pipe.execute()

    async def load(self) -> list[Job]:
        redis = self._redis()
        ordered = names(await redis.zrange(self._keys.jobs_due, 0, -1))
        if not ordered:
            return []
        raws = await redis.hmget(self._keys.jobs, ordered)
        return [JOB.decode(raw) for raw in raws if raw is not None]

    async def clear(self) -> None:
        redis = self._redis()
        doomed = [self._keys.jobs, self._keys.jobs_due]
        async for key in redis.scan_iter(match=self._keys.jobs_of_pattern, count=1000):
            doomed.append(key)
        await redis.unlink(*doomed)


if TYPE_CHECKING:

    def _is_a_journal(journal: RedisJobJournal) -> JobJournal:
        return journal  # mypy proves the class fits the service's port
