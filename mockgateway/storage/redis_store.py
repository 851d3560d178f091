"""A store shared through a Redis server (``--store redis://HOST:PORT/DB``), on redis-py's asyncio client.

Key layout in ``redis_keys``. The commands of a send and of its steps go through ``redis_batch`` (one write per
turn of the event loop), each write one Lua script; a status change replaces a message by a script that compares
its revision. Other writes go in one MULTI/EXEC pipeline. Retention is by sorted-set scores on the gateway clock.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import AsyncIterator, Iterable, Sequence
from typing import TYPE_CHECKING

from mockgateway.domain.model import (
    AttemptOutcome,
    Delivery,
    Message,
    MoMessage,
    Notification,
)
from mockgateway.domain.queries import EventQuery, MessageQuery, Page
from mockgateway.service.ports import BusyUntil
from mockgateway.storage import redis_events as events
from mockgateway.storage import redis_scripts as scripts
from mockgateway.storage.deliveries import kept_from
from mockgateway.storage.events import NotificationFilter, mo_filter, notification_filter
from mockgateway.storage.redis_batch import Address, RedisBatch, Script
from mockgateway.storage.redis_connect import connect
from mockgateway.storage.redis_deliveries import RedisDeliveries
from mockgateway.storage.redis_jobs import RedisJobJournal
from mockgateway.storage.redis_keys import MESSAGE, Keys, names, scored
from mockgateway.storage.redis_outage import translating_outages
from mockgateway.storage.redis_peers import RedisPeers
from mockgateway.storage.redis_state import RedisState
from mockgateway.storage.redis_work import RedisJobQueue, RedisLeases

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from mockgateway.service.ports import Store

DEFAULT_PREFIX = "mockgateway:"
#: How long closing waits for an unavailable Redis to take the state changes not yet kept.
CLOSE_PATIENCE_S = 5.0
_BATCH = 500
log = logging.getLogger(__name__)
_ADD_MESSAGES = Script(scripts.ADD_MESSAGES)
_REPLACE_MESSAGE = Script(scripts.REPLACE_MESSAGE)


@translating_outages
class RedisStore:
    #: One purge call is a few round trips of at most this many items each.
    purge_batch = 500
    steps_side_by_side = True  #: a turn's commands go to Redis together (``redis_batch``)

    def __init__(self, url: str, prefix: str = DEFAULT_PREFIX) -> None:
        self.url = url
        self.keys = Keys(prefix)
        #: This process among those sharing the server: random, as the seeded ids must stay the same every run.
        self.replica = secrets.token_hex(8)
        self._client: Redis | None = None
        self._batch: RedisBatch | None = None
        self._generation = 0
        #: Names this process to the others sharing the store; random, unlike the (seeded) gateway ids.
        self.replica = secrets.token_hex(8)
        #: Opt-outs, callback targets, grants and the clock, written in order by one task chain.
        self.state = RedisState(self._redis, self.keys, self.replica)
        #: The other processes sharing these keys: their changes and events, and the virtual clock's moves.
        self.peers = RedisPeers(self._redis, self.keys, self.replica, self.state)
        self._counters = (self.keys.sequence, self.keys.numeric_high)

    # -- lifetime ---------------------------------------------------------------------------------
    async def open(self) -> None:
        if self._client is not None:
            return
        client = await connect(self.url)
        self._client = client
        self._batch = batch = RedisBatch(Address.of(client))
        self._generation = int(await client.incr(self.keys.generation)) - 1
        self._notifications = events.notifications(client, batch, self.keys.notifications)
        self._mos = events.mos(client, batch, self.keys.mos)
        self._deliveries = RedisDeliveries(client, batch, self.keys, self.replica)

    async def close(self) -> None:
        if self._client is not None:
            await self.state.flush_before_close(CLOSE_PATIENCE_S)
            try:
                await asyncio.wait_for(self._batched().close(), CLOSE_PATIENCE_S)
            except TimeoutError:
                log.error(
                    "closing: Redis at %s took none of the writes still queued for %.0f s", self.url, CLOSE_PATIENCE_S
                )
            await self._client.aclose()
            self._client = None
            self._batch = None

    async def ping(self) -> None:
        await self._redis().ping()

    def _redis(self) -> Redis:
        if self._client is None:
            raise RuntimeError(f"the Redis store {self.url} is not open")
        return self._client

    def _batched(self) -> RedisBatch:
        if self._batch is None:
            raise RuntimeError(f"the Redis store {self.url} is not open")
        return self._batch

    async def _settled(self) -> None:
        """Reads through the client see the writes sent without waiting (events, deliveries, ran jobs)."""
        await self._batched().settled()

    async def generation(self) -> int:
        return self._generation

    async def last_numeric_id(self) -> int | None:
        await self._settled()
        score = await self._redis().zscore(self.keys.numeric_high, "high")
        return None if score is None else int(score)

    # -- messages ---------------------------------------------------------------------------------
    async def add_messages(self, messages: Sequence[Message]) -> None:
        if not messages:
            return
        keys = self.keys
        high = _highest(part for m in messages for part in m.part_ids)
        listed: list[str] = [keys.sequence, keys.message_order, keys.message_kept, keys.numeric_high]
        args: list[bytes | str | float] = ["" if high is None else high]
        for m in messages:
            listed += [keys.message(m.id), keys.messages_of(m.account)]
            args += [m.id, MESSAGE.encode(m), m.revision, _message_kept_from(m)]
        await self._batched().run(_ADD_MESSAGES, listed, args)

    async def replace_message(self, current: Message, updated: Message) -> bool:
        keys = [self.keys.message(current.id), self.keys.message_kept]
        args: list[bytes | str | float] = [
            current.revision,
            MESSAGE.encode(updated),
            updated.revision,
            _message_kept_from(updated),
            current.id,
        ]
        return bool(await self._batched().run(_REPLACE_MESSAGE, keys, args))

    async def get_message(self, message_id: str) -> Message | None:
        raw = await self._batched().call("HGET", self.keys.message(message_id), "v")
        return None if raw is None else MESSAGE.decode(raw)

    async def _messages(self, ids: Sequence[bytes | str]) -> list[Message]:
        async with self._redis().pipeline(transaction=False) as pipe:
            for message_id in ids:
                pipe.hget(self.keys.message(_text(message_id)), "v")
            raws = await pipe.execute()
        return [MESSAGE.decode(raw) for raw in raws if raw is not None]

    async def _newest_first(self, query: MessageQuery | None) -> list[Message]:
        """Every message ``query`` matches (all when ``None``), newest first."""
        if query is not None and query.id is not None:
            ids: list[bytes] = [query.id.encode()]
        else:
            account = None if query is None else query.account
            key = self.keys.message_order if account is None else self.keys.messages_of(account)
            ids = names(await self._redis().zrevrange(key, 0, -1))
        matched: list[Message] = []
        for start in range(0, len(ids), _BATCH):
            found = await self._messages(ids[start : start + _BATCH])
            matched.extend(m for m in found if query is None or query.matches(m))
        return matched

    async def list_messages(self, query: MessageQuery) -> Page:
        if _by_account_only(query):  # the admin list's usual query: one page, not every message read
            return await self._page_of_order(query)
        matched = await self._newest_first(query)
        items = tuple(matched[query.offset : query.offset + query.limit])
        return Page(items=items, total=len(matched), offset=query.offset, limit=query.limit)

    async def _page_of_order(self, query: MessageQuery) -> Page:
        keys, redis = self.keys, self._redis()
        key = keys.message_order if query.account is None else keys.messages_of(query.account)
        total = int(await redis.zcard(key))
        ids = names(await redis.zrevrange(key, query.offset, query.offset + query.limit - 1)) if query.limit > 0 else []
        items = tuple(await self._messages(ids))
        return Page(items=items, total=total, offset=query.offset, limit=query.limit)

    async def delete_messages(self, query: MessageQuery | None = None) -> int:
        doomed = await self._newest_first(query)
        await self._forget_messages(doomed)
        return len(doomed)

    async def _forget_messages(self, messages: Sequence[Message]) -> None:
        if not messages:
            return
        keys = self.keys
        async with self._redis().pipeline(transaction=True) as pipe:
            for message in messages:
                pipe.delete(keys.message(message.id))
                pipe.zrem(keys.message_order, message.id)
                pipe.zrem(keys.messages_of(message.account), message.id)
                pipe.zrem(keys.message_kept, message.id)
                pipe.zrem(keys.message_parked, message.id)
            await pipe.execute()

    async def count_messages(self, account: str) -> int:
        return int(await self._redis().zcard(self.keys.messages_of(account)))

    # -- notifications and MOs --------------------------------------------------------------------
    async def add_notification(self, notification: Notification) -> None:
        await self._notifications.add(notification, self._counters, None)

    async def list_notifications(self, query: EventQuery) -> list[Notification]:
        await self._settled()
        orders, key, keep = await self._notification_plan(query)
        if orders is not None:
            found = await self._notifications.among(orders, notification_filter(query))
            return found[query.offset : query.offset + query.limit]
        return await self._notifications.page(key, query, keep)

    async def count_notifications(self, query: EventQuery) -> int:
        await self._settled()
        orders, key, keep = await self._notification_plan(query)
        if orders is not None:
            return len(await self._notifications.among(orders, notification_filter(query)))
        return await self._notifications.count(key, query, keep)

    async def _notification_plan(self, q: EventQuery) -> tuple[list[str] | None, str, NotificationFilter | None]:
        """The order series to read (an order or a message given), else the series and its filter if needed."""
        keep, keys = notification_filter(q), self.keys.notifications
        if q.part_id is not None:
            return events.order_keys(keys, (q.part_id,)), keys.all, keep
        if q.message_id is not None:
            message = await self.get_message(q.message_id)
            if message is not None:
                return events.order_keys(keys, message.part_ids), keys.all, keep
            return None, (keys.all if q.account is None else keys.of(q.account)), keep
        key, filtered = events.notification_series(keys, q)
        return None, key, (keep if filtered else None)

    async def add_mo(self, mo: MoMessage) -> None:
        await self._mos.add(mo, self._counters, _highest((mo.id,)))

    async def list_mos(self, query: EventQuery) -> list[MoMessage]:
        await self._settled()
        key, filtered = events.mo_series(self.keys.mos, query)
        return await self._mos.page(key, query, mo_filter(query) if filtered else None)

    async def count_mos(self, query: EventQuery) -> int:
        await self._settled()
        key, filtered = events.mo_series(self.keys.mos, query)
        return await self._mos.count(key, query, mo_filter(query) if filtered else None)

    # -- callback deliveries ----------------------------------------------------------------------
    async def save_delivery(self, delivery: Delivery) -> None:
        carried = self.keys.notifications if delivery.kind == "status" else self.keys.mos
        await self._deliveries.save(delivery, kept_from(delivery), carried.kept)

    async def save_outcome(self, delivery_id: str, outcome: AttemptOutcome) -> bool:
        saved = await self.get_delivery(delivery_id)
        if saved is None:
            return False
        await self.save_delivery(saved.after(outcome))
        return True

    async def get_delivery(self, delivery_id: str) -> Delivery | None:
        return await self._deliveries.get(delivery_id)

    async def list_deliveries(self, query: EventQuery) -> list[Delivery]:
        await self._settled()
        return await self._deliveries.list(query)

    # -- pending jobs -----------------------------------------------------------------------------
    def journal(self) -> RedisJobJournal:
        """The pending jobs kept beside this store's data; they also keep their messages from purges."""
        return RedisJobJournal(self._redis, self.keys, self._batched)

    def job_queue(self) -> RedisJobQueue:
        """The due jobs, claimed by one of the processes sharing this server."""
        return RedisJobQueue(self._redis, self.keys, self.replica, self.journal())

    def leases(self, takeover_after_s: float) -> RedisLeases:
        """This process's hold on the callbacks it delivers, taken over by another ``takeover_after_s`` after
        it stops beating."""
        return RedisLeases(self._redis, self.keys, self.replica, takeover_after_s)

    # -- retention and reset ----------------------------------------------------------------------
    async def purge(self, older_than: float, limit: int, busy_until: BusyUntil | None = None) -> int:
        await self._settled()
        work = await self._notifications.purge(older_than, limit)
        work += await self._mos.purge(older_than, limit - work)
        work += await self._purge_messages(older_than, limit - work, busy_until)
        work += await self._deliveries.purge(older_than, limit - work)
        return work

    async def _purge_messages(self, older_than: float, budget: int, busy_until: BusyUntil | None) -> int:
        if budget <= 0:
            return 0
        redis, keys = self._redis(), self.keys
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
        doomed = [m for m in await self._messages(ids) if m.id not in later and m.id not in parked]
        await self._forget_messages(doomed)
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

    async def clear(self) -> None:
        await self._settled()
        redis = self._redis()
        async for batch in _batched(redis.scan_iter(match=self.keys.data_pattern, count=1000)):
            await redis.unlink(*batch)


def _by_account_only(q: MessageQuery) -> bool:
    return q.id is None and q.destination is None and q.origin is None and q.text is None and q.provider is None


def _highest(ids: Iterable[str]) -> int | None:
    return max((int(i) for i in ids if i.isdigit()), default=None)


def _message_kept_from(m: Message) -> float:
    return max(m.created_at, m.status_at or 0.0)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


async def _batched(keys: AsyncIterator[bytes], size: int = 1000) -> AsyncIterator[list[bytes]]:
    batch: list[bytes] = []
    async for key in keys:
        batch.append(key)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


if TYPE_CHECKING:

    def _is_a_store(store: RedisStore) -> Store:
        return store  # mypy proves the store fits the service's port
