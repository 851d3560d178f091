"""A status step recorded by a store's own calls, one after the other: enough for the stores one process owns,
where nothing runs between them that could see half a step."""

from __future__ import annotations

from collections.abc import Sequence

from mockgateway.domain.model import Delivery, Message, Notification
from mockgateway.service.ports import Store


class StepsInTurn:
    async def record_step(
        self: Store, current: Message, updated: Message, *, notification: Notification, deliveries: Sequence[Delivery]
    ) -> bool:
        """``Store.record_step`` as a compare-and-set, then the notification, then each delivery."""
        if not await self.replace_message(current, updated):
            return False
        await self.add_notification(notification)
        for delivery in deliveries:
            await self.save_delivery(delivery)
        return True
