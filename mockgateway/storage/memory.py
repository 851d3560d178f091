"""The default store: everything in process memory, as compact rows."""

from __future__ import annotations

from collections.abc import Sequence

from mockgateway.domain.model import Delivery, EventQuery, Message, MessageQuery, MoMessage, Notification, Page
from mockgateway.storage.events import (
    mo_matches,
    mo_to_row,
    notification_matches,
    notification_to_row,
    row_to_mo,
    row_to_notification,
)
from mockgateway.storage.rows import Row, message_to_row, row_to_message


class InMemoryStore:
    def __init__(self) -> None:
        self._messages: dict[str, Row] = {}
        self._notifications: list[Row] = []
        self._mos: list[Row] = []
        self._deliveries: dict[str, Delivery] = {}

    async def open(self) -> None:
        return None

    async def close(self) -> None:
        return None

    # -- messages ---------------------------------------------------------------------------------
    async def add_messages(self, messages: Sequence[Message]) -> None:
        for message in messages:
            self._messages[message.id] = message_to_row(message)

    async def update_message(self, message: Message) -> None:
        self._messages[message.id] = message_to_row(message)

    async def get_message(self, message_id: str) -> Message | None:
        row = self._messages.get(message_id)
        return None if row is None else row_to_message(row)

    async def list_messages(self, query: MessageQuery) -> Page:
        matched = [m for m in map(row_to_message, reversed(self._messages.values())) if query.matches(m)]
        items = tuple(matched[query.offset : query.offset + query.limit])
        return Page(items=items, total=len(matched), offset=query.offset, limit=query.limit)

    async def delete_messages(self, query: MessageQuery | None = None) -> int:
        if query is None:
            count = len(self._messages)
            self._messages.clear()
            return count
        doomed = [key for key, row in self._messages.items() if query.matches(row_to_message(row))]
        for key in doomed:
            del self._messages[key]
        return len(doomed)

    # -- notifications and MOs (kept in arrival order) --------------------------------------------
    async def add_notification(self, notification: Notification) -> None:
        self._notifications.append(notification_to_row(notification))

    async def list_notifications(self, query: EventQuery) -> list[Notification]:
        matched = [n for n in map(row_to_notification, self._notifications) if notification_matches(query, n)]
        return matched[query.offset : query.offset + query.limit]

    async def add_mo(self, mo: MoMessage) -> None:
        self._mos.append(mo_to_row(mo))

    async def list_mos(self, query: EventQuery) -> list[MoMessage]:
        matched = [m for m in map(row_to_mo, self._mos) if mo_matches(query, m)]
        return matched[query.offset : query.offset + query.limit]

    # -- callback deliveries ----------------------------------------------------------------------
    async def save_delivery(self, delivery: Delivery) -> None:
        self._deliveries[delivery.id] = delivery

    async def get_delivery(self, delivery_id: str) -> Delivery | None:
        return self._deliveries.get(delivery_id)

    async def list_deliveries(self, query: EventQuery) -> list[Delivery]:
        matched = [
            d
            for d in reversed(self._deliveries.values())
            if (query.account is None or d.account == query.account)
            and (query.message_id is None or d.message_id == query.message_id)
            and (query.kind is None or d.kind == query.kind)
            and (query.status is None or d.state.value == query.status.upper())
        ]
        return matched[query.offset : query.offset + query.limit]

    async def clear(self) -> None:
        self._messages.clear()
        self._notifications.clear()
        self._mos.clear()
        self._deliveries.clear()
