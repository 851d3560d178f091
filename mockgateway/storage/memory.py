"""The default store: everything in process memory, as compact rows."""

from __future__ import annotations

from collections.abc import Sequence

from mockgateway.domain.model import Message, MessageQuery, Page
from mockgateway.storage.rows import Row, message_to_row, row_to_message


class InMemoryStore:
    def __init__(self) -> None:
        self._messages: dict[str, Row] = {}

    async def open(self) -> None:
        return None

    async def close(self) -> None:
        return None

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
