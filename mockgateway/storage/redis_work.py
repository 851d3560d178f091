"""Work that replicas on one Redis share: due jobs claimed atomically, and callback deliveries leased.

``RedisJobQueue``: the journal's sorted set of messages with due jobs is the queue. A replica claims a batch of
due entries (a script hands out their due jobs and moves the entries into its own running set), runs the jobs,
and then forgets them and puts each entry back at its next job's time; a replica that dies leaves its entries
in its running set, and another gives them back to the queue when it takes over.

``RedisLeases``: the replica saving a pending delivery holds it (``SAVE_DELIVERY`` keeps the set of each
replica's). Each replica keeps a heartbeat key whose time-to-live is the takeover time, refreshed every third of
it, and sweeps as often: the deliveries and running jobs of a replica whose heartbeat is gone are taken over.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import msgspec

from mockgateway.domain.errors import StoreUnavailable
from mockgateway.domain.job import Job
from mockgateway.domain.model import DeliveryState
from mockgateway.outages import OutageLog
from mockgateway.service.scheduler import FixedTimeline
from mockgateway.service.work_ports import TakeOver
from mockgateway.storage import redis_work_scripts as scripts
from mockgateway.storage.redis_batch import Arg, RedisBatch, Script
from mockgateway.storage.redis_jobs import RedisJobJournal, due_order
from mockgateway.storage.redis_keys import DELIVERY, JOB, Keys, names, scored
from mockgateway.storage.redis_outage import OUTAGE, translating_outages
from mockgateway.tasks import stop

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from mockgateway.service.work_ports import JobQueue, Leases

log = logging.getLogger(__name__)

#: Entries claimed by one script call: bounded, so that the replicas share a burst.
CLAIM_BATCH = 512
_CLAIM = Script(scripts.CLAIM_JOBS)
_RAN = Script(scripts.RAN_JOBS)


class _Claim(msgspec.Struct, gc=False, kw_only=True):
    """A message's entry this replica claimed: how many of the jobs handed out have not run yet, and when its
    next job falls due (``None``: it has none left)."""

    unran: int
    next_due: float | None


@translating_outages
class RedisJobQueue:
    """Jobs are kept as the journal keeps them; ``start``/``schedule`` plan nothing in the process. Claims, ran
    jobs and the next due time go through the store's batch, on the connection that carries the steps' writes."""

    def __init__(
        self,
        redis: Callable[[], Redis],
        batch: Callable[[], RedisBatch],
        keys: Keys,
        replica: str,
        journal: RedisJobJournal,
    ) -> None:
        self._redis = redis
        self._batch = batch
        self._keys = keys
        self._journal = journal
        self._replica = replica
        self._running = keys.running(replica)
        #: message id -> its entry while this replica holds it
        self._claims: dict[str, _Claim] = {}
        #: message id -> its entry's next due time ('-': none), for entries whose claimed jobs all ran, until
        #: Redis took it
        self._unsent: dict[str, Arg] = {}
        #: Claimed jobs that could not run while Redis was away: still claimed by this replica, run first next time.
        self._put_back: list[Job] = []
        #: A claim went out and its answer never came: Redis may have moved entries this process does not know of
        #: into its running set, where nobody would run them.
        self._claim_unanswered = False

    def start(self, message_id: str, start: float, timeline: FixedTimeline) -> None:
        return None

    def schedule(self, jobs: Sequence[Job]) -> None:
        return None

    async def save(self, jobs: Sequence[Job]) -> None:
        await self._journal.save(jobs)

    async def take_due(self, now: float) -> list[Job]:
        if self._unsent:
            await self._release()
        if self._claim_unanswered:
            await self._give_back_unknown_claims()
        keys = self._keys
        due = list(self._put_back)
        while True:
            listed = [keys.jobs_due, self._running, keys.message_parked, keys.message_kept]
            self._claim_unanswered = True
            looked_at, values, later = await self._batch().run(_CLAIM, listed, [now, CLAIM_BATCH, keys.jobs_of_prefix])
            self._claim_unanswered = False
            claimed = [JOB.decode(raw) for raw in names(values)]
            self._note_claims(claimed, _next_due(later))
            due += claimed
            if looked_at < CLAIM_BATCH:
                self._put_back = []
                return sorted(due, key=due_order)

    async def _give_back_unknown_claims(self) -> None:
        """Entries in this replica's running set that it neither runs nor releases were claimed by a call whose
        answer was lost: none of their jobs ran, so they wait again at the score they were claimed with."""
        keys, redis = self._keys, self._redis()
        known = self._claims.keys() | self._unsent.keys()
        running = await redis.zrange(self._running, 0, -1, withscores=True)
        lost = {name: at for name, at in scored(running) if name.decode() not in known}
        if lost:
            async with redis.pipeline(transaction=True) as pipe:
                pipe.zrem(self._running, *lost)
                pipe.zadd(keys.jobs_due, lost, nx=True)
                await pipe.execute()
        self._claim_unanswered = False

    def _note_claims(self, claimed: list[Job], next_due: dict[str, float]) -> None:
        """``next_due``: message id -> when the next job of its entry falls due, for those with one left."""
        claims = self._claims
        for job in claimed:
            claim = claims.get(job.message_id)
            if claim is None:
                claims[job.message_id] = _Claim(unran=1, next_due=next_due.get(job.message_id))
            else:
                claim.unran += 1

    async def ran(self, jobs: Sequence[Job]) -> None:
        if not jobs:
            return
        unsent = self._unsent
        for message_id, count in Counter(job.message_id for job in jobs).items():
            next_due = self._released(message_id, count)
            if next_due is not None:
                unsent[message_id] = next_due
        await self._release()

    async def _release(self) -> None:
        """Sends ``RAN_JOBS`` for the entries released and not sent yet; they stay unsent if Redis is away, so
        that the next ``take_due`` sends them again (an entry left in the running set would never run on)."""
        keys = self._keys
        listed = [keys.jobs_due, self._running, keys.message_parked, keys.message_kept]
        args: list[Arg] = []
        sending, self._unsent = self._unsent, {}
        for message_id, next_due in sending.items():
            listed.append(keys.jobs_of(message_id))
            args += [message_id, next_due]
        try:
            # Redis answers in order: once it answers this, it has taken what the steps wrote before it on this
            # connection, so their messages are free for another replica's next steps only then, and a read
            # anywhere after run_due sees them.
            await self._batch().run(_RAN, listed, args)
        except BaseException:
            self._unsent = sending | self._unsent
            raise

    def _released(self, message_id: str, ran: int) -> Arg | None:
        """When the entry's next job falls due ('-': it has none) once ``ran`` more of its claimed jobs ran, if
        that was the last of them; ``None`` while more are to run, or when it is not claimed here (the queue was
        cleared meanwhile). Until released, a replica taking this one's over runs the claim again from its first
        job (a status is refused as a repeat; a reply that ran forgot its job when its MO was kept)."""
        claim = self._claims.get(message_id)
        if claim is None:
            return None
        claim.unran -= ran
        if claim.unran > 0:
            return None
        del self._claims[message_id]
        return "-" if claim.next_due is None else claim.next_due

    def put_back(self, jobs: Sequence[Job]) -> None:
        self._put_back.extend(jobs)

    async def next_due(self) -> float | None:
        if self._put_back:
            return min(job.due_at for job in self._put_back)
        first = await self._batch().call("ZRANGE", self._keys.jobs_due, 0, 0, "WITHSCORES")
        return float(first[1]) if first else None

    def busy_until(self, message_id: str) -> float | None:
        return None  # the store's purge parks a message while the journal has jobs for it

    async def restore(self) -> int:
        """How many messages have jobs waiting (an entry each)."""
        return int(await self._redis().zcard(self._keys.jobs_due))

    async def clear(self) -> None:
        self._claims.clear()
        self._unsent.clear()
        await self._journal.clear()
        await self._redis().unlink(self._running)


def _next_due(later: list[bytes]) -> dict[str, float]:
    """``CLAIM_JOBS``'s list of message ids, each followed by its entry's next due time."""
    return {name.decode(): float(at) for name, at in zip(later[::2], later[1::2], strict=True)}


@translating_outages
class RedisLeases:
    shared = True

    def __init__(self, redis: Callable[[], Redis], keys: Keys, replica: str, takeover_after_s: float) -> None:
        self._redis = redis
        self._keys = keys
        self._replica = replica
        self._ttl_ms = max(1, round(takeover_after_s * 1000))
        self._take: TakeOver | None = None
        self._beating: asyncio.Task[None] | None = None

    async def open(self, take: TakeOver) -> int:
        self._take = take
        await self._beat()
        taken = await self.sweep()
        self._beating = asyncio.create_task(self._keep_beating(), name="mockgateway-heartbeat")
        return taken

    async def _beat(self) -> None:
        keys = self._keys
        async with self._redis().pipeline(transaction=True) as pipe:
            pipe.set(keys.alive(self._replica), 1, px=self._ttl_ms)
            pipe.sadd(keys.replicas, self._replica)
            await pipe.execute()

    async def _keep_beating(self) -> None:
        outage = OutageLog(log, "keeping the callback leases")
        while True:
            await asyncio.sleep(self._ttl_ms / 3000)
            await self.beat_and_sweep(outage)

    async def beat_and_sweep(self, outage: OutageLog) -> None:
        """One heartbeat and takeover sweep. It never fails: an outage is logged where it starts and ends, not at
        each beat, and the next beat tries again."""
        try:
            await self._beat()
            await self.sweep()
        except (*OUTAGE, StoreUnavailable) as error:
            outage.failed(error)
        except Exception:
            log.exception("keeping the callback leases failed")
        else:
            outage.recovered()

    async def sweep(self) -> int:
        if self._take is None:
            return 0
        keys = self._keys
        take_over = self._redis().register_script(scripts.TAKE_OVER)
        listed = [keys.replicas, keys.jobs_due, keys.owned(self._replica), keys.released]
        prefixes = [keys.alive_prefix, keys.running_prefix, keys.owned_prefix]
        ids = names(await take_over(keys=listed, args=[self._replica, *prefixes]))
        if not ids:
            return 0
        raws = await self._redis().hmget(keys.deliveries, ids)
        found = [DELIVERY.decode(raw) for raw in raws if raw is not None]
        pending = [d for d in found if d.state is DeliveryState.PENDING]
        if len(pending) < len(ids):  # finished meanwhile, or forgotten: nothing to hold
            held = {d.id for d in pending}
            await self._redis().srem(keys.owned(self._replica), *[i for i in ids if i.decode() not in held])
        return self._take(pending)

    async def close(self) -> None:
        if self._beating is not None:
            await stop(self._beating)
            self._beating = None
        if self._take is None:
            return
        self._take = None
        keys, me = self._keys, self._replica
        release = self._redis().register_script(scripts.RELEASE)
        listed = [keys.replicas, keys.jobs_due, keys.owned(me), keys.released]
        await release(keys=[*listed, keys.running(me), keys.alive(me)], args=[me])


if TYPE_CHECKING:

    def _is_a_queue(queue: RedisJobQueue) -> JobQueue:
        return queue  # mypy proves the class fits the port

    def _are_leases(leases: RedisLeases) -> Leases:
        return leases
