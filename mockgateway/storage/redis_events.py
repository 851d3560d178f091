"""Notifications and MOs in Redis: time-ordered sorted sets per account (and per account and status), an
order-id index, and a retention set by id, purged from its lowest scores in bounded batches."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Generic, TypeVar

from mockgateway.domain.model import MoMessage, Notification
from mockgateway.domain.queries import EventQuery
from mockgateway.storage import events as ev
from mockgateway.storage import redis_scripts as scripts
from mockgateway.storage.redis_batch import RedisBatch, Script
from mockgateway.storage.redis_keys import MO, NOTIFICATION, Codec, EventKeys, names

if TYPE_CHECKING:
    from redis.asyncio import Redis

Item = TypeVar("Item", Notification, MoMessage)
#: How many values one read fetches while filtering a series.
_BATCH = 500
_ADD = Script(scripts.ADD_EVENT)


class RedisEvents(Generic[Item]):
    """One kind of event; ``index_keys`` names the sorted sets an item is listed in besides ``all``."""

    def __init__(self, redis: Redis, batch: RedisBatch, keys: EventKeys, codec: Codec[Item],
                 index_keys: Callable[[Item], list[str]], time: Callable[[Item], float]) -> None:  # fmt: skip
        self._redis = redis
        self._batch = batch
        self._forget = redis.register_script(scripts.FORGET_EVENTS)
        self.keys = keys
        self._codec: Codec[Item] = codec
        #: The sorted sets an item is listed in besides ``all``.
        self.index_keys: Callable[[Item], list[str]] = index_keys
        self._time: Callable[[Item], float] = time

    async def add(
        self,
        item: Item,
        counters: Sequence[str],
        numeric: int | None,
        *,
        confirmed: bool = False,
        forget_job: tuple[str, str] | None = None,
    ) -> None:
        """Keep ``item``; ``counters``: the sequence and the numeric high-water mark, raised to ``numeric``.

        ``confirmed``: return only once Redis has it, so that every replica lists it when the request that made
        it is answered; otherwise the write goes out with the next turn's commands and nobody waits for it.
        ``forget_job``: the entry and the field of the job that made it, forgotten with it.
        """
        keys = self.keys
        listed_in: list[str] = [keys.all, *self.index_keys(item)]
        # The retention set only ever moves later: a callback delivered first may have set a later start.
        args: list[bytes | str | float] = [item.id, self._codec.encode(item), self._time(item)]
        args.append("" if numeric is None else numeric)
        listed = [counters[0], keys.values, keys.members, keys.kept, counters[1], *listed_in]
        if forget_job is not None:
            listed.append(forget_job[0])
            args.append(forget_job[1])
        if confirmed:
            await self._batch.run(_ADD, listed, args)
        else:
            self._batch.send(_ADD, listed, args)

    # -- queries ----------------------------------------------------------------------------------------
    async def page(self, key: str, q: EventQuery, keep: Callable[[Item], bool] | None) -> list[Item]:
        """``q``'s page of the series ``key``; ``keep`` filters what the series alone does not."""
        low, high = _window(q)
        if keep is None:
            page_names = names(await self._redis.zrangebyscore(key, low, high, start=q.offset, num=q.limit))
            return await self._values(page_names)
        return (await self._matching(key, low, high, keep))[q.offset : q.offset + q.limit]

    async def count(self, key: str, q: EventQuery, keep: Callable[[Item], bool] | None) -> int:
        low, high = _window(q)
        if keep is None:
            return int(await self._redis.zcount(key, low, high))
        return len(await self._matching(key, low, high, keep))

    async def among(self, keys: Sequence[str], keep: Callable[[Item], bool]) -> list[Item]:
        """Every item of the series ``keys`` (a few orders' own) that ``keep`` wants, oldest first."""
        async with self._redis.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.zrange(key, 0, -1, withscores=True)
            found = await pipe.execute()
        ranked = sorted((score, name) for series in found for name, score in series)
        return [item for item in await self._values([name for _, name in ranked]) if keep(item)]

    async def _matching(self, key: str, low: str, high: str, keep: Callable[[Item], bool]) -> list[Item]:
        found = names(await self._redis.zrangebyscore(key, low, high))
        matched: list[Item] = []
        for start in range(0, len(found), _BATCH):
            matched.extend(item for item in await self._values(found[start : start + _BATCH]) if keep(item))
        return matched

    async def _values(self, names: Sequence[bytes]) -> list[Item]:
        if not names:
            return []
        raws = await self._redis.hmget(self.keys.values, names)
        return [self._codec.decode(raw) for raw in raws if raw is not None]

    # -- retention --------------------------------------------------------------------------------------
    async def purge(self, older_than: float, budget: int) -> int:
        """Forget at most ``budget`` items whose retention started at or before ``older_than``."""
        if budget <= 0:
            return 0
        keys = self.keys
        ids = names(await self._redis.zrangebyscore(keys.kept, "-inf", older_than, start=0, num=budget))
        if not ids:
            return 0
        members = names(await self._redis.hmget(keys.members, ids))
        known = [name for name in members if name is not None]
        raws = await self._redis.hmget(keys.values, known) if known else []
        by_member = {name: self._codec.decode(raw) for name, raw in zip(known, raws, strict=True) if raw is not None}
        series: list[str] = []
        args: list[bytes | str | float] = [older_than]
        for item_id, name in zip(ids, members, strict=True):
            item = by_member.get(name) if name is not None else None
            listed_in = [] if item is None else self.index_keys(item)
            series += listed_in
            args += [item_id, name or "", len(listed_in)]
        await self._forget(keys=[keys.kept, keys.members, keys.values, keys.all, *series], args=args)
        return len(ids)


def _window(q: EventQuery) -> tuple[str, str]:
    low = "-inf" if q.since is None else repr(q.since)
    high = "+inf" if q.until is None else repr(q.until)
    return low, high


def notification_index(keys: EventKeys) -> Callable[[Notification], list[str]]:
    def index_keys(n: Notification) -> list[str]:
        found = [keys.of(n.account), keys.with_status(n.account, n.status), keys.of_order(n.part_id)]
        if n.status in ev.NEGATIVE:
            found.append(keys.with_status(n.account, ev.NOK))
        return found

    return index_keys


def mo_index(keys: EventKeys) -> Callable[[MoMessage], list[str]]:
    def index_keys(mo: MoMessage) -> list[str]:
        return [keys.of(mo.account)]

    return index_keys


def notifications(redis: Redis, batch: RedisBatch, keys: EventKeys) -> RedisEvents[Notification]:
    return RedisEvents(redis, batch, keys, NOTIFICATION, notification_index(keys), _created_at)


def mos(redis: Redis, batch: RedisBatch, keys: EventKeys) -> RedisEvents[MoMessage]:
    return RedisEvents(redis, batch, keys, MO, mo_index(keys), _received_at)


def _created_at(n: Notification) -> float:
    return n.created_at


def _received_at(mo: MoMessage) -> float:
    return mo.received_at


def notification_series(keys: EventKeys, q: EventQuery) -> tuple[str, bool]:
    """The series a notification query without an order reads, and whether its items need filtering."""
    status = ev.status_filter(q.status)
    if q.account is None:
        return keys.all, status is not None or q.provider is not None
    # The account's series hold every provider's: one asked for is filtered item by item.
    series = keys.of(q.account) if status is None else keys.with_status(q.account, status)
    return series, q.provider is not None


def mo_series(keys: EventKeys, q: EventQuery) -> tuple[str, bool]:
    plain = q.message_id is None and q.phone is None and q.keyword is None and q.provider is None
    return (keys.all if q.account is None else keys.of(q.account)), not plain


def order_keys(keys: EventKeys, part_ids: Iterable[str]) -> list[str]:
    return [keys.of_order(part) for part in part_ids]
