"""A store shared through a Redis server (``--store redis://HOST:PORT/DB``), on redis-py's asyncio client.

Key layout in ``redis_keys``; messages in ``redis_messages``, notifications and MOs in ``redis_events``,
callback deliveries in ``redis_deliveries``, a status change with what it made in ``redis_steps``. The commands
of a send, of its steps and of its callbacks go through ``redis_batch`` (one write per turn of the event loop):
a Lua script where several keys must change together, plain commands otherwise. Listing, counting and purging
go through redis-py. Retention is by sorted-set scores on the gateway clock.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING

from mockgateway.domain.errors import ConfigError
from mockgateway.domain.job import Job
from mockgateway.domain.model import AttemptOutcome, Delivery, Message, MoMessage, Notification
from mockgateway.domain.queries import EventQuery, MessageQuery, Page
from mockgateway.service.ports import BusyUntil
from mockgateway.storage import redis_events as events
from mockgateway.storage.deliveries import kept_from
from mockgateway.storage.events import NotificationFilter, mo_filter, notification_filter
from mockgateway.storage.redis_batch import Address, RedisBatch
from mockgateway.storage.redis_connect import connect, join_clock, shown_url
from mockgateway.storage.redis_deliveries import RedisDeliveries
from mockgateway.storage.redis_jobs import RedisJobJournal, field_of
from mockgateway.storage.redis_keys import Keys
from mockgateway.storage.redis_messages import RedisMessages, highest
from mockgateway.storage.redis_outage import translating_outages
from mockgateway.storage.redis_peers import RedisPeers
from mockgateway.storage.redis_state import RedisState
from mockgateway.storage.redis_steps import RedisSteps
from mockgateway.storage.redis_work import RedisJobQueue, RedisLeases

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from mockgateway.service.ports import Store

DEFAULT_PREFIX = "mockgateway:"
#: How long closing waits for an unavailable Redis to take the state changes not yet kept.
CLOSE_PATIENCE_S = 5.0
log = logging.getLogger(__name__)


@translating_outages
class RedisStore:
    #: One purge call is a few round trips of at most this many items each.
    purge_batch = 500

    def __init__(self, url: str, prefix: str = DEFAULT_PREFIX, *, clock: str | None = None) -> None:
        self.url = url
        self._clock_kind = clock  #: "real" or "virtual": replicas sharing the keys must agree (None: not checked)
        self.keys = Keys(prefix)
        #: This process among those sharing the server: random, as the seeded ids must stay the same every run.
        self.replica = secrets.token_hex(8)
        self._client: Redis | None = None
        self._batch: RedisBatch | None = None
        self._generation = 0
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
        if self._clock_kind is not None:
            try:
                await join_clock(client, self.keys, self._clock_kind)
            except ConfigError:
                await client.aclose()
                raise
        self._client = client
        self._batch = batch = RedisBatch(Address.of(client))
        self._generation = int(await client.incr(self.keys.generation)) - 1
        self._notifications = events.notifications(client, batch, self.keys.notifications)
        self._mos = events.mos(client, batch, self.keys.mos)
        self._deliveries = RedisDeliveries(client, batch, self.keys, self.replica)
        self._messages = RedisMessages(client, batch, self.keys)
        self._steps = RedisSteps(batch, self.keys, self._notifications, self._deliveries)

    async def close(self) -> None:
        if self._client is not None:
            await self.state.flush_before_close(CLOSE_PATIENCE_S)
            try:
                await asyncio.wait_for(self._batched().close(), CLOSE_PATIENCE_S)
            except TimeoutError:
                log.error(
                    "closing: Redis at %s took none of the writes still queued for %.0f s",
                    shown_url(self.url),
                    CLOSE_PATIENCE_S,
                )
            await self._client.aclose()
            self._client = None
            self._batch = None

    async def ping(self) -> None:
        await self._redis().ping()

    def _redis(self) -> Redis:
        if self._client is None:
            raise RuntimeError(f"the Redis store {shown_url(self.url)} is not open")
        return self._client

    def _batched(self) -> RedisBatch:
        if self._batch is None:
            raise RuntimeError(f"the Redis store {shown_url(self.url)} is not open")
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
        await self._messages.add(messages)

    async def replace_message(self, current: Message, updated: Message) -> bool:
        return await self._messages.replace(current, updated)

    async def record_step(
        self, current: Message, updated: Message, *, notification: Notification, deliveries: Sequence[Delivery]
    ) -> bool:
        return await self._steps.record(current, updated, notification, deliveries)

    async def get_message(self, message_id: str) -> Message | None:
        return await self._messages.get(message_id)

    async def list_messages(self, query: MessageQuery) -> Page:
        return await self._messages.list(query)

    async def delete_messages(self, query: MessageQuery | None = None) -> int:
        return await self._messages.delete(query)

    async def count_messages(self, account: str) -> int:
        return await self._messages.count(account)

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
            message = await self._messages.get(q.message_id)
            if message is not None:
                return events.order_keys(keys, message.part_ids), keys.all, keep
            return None, (keys.all if q.account is None else keys.of(q.account)), keep
        key, filtered = events.notification_series(keys, q)
        return None, key, (keep if filtered else None)

    async def add_mo(self, mo: MoMessage) -> None:
        # An MO is made by a request (a handset's reply injected, a provider's inbound): once that is answered,
        # a pull through any replica must find it.
        await self._mos.add(mo, self._counters, highest((mo.id,)), confirmed=True)

    async def add_reply(self, mo: MoMessage, *, deliveries: Sequence[Delivery], job: Job) -> None:
        for delivery in deliveries:  # sent before the MO, on the same connection: Redis takes them in order
            await self.save_delivery(delivery)
        job_entry = (self.keys.jobs_of(job.message_id), field_of(job))
        await self._mos.add(mo, self._counters, highest((mo.id,)), confirmed=True, forget_job=job_entry)

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
        saved = self._deliveries.pending.get(delivery_id) or await self._deliveries.get(delivery_id)
        if saved is None:
            return False
        carried = self.keys.notifications if saved.kind == "status" else self.keys.mos
        return await self._deliveries.save_outcome(saved, outcome, carried.kept)

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
        return RedisJobQueue(self._redis, self._batched, self.keys, self.replica, self.journal())

    def leases(self, takeover_after_s: float) -> RedisLeases:
        """This process's hold on the callbacks it delivers, taken over by another ``takeover_after_s`` after
        it stops beating."""
        return RedisLeases(self._redis, self.keys, self.replica, takeover_after_s)

    # -- retention and reset ----------------------------------------------------------------------
    async def purge(self, older_than: float, limit: int, busy_until: BusyUntil | None = None) -> int:
        await self._settled()
        work = await self._notifications.purge(older_than, limit)
        work += await self._mos.purge(older_than, limit - work)
        work += await self._messages.purge(older_than, limit - work, busy_until)
        work += await self._deliveries.purge(older_than, limit - work)
        return work

    async def clear(self) -> None:
        await self._settled()
        self._deliveries.pending.clear()
        redis = self._redis()
        async for batch in _batched(redis.scan_iter(match=self.keys.data_pattern, count=1000)):
            await redis.unlink(*batch)


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
