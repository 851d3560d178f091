"""A status change on Redis with what it made, in one script call (``RECORD_STEP``): the message's
compare-and-set, its notification with the notification's series, and the pending deliveries of its callbacks."""

from __future__ import annotations

from collections.abc import Sequence

from mockgateway.domain.model import Delivery, Message, Notification
from mockgateway.storage import redis_scripts as scripts
from mockgateway.storage.redis_batch import RedisBatch, Script
from mockgateway.storage.redis_deliveries import RedisDeliveries
from mockgateway.storage.redis_events import RedisEvents
from mockgateway.storage.redis_keys import DELIVERY, MESSAGE, NOTIFICATION, Keys
from mockgateway.storage.redis_messages import kept_from

_RECORD_STEP = Script(scripts.RECORD_STEP)


class RedisSteps:
    def __init__(
        self, batch: RedisBatch, keys: Keys, notifications: RedisEvents[Notification], deliveries: RedisDeliveries
    ) -> None:
        self._batch = batch
        self._keys = keys
        self._notifications = notifications
        self._deliveries = deliveries

    async def record(
        self, current: Message, updated: Message, notification: Notification, made: Sequence[Delivery]
    ) -> bool:
        keys, events = self._keys, self._notifications.keys
        series = [events.all, *self._notifications.index_keys(notification)]
        listed = [keys.message(current.id), keys.message_kept, keys.sequence, events.values, events.members]
        listed += [events.kept, keys.deliveries, keys.delivery_order, self._deliveries.owned, *series]
        args: list[bytes | str | float] = [current.revision, MESSAGE.encode(updated), updated.revision]
        args += [kept_from(updated), current.id]
        args += [notification.id, NOTIFICATION.encode(notification), notification.created_at, len(series)]
        for delivery in made:
            listed += self._deliveries.indexes_of_step(current.id, delivery)
            args += [delivery.id, DELIVERY.encode(delivery)]
        if not await self._batch.run(_RECORD_STEP, listed, args):
            return False
        for delivery in made:
            self._deliveries.remember(delivery, None)
        return True
