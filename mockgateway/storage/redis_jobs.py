"""Pending jobs in Redis: the ``JobJournal`` that survives restarts and is shared by every process.

Jobs are scored by due time in one sorted set, so a later step can claim the due ones atomically with a
script (pop the lowest scores up to now); a set per message lets the store's purge keep a message with work.
Saving is three plain commands (a script call costs Redis several times a command); the answer to the last
says Redis took them all, as it answers in order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from mockgateway.domain.job import Job
from mockgateway.storage import redis_scripts as scripts
from mockgateway.storage.redis_batch import RedisBatch, Script
from mockgateway.storage.redis_keys import JOB, Keys, names
from mockgateway.storage.redis_outage import translating_outages

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from mockgateway.service.ports import JobJournal

_FORGET = Script(scripts.FORGET_JOBS)


@translating_outages
class RedisJobJournal:
    def __init__(self, redis: Callable[[], Redis], keys: Keys, batch: Callable[[], RedisBatch]) -> None:
        self._redis = redis
        self._keys = keys
        self._batch = batch

    async def save(self, jobs: Sequence[Job]) -> None:
        if not jobs:
            return
        keys, batch = self._keys, self._batch()
        values: list[bytes | str | float] = [keys.jobs]
        due: list[bytes | str | float] = ["ZADD", keys.jobs_due]
        of_message: dict[str, list[str]] = {}
        for job in jobs:
            values += [job.key, JOB.encode(job)]
            due += [job.due_at, job.key]
            of_message.setdefault(job.message_id, []).append(job.key)
        # Plain commands, a job claimable (in the due set) last, once its value and its message's set are there.
        batch.write("HSET", *values)
        for message_id, job_keys in of_message.items():
            batch.write("SADD", keys.jobs_of(message_id), *job_keys)
        await batch.call(*due)

    async def forget(self, jobs: Sequence[Job]) -> None:
        if not jobs:
            return
        keys = self._keys
        listed = [keys.jobs, keys.jobs_due, keys.message_parked, keys.message_kept]
        listed += [keys.jobs_of(job.message_id) for job in jobs]
        args = [part for job in jobs for part in (job.key, job.message_id)]
        self._batch().send(_FORGET, listed, args)  # nobody needs its answer: a job run twice changes nothing

    async def load(self) -> list[Job]:
        await self._batch().settled()
        redis = self._redis()
        ordered = names(await redis.zrange(self._keys.jobs_due, 0, -1))
        if not ordered:
            return []
        raws = await redis.hmget(self._keys.jobs, ordered)
        return [JOB.decode(raw) for raw in raws if raw is not None]

    async def clear(self) -> None:
        await self._batch().settled()
        redis = self._redis()
        doomed = [self._keys.jobs, self._keys.jobs_due]
        async for key in redis.scan_iter(match=self._keys.jobs_of_pattern, count=1000):
            doomed.append(key)
        await redis.unlink(*doomed)


if TYPE_CHECKING:

    def _is_a_journal(journal: RedisJobJournal) -> JobJournal:
        return journal  # mypy proves the class fits the service's port
