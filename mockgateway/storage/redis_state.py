"""The state port on Redis: each write is a task chained after the previous one, so writes keep their order
without the synchronous callers waiting; ``flush`` awaits the last.

A write that meets an outage of Redis is tried again, with backoff, until Redis is back (the writes after it
wait their turn, so the order holds); closing the store waits a while for it, then ends the retries.

Each change is published to the other replicas as a note (``redis_notes``) in the transaction that writes it, so
a replica that sees the note reads the change from Redis too."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

from mockgateway.domain.errors import StoreUnavailable
from mockgateway.domain.state import Grant, OptOut, TargetOverride
from mockgateway.outages import Backoff, OutageLog
from mockgateway.storage.clock_writes import LatestPosition
from mockgateway.storage.redis_keys import GRANT, OPT_OUT, TARGETS, Keys, names, pair
from mockgateway.storage.redis_notes import (
    GrantSaved,
    Note,
    OptedIn,
    OptedOut,
    OptOutsCleared,
    TargetsForgotten,
    TargetsSaved,
    encode,
)
from mockgateway.storage.redis_outage import OUTAGE, translating_outages

if TYPE_CHECKING:
    from redis.asyncio import Redis
    from redis.asyncio.client import Pipeline

    from mockgateway.service.state_ports import StatePort

_log = logging.getLogger(__name__)
#: Marks each id handed out unless it already was; forgets the marks older than retention keeps their items.
_HAND_OUT = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[2])
local fresh = {}
for i = 3, #ARGV do
  if redis.call('ZADD', KEYS[1], 'NX', ARGV[1], ARGV[i]) == 1 then fresh[#fresh + 1] = ARGV[i] end
end
return fresh
"""
_SPEND_WITHIN = """
local spent = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if spent + tonumber(ARGV[2]) > tonumber(ARGV[3]) then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
return 1
"""
#: How long ``flush`` waits for writes held up by an outage before it answers that the store is unavailable.
FLUSH_PATIENCE_S = 2.0
Write = Callable[["Redis"], Awaitable[object]]


@translating_outages
class RedisState:
    def __init__(self, redis: Callable[[], Redis], keys: Keys, replica: str) -> None:
        self._redis = redis
        self._keys = keys
        self._replica = replica  #: the sender named in this replica's notes
        self._last: asyncio.Task[None] | None = None
        self._clock = LatestPosition()
        self._outage = OutageLog(_log, "keeping a state change")
        self._backoff = Backoff()
        self._closing = False  #: set once closing has waited long enough: an outage then drops the write

    # -- opt-outs ---------------------------------------------------------------------------------------
    def add_opt_out(self, opt_out: OptOut) -> None:
        field = pair(opt_out.account, opt_out.number)
        note = OptedOut(sender=self._replica, opt_out=opt_out)
        self._write(
            lambda r: self._told(r, note, lambda pipe: pipe.hsetnx(self._keys.opt_outs, field, OPT_OUT.encode(opt_out)))
        )

    def remove_opt_out(self, account: str, number: str) -> None:
        note = OptedIn(sender=self._replica, account=account, number=number)
        self._write(lambda r: self._told(r, note, lambda pipe: pipe.hdel(self._keys.opt_outs, pair(account, number))))

    def clear_opt_outs(self) -> None:
        note = OptOutsCleared(sender=self._replica)
        self._write(lambda r: self._told(r, note, lambda pipe: pipe.delete(self._keys.opt_outs)))

    async def load_opt_outs(self) -> list[OptOut]:
        await self.flush()  # after the writes made so far, as every store answers
        raws = await self._redis().hvals(self._keys.opt_outs)
        return sorted((OPT_OUT.decode(raw) for raw in raws), key=lambda opt_out: opt_out.at)

    # -- callback targets -------------------------------------------------------------------------------
    def save_targets(self, override: TargetOverride) -> None:
        field = pair(override.account, override.provider)

        async def save(redis: Redis) -> None:
            sequence = await redis.incr(self._keys.sequence)
            async with redis.pipeline(transaction=True) as pipe:
                pipe.hset(self._keys.targets, field, TARGETS.encode(override))
                pipe.zadd(self._keys.target_order, {field: sequence})
                pipe.publish(self._keys.notes, encode(TargetsSaved(sender=self._replica, override=override)))
                await pipe.execute()

        self._write(save)

    def forget_targets(self, account: str) -> None:
        async def forget(redis: Redis) -> None:
            mine = pair(account, "").encode()
            fields = [f for f in names(await redis.hkeys(self._keys.targets)) if f.startswith(mine)]
            async with redis.pipeline(transaction=True) as pipe:
                if fields:
                    pipe.hdel(self._keys.targets, *fields)
                    pipe.zrem(self._keys.target_order, *fields)
                pipe.publish(self._keys.notes, encode(TargetsForgotten(sender=self._replica, account=account)))
                await pipe.execute()

        self._write(forget)

    async def load_targets(self) -> list[TargetOverride]:
        await self.flush()  # after the writes made so far, as every store answers
        redis = self._redis()
        fields = names(await redis.zrange(self._keys.target_order, 0, -1))
        raws = await redis.hmget(self._keys.targets, fields) if fields else []
        return [TARGETS.decode(raw) for raw in raws if raw is not None]

    # -- grants -----------------------------------------------------------------------------------------
    def save_grant(self, grant: Grant) -> None:
        async def save(redis: Redis) -> None:
            async with redis.pipeline(transaction=True) as pipe:
                pipe.hset(self._keys.grants, grant.access_token, GRANT.encode(grant))
                pipe.zadd(self._keys.grant_expiry, {grant.access_token: grant.kept_until()})
                if not grant.refresh_spent:
                    pipe.hset(self._keys.grant_refresh, grant.refresh_token, grant.access_token)
                pipe.publish(self._keys.notes, encode(GrantSaved(sender=self._replica, grant=grant)))
                await pipe.execute()

        self._write(save)

    def sweep_grants(self, now: float) -> None:
        async def sweep(redis: Redis) -> None:
            tokens = names(await redis.zrangebyscore(self._keys.grant_expiry, "-inf", now))
            if tokens:
                raws = await redis.hmget(self._keys.grants, tokens)
                refresh = [GRANT.decode(raw).refresh_token for raw in raws if raw is not None]
                async with redis.pipeline(transaction=True) as pipe:
                    pipe.hdel(self._keys.grants, *tokens)
                    pipe.zrem(self._keys.grant_expiry, *tokens)
                    if refresh:
                        pipe.hdel(self._keys.grant_refresh, *refresh)
                    await pipe.execute()

        self._write(sweep)

    async def load_grants(self, now: float) -> list[Grant]:
        await self.flush()  # after the writes made so far, as every store answers
        redis = self._redis()
        tokens = names(await redis.zrangebyscore(self._keys.grant_expiry, f"({now!r}", "+inf"))
        raws = await redis.hmget(self._keys.grants, tokens) if tokens else []
        grants = [GRANT.decode(raw) for raw in raws if raw is not None]
        return sorted(grants, key=lambda grant: grant.issued_at)

    async def find_grant(self, *, access_token: str = "", refresh_token: str = "") -> Grant | None:
        await self.flush()  # after the writes made so far, as every store answers
        redis = self._redis()
        if not access_token:
            found = await redis.hget(self._keys.grant_refresh, refresh_token) if refresh_token else None
            if found is None:
                return None
            access_token = found.decode() if isinstance(found, bytes) else str(found)
        raw = await redis.hget(self._keys.grants, access_token)
        return None if raw is None else GRANT.decode(raw)

    async def spend_refresh(self, refresh_token: str) -> bool:
        await self.flush()  # the grant was written before it is spent
        return bool(await self._redis().hdel(self._keys.grant_refresh, refresh_token))

    # -- the clock --------------------------------------------------------------------------------------
    def save_clock(self, at: float) -> None:
        if self._clock.moved(at):
            self._write(self._write_clock)

    async def _write_clock(self, redis: Redis) -> None:
        at = self._clock.to_write()
        if at is not None:
            await redis.zadd(self._keys.clock, {"clock": at}, gt=True)  # never backwards

    async def load_clock(self) -> float | None:
        await self.flush()  # after the writes made so far, as every store answers
        score = await self._redis().zscore(self._keys.clock, "clock")
        return None if score is None else float(score)

    # -- what providers' APIs count -------------------------------------------------------------------
    async def hand_out(
        self, account: str, pull: str, ids: Sequence[str], *, now: float, forget_before: float
    ) -> list[str]:
        if not ids:
            return []
        await self.flush()  # after a reset asked before
        marks = [f"{account}\0{pull}\0{item}" for item in dict.fromkeys(ids)]
        fresh = await self._redis().eval(_HAND_OUT, 1, self._keys.handed_out, now, forget_before, *marks)
        return [bytes(mark).decode().rsplit("\0", 1)[1] for mark in fresh]

    async def spend_credits(self, account: str, provider: str, count: int) -> int:
        await self.flush()
        return int(await self._redis().hincrby(self._keys.credits_spent, pair(provider, account), count))

    async def spend_credits_within(self, account: str, provider: str, count: int, *, allowance: int) -> bool:
        await self.flush()
        field = pair(provider, account)
        return bool(await self._redis().eval(_SPEND_WITHIN, 1, self._keys.credits_spent, field, count, allowance))

    def clear_tallies(self) -> None:
        self._write(lambda r: r.delete(self._keys.handed_out, self._keys.credits_spent))

    async def flush(self) -> None:
        """Wait for the writes made so far; during an outage of Redis, raise ``StoreUnavailable`` rather than keep
        a request waiting (the writes stay queued and are kept once Redis is back)."""
        last = self._last
        while last is not None and not last.done():
            await asyncio.wait((last,), timeout=FLUSH_PATIENCE_S)
            if not last.done() and self._outage.down:
                raise StoreUnavailable()

    async def flush_before_close(self, patience_s: float) -> None:
        """``flush``, waiting at most ``patience_s`` for an unavailable Redis; the writes still failing after that
        are given up, each told in the log."""
        if self._last is None:
            return
        _, waiting = await asyncio.wait((self._last,), timeout=patience_s)
        if waiting:
            self._closing = True
            await asyncio.wait(waiting)

    async def _told(self, redis: Redis, note: Note, change: Callable[[Pipeline], object]) -> None:
        """``change`` and the note telling the other replicas of it, in one transaction."""
        async with redis.pipeline(transaction=True) as pipe:
            change(pipe)
            pipe.publish(self._keys.notes, encode(note))
            await pipe.execute()

    def _write(self, write: Write) -> None:
        self._last = asyncio.get_running_loop().create_task(self._after(self._last, write))

    async def _after(self, previous: asyncio.Task[None] | None, write: Write) -> None:
        if previous is not None:
            await asyncio.wait((previous,))  # its failure is its own, logged there
        while True:
            try:
                await write(self._redis())
            except OUTAGE as error:
                if self._closing:
                    _log.error("a state change is lost: Redis was still unavailable when the store closed (%s)", error)
                    return
                self._outage.failed(error)
                await asyncio.sleep(self._backoff.next_delay())
                continue
            except Exception as error:
                _log.error("the Redis store could not keep a state change: %s", error, exc_info=error)
            self._outage.recovered()
            self._backoff.reset()
            return


if TYPE_CHECKING:

    def _is_a_state_port(state: RedisState) -> StatePort:
        return state  # mypy proves the class fits the port
