#!/usr/bin/env python3
"""The gateway on the leanest shared Redis layout, to measure what it would cost end to end (a probe, not a store).

    python bench/redis_owned.py serve --store redis://127.0.0.1:6379/0 ...   (the arguments of ``mockgateway``)

``redis_send_floor.py`` measures this layout's Redis side alone. Here the real gateway writes it, so the gateway's
side is measured too, not estimated. The layout ("owned"): the replica that accepts a message runs its steps in
its own scheduler (no claim per step; its held set names the messages it owns, for a takeover), and every write
of a step goes into the message's own hash, beside one entry in the account's notification series and one in
its delivery series:

- accept: the message's hash, its place in the account's listing, its id in the replica's held set (3 commands);
- each step: the message, its notification and its deliveries in one ``HSET``, and the account's notification
  and delivery series (3);
- each callback's outcome: one ``HSET`` into the message's hash (1);
- the last step: the held entry dropped (1).

Other shapes, named by the words of ``MG_PROBE`` (``redis_scale.py`` takes them from the variant's name, as in
``redis-owned-bare-delta-log``): ``bare`` drops the held set and the delivery series (11 commands a send);
``nodlv`` drops the delivery series only (deliveries are then listed through the message hashes); ``delta`` writes a
step's change (status and time) and each outcome (result and time) instead of whole values, and ``log`` keeps with
that change what the step made, its notification and deliveries, whole; ``once`` writes a step's change
set-if-absent (``HSETNX``), so that a step run again after a takeover writes nothing; ``grouped`` keeps an account's
messages in one hash and groups the writes of one turn of the event loop into one command a key.

What the probe leaves out, and a store of this layout would have to add: the listings other than the account's
series (read through the message hashes), retention by the gateway clock, exactly-once across a takeover (a
set-if-absent field a step), and reading back (the owner answers its own messages from memory here). Only the
send path works: the probe is for ``redis_scale.py --lifecycle --variants memory,redis,redis-owned,...``, not for
clients. Results: ``bench/README.md``, "The floor measured end to end".
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import msgspec

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mockgateway import cli
from mockgateway.domain.model import AttemptOutcome, Delivery, Message, Notification
from mockgateway.storage import redis_store
from mockgateway.storage.deliveries import kept_from
from mockgateway.storage.memory import NoJournal
from mockgateway.storage.redis_batch import RedisBatch
from mockgateway.storage.redis_keys import DELIVERY, MESSAGE, NOTIFICATION
from mockgateway.storage.redis_store import RedisStore

SHAPE = frozenset(os.environ.get("MG_PROBE", "").replace(",", " ").split())
HELD = "bare" not in SHAPE  #: the replica's held set of the messages it runs, for a takeover
DELIVERY_SERIES = HELD and "nodlv" not in SHAPE  #: the account's series of deliveries
DELTA, LOG, ONCE, GROUPED = ("delta" in SHAPE), ("log" in SHAPE), ("once" in SHAPE), ("grouped" in SHAPE)
_small = msgspec.msgpack.Encoder().encode

Arg = bytes | str | float


class Writes:
    """``HSET`` and ``ZADD`` as they come, or grouped per key until the end of the turn."""

    def __init__(self, batch: RedisBatch) -> None:
        self._batch = batch
        self._hashes: dict[str, list[Arg]] = defaultdict(list)
        self._sets: dict[str, list[Arg]] = defaultdict(list)
        self._flushed: asyncio.Future[None] | None = None

    def hset(self, key: str, *fields: Arg) -> None:
        if GROUPED:
            self._hashes[key] += fields
            self._plan()
        else:
            self._batch.write("HSET", key, *fields)

    def zadd(self, key: str, score: float, member: str) -> None:
        if GROUPED:
            self._sets[key] += (score, member)
            self._plan()
        else:
            self._batch.write("ZADD", key, score, member)

    async def confirmed(self) -> None:
        """Once Redis has every write made so far."""
        if self._flushed is not None:  # grouped, and this turn's writes not yet out
            await asyncio.shield(self._flushed)
        else:
            await self._batch.settled()

    def _plan(self) -> None:
        if self._flushed is None:
            loop = asyncio.get_running_loop()
            self._flushed = loop.create_future()
            loop.call_soon(self._flush, self._flushed)

    def _flush(self, flushed: asyncio.Future[None]) -> None:
        self._flushed = None
        for key, fields in self._hashes.items():
            self._batch.write("HSET", key, *fields)
        for key, pairs in self._sets.items():
            self._batch.write("ZADD", key, *pairs)
        self._hashes.clear()
        self._sets.clear()
        asyncio.ensure_future(self._batch.settled()).add_done_callback(lambda _: _finish(flushed))


def _finish(flushed: asyncio.Future[None]) -> None:
    if not flushed.done():
        flushed.set_result(None)


class OwnedRedisStore(RedisStore):
    """The send path of the owned layout; every other call is the real store's."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._owned: dict[str, Message] = {}  #: the messages this replica runs, as last written
        self._held = self.keys.owned(self.replica)
        self._writes: Writes | None = None

    def journal(self) -> NoJournal:  # type: ignore[override]
        return NoJournal()

    def job_queue(self) -> None:  # type: ignore[override]
        return None

    def leases(self, takeover_after_s: float) -> None:  # type: ignore[override]
        return None

    def _w(self) -> Writes:
        if self._writes is None:
            self._writes = Writes(self._batched())
        return self._writes

    def _hash(self, message: Message | Delivery) -> tuple[str, str]:
        """The hash a message's fields go in, and the prefix of their names."""
        if GROUPED:
            return self.keys.message_prefix + "a:" + message.account, f"{message_id(message)}\0"
        return self.keys.message(message_id(message)), ""

    async def add_messages(self, messages: Sequence[Message]) -> None:
        writes = self._w()
        for m in messages:
            self._owned[m.id] = m
            key, field = self._hash(m)
            writes.hset(key, field + "v", MESSAGE.encode(m), field + "r", m.revision)
            if HELD:
                self._batched().write("SADD", self._held, m.id)
            writes.zadd(self.keys.messages_of(m.account), m.created_at, m.id)
        await writes.confirmed()  # answered only once Redis has them, as the real store is

    async def get_message(self, message_id: str) -> Message | None:
        owned = self._owned.get(message_id)
        return owned if owned is not None else await super().get_message(message_id)

    async def record_step(
        self, current: Message, updated: Message, *, notification: Notification, deliveries: Sequence[Delivery]
    ) -> bool:
        for delivery in deliveries:
            self._deliveries.remember(delivery, None)
        key, field = self._hash(current)
        if DELTA:
            change = _step_change(updated, notification, deliveries)
            if ONCE:
                self._batched().write("HSETNX", key, f"{field}s:{updated.revision}", change)
            else:
                self._w().hset(key, f"{field}s:{updated.revision}", change)
        else:
            self._w().hset(key, *_step_values(field, updated, notification, deliveries))
        member = f"{current.id}\0{notification.id}"
        self._w().zadd(self.keys.notifications.of(notification.account), notification.created_at, member)
        for delivery in deliveries if DELIVERY_SERIES else ():
            member = f"{current.id}\0{delivery.id}"
            self._w().zadd(self.keys.deliveries_of(delivery.account), notification.created_at, member)
        self._owned[current.id] = updated
        if updated.status.is_final and HELD:
            self._batched().write("SREM", self._held, current.id)
        return True

    async def save_outcome(self, delivery_id: str, outcome: AttemptOutcome) -> bool:
        saved = self._deliveries.pending.get(delivery_id)
        if saved is None or saved.message_id is None:
            return await super().save_outcome(delivery_id, outcome)
        updated = saved.after(outcome)
        self._deliveries.remember(updated, kept_from(updated))
        key, field = self._hash(saved)
        if DELTA:  # appended under a name of its own: the delivery as made stays whole beside it
            last = updated.attempts[-1] if updated.attempts else None
            change = _small([updated.outcome, None if last is None else last.at, None if last is None else last.status])
            self._w().hset(key, f"{field}o:{delivery_id}:{len(updated.attempts)}", change)
        else:
            self._w().hset(key, f"{field}d:{delivery_id}", DELIVERY.encode(updated))
        return True


def _step_values(field: str, updated: Message, notification: Notification, made: Sequence[Delivery]) -> list[Arg]:
    """A step written whole: the message again, its notification, its deliveries."""
    values: list[Arg] = [field + "v", MESSAGE.encode(updated), field + "r", updated.revision]
    values += [f"{field}n:{notification.id}", NOTIFICATION.encode(notification)]
    for delivery in made:
        values += [f"{field}d:{delivery.id}", DELIVERY.encode(delivery)]
    return values


def _step_change(updated: Message, notification: Notification, made: Sequence[Delivery]) -> bytes:
    """A step as one change: the message's new status and its time and, with ``log``, what the step made, whole
    (without, only the ids of its notification and deliveries)."""
    change = [updated.status, notification.created_at]
    if LOG:
        return _small([change, NOTIFICATION.encode(notification), [DELIVERY.encode(d) for d in made]])
    return _small([change, notification.id, [d.id for d in made]])


def message_id(value: Message | Delivery) -> str:
    return value.id if isinstance(value, Message) else value.message_id or ""


# ``serve`` builds its Redis store by this name; with no job queue and no leases of the store's, the gateway runs
# the steps and callbacks of the messages it accepted, as the memory store's does.
redis_store.RedisStore = OwnedRedisStore  # type: ignore[misc]

if __name__ == "__main__":
    raise SystemExit(cli.main())
