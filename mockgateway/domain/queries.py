"""What a lookup asks for: filters for listing messages and events, and a page of messages."""

from __future__ import annotations

from dataclasses import dataclass

from mockgateway.domain.model import Message

#: A limit that lists every match: for a reader that filters or pages what it gets itself.
ALL = 2**31


@dataclass(frozen=True, slots=True)
class MessageQuery:
    """Filters for listing messages; ``None`` means 'any'."""

    account: str | None = None
    destination: str | None = None
    origin: str | None = None
    text: str | None = None  #: case-insensitive substring
    provider: str | None = None
    offset: int = 0
    limit: int = 50
    id: str | None = None  #: one message, by its id

    def matches(self, message: Message) -> bool:
        return (
            (self.id is None or message.id == self.id)
            and (self.account is None or message.account == self.account)
            and (self.destination is None or message.destination == self.destination.lstrip("+"))
            and (self.origin is None or message.origin == self.origin)
            and (self.provider is None or message.provider == self.provider)
            and (self.text is None or self.text.lower() in message.text.lower())
        )


@dataclass(frozen=True, slots=True)
class Page:
    items: tuple[Message, ...]
    total: int
    offset: int
    limit: int


@dataclass(frozen=True, slots=True)
class EventQuery:
    """Filters for notifications, MOs and deliveries; ``None`` means 'any'. Time bounds are inclusive."""

    account: str | None = None
    message_id: str | None = None
    part_id: str | None = None  #: an order id of one part
    status: str | None = None  #: a MessageStatus value, or "nok" for every negative
    kind: str | None = None  #: deliveries: "status" or "mo"
    provider: str | None = None  #: the provider the message went through (or the reply came in by)
    phone: str | None = None  #: MOs: the handset number
    keyword: str | None = None  #: MOs: case-insensitive substring of the text
    since: float | None = None
    until: float | None = None
    offset: int = 0
    limit: int = 1000
