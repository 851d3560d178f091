"""Messages in Redis: a hash per message (its value and revision), newest-first orders (all, per account) by
arrival sequence, and a retention set by retention start; a message with pending jobs is parked, not purged."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from mockgateway.domain.model import Message
from mockgateway.domain.queries import MessageQuery, Page
from mockgateway.service.ports import BusyUntil
from mockgateway.storage import redis_scripts as scripts
from mockgateway.storage.redis_batch import RedisBatch, Script
from mockgateway.storage.redis_keys import MESSAGE, Keys, names, scored

if TYPE_CHECKING:
    from redis.asyncio import Redis

_BATCH = 500
_ADD_MESSAGES = Script(scripts.ADD_MESSAGES)
_REPLACE_MESSAGE = Script(scripts.REPLACE_MESSAGE)


class RedisMessages:
    def __init__(self, redis: Redis, batch: RedisBatch, keys: Keys) -> None:
        self._redis = redis
        self._batch = batch
        self._keys = keys

    async def add(self, messages: Sequence[Message]) -> None:
        if not messages:
            return
        keys = self._keys
        high = highest(part for m in messages for part in m.part_ids)
        listed: list[str] = [keys.sequence, keys.message_order, keys.message_kept, keys.numeric_high]
        args: list[bytes | str | float] = ["" if high is None else high]
        for m in messages:
            listed += [keys.message(m.id), keys.messages_of(m.account)]
            args += [m.id, MESSAGE.encode(m), m.revision, kept_from(m)]
        await self._batch.run(_ADD_MESSAGES, listed, args)

    async def replace(self, current: Message, updated: Message) -> bool:
        keys = [self._keys.message(current.id), self._keys.message_kept]
        args: list[bytes | str | float] = [
            current.revision,
            MESSAGE.encode(updated),
            updated.revision,
            kept_from(updated),
            current.id,
        ]
        return bool(await self._batch.run(_REPLACE_MESSAGE, keys, args))

    async def get(self, message_id: str) -> Message | None:
        raw = await self._batch.call("HGET", self._keys.message(message_id), "v")
        return None if raw is None else MESSAGE.decode(raw)

    async def values(self, ids: Sequence[bytes | str]) -> list[Message]:
        async with self._redis.pipeline(transaction=False) as pipe:
            for message_id in ids:
                pipe.hget(self._keys.message(_text(message_id)), "v")
            raws = await pipe.execute()
        return [MESSAGE.decode(raw) for raw in raws if raw is not None]

    async def newest_first(self, query: MessageQuery | None) -> list[Message]:
        """Every message ``query`` matches (all when ``None``), newest first."""
        if query is not None and query.id is not None:
            ids: list[bytes] = [query.id.encode()]
        else:
            account = None if query is None else query.account
            key = self._keys.message_order if account is None else self._keys.messages_of(account)
            ids = names(await self._redis.zrevrange(key, 0, -1))
        matched: list[Message] = []
        for start in range(0, len(ids), _BATCH):
            found = await self.values(ids[start : start + _BATCH])
            matched.extend(m for m in found if query is None or query.matches(m))
        return matched

    async def list(self, query: MessageQuery) -> Page:
        if _by_account_only(query):  # the admin list's usual query: one page, not every message read
            return await self._page_of_order(query)
        matched = await self.newest_first(query)
        items = tuple(matched[query.offset : query.offset + query.limit])
        return Page(items=items, total=len(matched), offset=query.offset, limit=query.limit)

    async def _page_of_order(self, query: MessageQuery) -> Page:
        keys, redis = self._keys, self._redis
        key = keys.message_order if query.account is None else keys.messages_of(query.account)
        total = int(await redis.zcard(key))
        ids = names(await redis.zrevrange(key, query.offset, query.offset + query.limit - 1)) if query.limit > 0 else []
        items = tuple(await self.values(ids))
        return Page(items=items, total=total, offset=query.offset, limit=query.limit)

    async def delete(self, query: MessageQuery | None) -> int:
        doomed = await self.newest_first(query)
        await self._forget(doomed)
        return len(doomed)

    async def _forget(self, messages: Sequence[Message]) -> None:
        if not messages:
            return
        keys = self._keys
        async with self._redis.pipeline(transaction=True) as pipe:
            for message in messages:
                pipe.delete(keys.message(message.id))
                pipe.zrem(keys.message_order, message.id)
                pipe.zrem(keys.messages_of(message.account), message.id)
                pipe.zrem(keys.message_kept, message.id)
                pipe.zrem(keys.message_parked, message.id)
            await pipe.execute()

    async def count(self, account: str) -> int:
        return int(await self._redis.zcard(self._keys.messages_of(account)))

    async def purge(self, older_than: float, budget: int, busy_until: BusyUntil | None) -> int:
        if budget <= 0:
            return 0
        redis, keys = self._redis, self._keys
        found = await redis.zrangebyscore(keys.message_kept, "-inf", older_than, start=0, num=budget, withscores=True)
        due = scored(found)
        if not due:
            return 0
        ids = [_text(i) for i, _ in due]
        async with redis.pipeline(transaction=False) as pipe:
            for message_id in ids:
                pipe.exists(keys.jobs_of(message_id))
            journaled = await pipe.execute()
        busy = {i: busy_until(i) for i in ids} if busy_until is not None else {}
        later = {i: at for i, at in busy.items() if at is not None and at > older_than}
        parked = {i: score for i, (_, score), jobs in zip(ids, due, journaled, strict=True) if jobs}
        doomed = [m for m in await self.values(ids) if m.id not in later and m.id not in parked]
        await self._forget(doomed)
        async with redis.pipeline(transaction=True) as pipe:
            if later:
                pipe.zadd(keys.message_kept, later, gt=True)
            if parked:  # back in the retention set once the journal forgets their last job
                pipe.zadd(keys.message_parked, parked, gt=True)
            gone = [i for i in ids if i not in later]  # parked, forgotten, or deleted since
            if gone:
                pipe.zrem(keys.message_kept, *gone)
            await pipe.execute()
        return len(ids)


def _by_account_only(q: MessageQuery) -> bool:
    return q.id is None and q.destination is None and q.origin is None and q.text is None and q.provider is None


def highest(ids: Iterable[str]) -> int | None:
    """The highest numeric id among ``ids``, if any."""
    return max((int(i) for i in ids if i.isdigit()), default=None)


def kept_from(m: Message) -> float:
    """When a message's retention starts: its creation, or its latest status change."""
    return max(m.created_at, m.status_at or 0.0)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
