"""Callback deliveries in Redis: one hash of values by id, newest-first sorted sets (all, per account, per
message) by first-save order, and finished ones in a retention set by when they finished.

The process that saved a pending delivery keeps it (``pending``) until it is finished: an attempt's outcome is
then saved from that copy, in plain commands, without reading the delivery back."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from mockgateway.domain.model import AttemptOutcome, Delivery
from mockgateway.domain.queries import EventQuery
from mockgateway.storage import redis_scripts as scripts
from mockgateway.storage.deliveries import delivery_filter, kept_from
from mockgateway.storage.redis_batch import RedisBatch, Script
from mockgateway.storage.redis_keys import DELIVERY, Keys, names

if TYPE_CHECKING:
    from redis.asyncio import Redis

_BATCH = 500
_SAVE = Script(scripts.SAVE_DELIVERY)


class RedisDeliveries:
    def __init__(self, redis: Redis, batch: RedisBatch, keys: Keys, replica: str) -> None:
        self._redis = redis
        self._batch = batch
        self._keys = keys
        self.owned = keys.owned(replica)  #: the pending deliveries this replica holds
        #: id -> the pending deliveries this process saved, as saved: what an attempt's outcome is applied to.
        self.pending: dict[str, Delivery] = {}

    async def save(self, delivery: Delivery, kept: float | None, carried_kept: str) -> None:
        """Keep ``delivery``, retained from ``kept`` (``None``: pending, kept whatever its age); a finished one
        moves the retention start of what it carried (in the sorted set ``carried_kept``) and of its message."""
        self.remember(delivery, kept)
        keys = self._keys
        listed = [keys.sequence, keys.deliveries, keys.delivery_kept, carried_kept, keys.message_kept, self.owned]
        args: list[bytes | str | float] = [delivery.id, DELIVERY.encode(delivery), "" if kept is None else kept]
        args += [delivery.subject_id, delivery.message_id or ""]
        self._batch.send(_SAVE, listed + self._indexes(delivery), args)  # nobody needs its answer

    async def save_outcome(self, saved: Delivery, outcome: AttemptOutcome, carried_kept: str) -> bool:
        """``saved`` after an attempt (the copy kept while pending, or read back) in plain commands: its value
        replaced and, once finished, its retention started, its lease dropped and the retention start of what it
        carried (in the sorted set ``carried_kept``) moved. False, keeping nothing, when the store forgot it."""
        delivery_id, updated = saved.id, saved.after(outcome)
        kept = kept_from(updated)
        keys, batch = self._keys, self._batch
        if kept is not None:
            batch.write("SREM", self.owned, delivery_id)
            batch.write("ZADD", keys.delivery_kept, kept, delivery_id)
            batch.write("ZADD", carried_kept, "GT", kept, updated.subject_id)
            if updated.message_id is not None:
                batch.write("ZADD", keys.message_kept, "XX", "GT", kept, updated.message_id)
        if await batch.call("HSET", keys.deliveries, delivery_id, DELIVERY.encode(updated)):
            # Forgotten meanwhile (a reset by another process): not kept half-listed; saved whole by the caller.
            self.pending.pop(delivery_id, None)
            await batch.call("HDEL", keys.deliveries, delivery_id)
            return False
        self.remember(updated, kept)
        return True

    def remember(self, delivery: Delivery, kept: float | None) -> None:
        """Keep a copy of ``delivery`` while it is pending (``kept`` is ``None``); forget it once finished."""
        if kept is None:
            self.pending[delivery.id] = delivery
        else:
            self.pending.pop(delivery.id, None)

    def indexes_of_step(self, message_id: str, delivery: Delivery) -> list[str]:
        """The two indexes a step's delivery is listed in besides the newest-first order of all."""
        return [self._keys.deliveries_of(delivery.account), self._keys.deliveries_for(message_id)]

    def _indexes(self, delivery: Delivery) -> list[str]:
        keys = self._keys
        found = [keys.delivery_order, keys.deliveries_of(delivery.account)]
        if delivery.message_id is not None:
            found.append(keys.deliveries_for(delivery.message_id))
        return found

    async def get(self, delivery_id: str) -> Delivery | None:
        raw = await self._batch.call("HGET", self._keys.deliveries, delivery_id)
        return None if raw is None else DELIVERY.decode(raw)

    async def _values(self, ids: Sequence[bytes]) -> list[Delivery]:
        if not ids:
            return []
        raws = await self._redis.hmget(self._keys.deliveries, ids)
        return [DELIVERY.decode(raw) for raw in raws if raw is not None]

    async def list(self, query: EventQuery) -> list[Delivery]:
        """Newest first; read from the narrowest index, a batch at a time until the page is full."""
        keys, keep = self._keys, delivery_filter(query)
        if query.message_id is not None:
            key = keys.deliveries_for(query.message_id)
        else:
            key = keys.delivery_order if query.account is None else keys.deliveries_of(query.account)
        ids = names(await self._redis.zrevrange(key, 0, -1))
        matched: list[Delivery] = []
        for start in range(0, len(ids), _BATCH):
            matched.extend(d for d in await self._values(ids[start : start + _BATCH]) if keep(d))
            if len(matched) >= query.offset + query.limit:
                break
        return list(itertools.islice(matched, query.offset, query.offset + query.limit))

    async def purge(self, older_than: float, budget: int) -> int:
        """Forget at most ``budget`` finished deliveries whose retention started at or before ``older_than``."""
        if budget <= 0:
            return 0
        redis, keys = self._redis, self._keys
        ids = names(await redis.zrangebyscore(keys.delivery_kept, "-inf", older_than, start=0, num=budget))
        if not ids:
            return 0
        found = await self._values(ids)
        async with redis.pipeline(transaction=True) as pipe:
            pipe.zrem(keys.delivery_kept, *ids)
            pipe.hdel(keys.deliveries, *ids)
            for delivery in found:
                for key in self._indexes(delivery):
                    pipe.zrem(key, delivery.id)
            await pipe.execute()
        return len(ids)
