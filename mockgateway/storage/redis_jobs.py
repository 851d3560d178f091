"""Pending jobs in Redis: the ``JobJournal`` that survives restarts and is shared by every process.

A message's planned jobs are one entry, a hash of its encoded jobs, and its id waits in one sorted set scored by
its next job, so that a later step can claim the due entries atomically with a script (see
``redis_work_scripts``). The entry is also what keeps its message from the store's purge.
Saving is a plain ``HSET`` per message and one ``ZADD`` (a script call costs Redis several times a command);
the answer to the last says Redis took them all, as it answers in order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from mockgateway.domain.job import Job
from mockgateway.storage import redis_work_scripts as scripts
from mockgateway.storage.redis_batch import Arg, RedisBatch, Script
from mockgateway.storage.redis_keys import JOB, Keys, scored
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
        """A message's jobs are saved once, when it is sent, before any can be claimed: ``LT`` keeps an entry
        saved again waiting for its earliest job."""
        if not jobs:
            return
        keys, batch = self._keys, self._batch()
        entries: dict[str, list[Arg]] = {}
        earliest: dict[str, float] = {}
        for job in jobs:
            message_id = job.message_id
            fields = entries.get(message_id)
            if fields is None:
                entries[message_id] = [field_of(job), JOB.encode(job)]
                earliest[message_id] = job.due_at
            else:
                fields += [field_of(job), JOB.encode(job)]
                earliest[message_id] = min(earliest[message_id], job.due_at)
        # Plain commands, an entry claimable (in the due set) last, once its jobs are there.
        for message_id, fields in entries.items():
            batch.write("HSET", keys.jobs_of(message_id), *fields)
        due: list[Arg] = ["ZADD", keys.jobs_due, "LT"]
        for message_id, at in earliest.items():
            due += [at, message_id]
        await batch.call(*due)

    async def forget(self, jobs: Sequence[Job]) -> None:
        if not jobs:
            return
        keys = self._keys
        listed = [keys.jobs_due, keys.message_parked, keys.message_kept]
        listed += [keys.jobs_of(job.message_id) for job in jobs]
        args = [part for job in jobs for part in (field_of(job), job.message_id)]
        self._batch().send(_FORGET, listed, args)  # nobody needs its answer: a job run twice changes nothing

    async def load(self) -> list[Job]:
        """The jobs still to run of the entries waiting in the due set (not those a replica claimed)."""
        await self._batch().settled()
        redis = self._redis()
        waiting = scored(await redis.zrange(self._keys.jobs_due, 0, -1, withscores=True))
        if not waiting:
            return []
        async with redis.pipeline(transaction=False) as pipe:
            for message_id, _ in waiting:
                pipe.hgetall(self._keys.jobs_of(message_id.decode()))
            entries = await pipe.execute()
        jobs = [JOB.decode(raw) for entry in entries for raw in entry.values()]
        since = {message_id.decode(): at for message_id, at in waiting}
        return sorted((job for job in jobs if job.due_at >= since[job.message_id]), key=due_order)

    async def clear(self) -> None:
        await self._batch().settled()
        redis = self._redis()
        doomed = [self._keys.jobs_due]
        async for key in redis.scan_iter(match=self._keys.jobs_of_pattern, count=1000):
            doomed.append(key)
        await redis.unlink(*doomed)


def field_of(job: Job) -> str:
    """A job's field in its message's entry: its due time first, which the scripts read (``repr``, as the
    scores are written, so that the two compare equal)."""
    return f"{job.due_at!r} {job.step}"


def due_order(job: Job) -> tuple[float, int]:
    """Jobs in due order; a message's jobs due together in the order of its timeline."""
    return job.due_at, job.step


if TYPE_CHECKING:

    def _is_a_journal(journal: RedisJobJournal) -> JobJournal:
        return journal  # mypy proves the class fits the service's port
