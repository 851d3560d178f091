"""What the service needs from the outside world; adapters implement these."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from mockgateway.domain.model import Message, MessageQuery, Page


class Store(Protocol):
    """Keeps messages (and, in later layers, notifications and replies). Async so any backend fits."""

    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def add_messages(self, messages: Sequence[Message]) -> None: ...

    async def update_message(self, message: Message) -> None: ...

    async def get_message(self, message_id: str) -> Message | None: ...

    async def list_messages(self, query: MessageQuery) -> Page: ...

    async def delete_messages(self, query: MessageQuery | None = None) -> int:
        """Remove messages matching ``query`` (all when ``None``); returns how many went."""
        ...
