"""What the gateway recorded, looked up by id or query: the read side of the ``Gateway`` facade."""

from __future__ import annotations

from collections.abc import Iterable

from mockgateway.domain.errors import NotFound
from mockgateway.domain.model import Delivery, Message, MoMessage, Notification
from mockgateway.domain.queries import EventQuery, MessageQuery, Page
from mockgateway.service.ports import Outbox, Store


class History:
    """Messages, notifications, replies and callback deliveries as the store keeps them."""

    def __init__(self, store: Store, outbox: Outbox) -> None:
        self._store = store
        self._outbox = outbox

    # -- messages, notifications and replies ------------------------------------------------------
    async def messages(self, query: MessageQuery) -> Page:
        return await self._store.list_messages(query)

    async def asked_handset_ack(self, message_ids: Iterable[str]) -> set[str]:
        """Those of ``message_ids`` whose client asked for a handset acknowledgement (their DELIVERED is not final)."""
        messages = [await self._store.get_message(message_id) for message_id in set(message_ids)]
        return {message.id for message in messages if message is not None and message.handset_ack}

    async def message(self, message_id: str) -> Message:
        message = await self._store.get_message(message_id)
        if message is None:
            raise NotFound(f"no message with id {message_id!r}", field="id")
        return message

    async def _last_message(self, account: str, handset: str, origin: str) -> Message | None:
        """The last message ``account`` sent ``handset`` from ``origin`` (any origin when it is empty)."""
        page = await self._store.list_messages(MessageQuery(account=account, destination=handset, limit=50))
        for message in page.items:
            if (message.origin or "").lstrip("+") == origin.lstrip("+") or not origin:
                return message
        return page.items[0] if page.items else None

    async def find_message(self, message_id: str) -> Message | None:
        """The message, or ``None`` when none has that id (any more)."""
        return await self._store.get_message(message_id)

    async def delete_messages(self, query: MessageQuery | None = None) -> int:
        return await self._store.delete_messages(query)

    async def notifications(self, query: EventQuery) -> list[Notification]:
        return await self._store.list_notifications(query)

    async def mos(self, query: EventQuery) -> list[MoMessage]:
        return await self._store.list_mos(query)

    async def count_notifications(self, query: EventQuery) -> int:
        return await self._store.count_notifications(query)

    async def count_mos(self, query: EventQuery) -> int:
        return await self._store.count_mos(query)

    # -- callbacks ------------------------------------------------------------------------------
    async def deliveries(self, query: EventQuery) -> list[Delivery]:
        """Callback deliveries, newest first; ``status`` filters on their state."""
        return await self._store.list_deliveries(query)

    async def delivery(self, delivery_id: str) -> Delivery:
        delivery = await self._store.get_delivery(delivery_id)
        if delivery is None:
            raise NotFound(f"no callback with id {delivery_id!r}", field="id")
        return delivery

    async def replay(self, delivery_id: str) -> Delivery:
        """Send a recorded callback once more, now; returns it with the new attempt."""
        return await self._outbox.replay(await self.delivery(delivery_id))
