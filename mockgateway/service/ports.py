"""What the service needs from the outside world; adapters implement these."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from mockgateway.domain.model import (
    Account,
    Delivery,
    EventQuery,
    HttpCall,
    Message,
    MessageQuery,
    MoMessage,
    Notification,
    Page,
)


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

    async def add_notification(self, notification: Notification) -> None: ...

    async def list_notifications(self, query: EventQuery) -> list[Notification]:
        """Oldest first."""
        ...

    async def add_mo(self, mo: MoMessage) -> None: ...

    async def list_mos(self, query: EventQuery) -> list[MoMessage]:
        """Oldest first."""
        ...

    async def save_delivery(self, delivery: Delivery) -> None: ...

    async def get_delivery(self, delivery_id: str) -> Delivery | None: ...

    async def list_deliveries(self, query: EventQuery) -> list[Delivery]:
        """Newest first."""
        ...

    async def clear(self) -> None:
        """Forget everything."""
        ...


class Outbox(Protocol):
    """Delivers callbacks. Retries are timed on the gateway clock; a failure is a recorded attempt."""

    def enqueue(self, delivery: Delivery) -> None: ...

    def next_due(self) -> float | None:
        """When the earliest waiting retry falls due, if any."""
        ...

    def run_due(self) -> None:
        """Start every delivery attempt that is due now (non-blocking)."""
        ...

    async def drain(self) -> None:
        """Wait until every attempt started so far has finished."""
        ...

    async def replay(self, delivery: Delivery) -> Delivery:
        """Send a recorded delivery once more, now, and return it with the new attempt."""
        ...


class CallbackRenderer(Protocol):
    """Implemented by each dialect: the provider's own callback requests for core events."""

    def status_calls(self, message: Message, notification: Notification, account: Account) -> list[HttpCall]:
        """The callbacks for one notification; empty when the request asked for none."""
        ...

    def mo_calls(self, mo: MoMessage, account: Account, replied_to: Message | None) -> list[HttpCall]: ...
