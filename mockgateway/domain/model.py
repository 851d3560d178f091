"""Values of the core. Frozen and slotted: stores keep many of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeAlias

Scalar: TypeAlias = str | int | float | bool | None
#: Dialect-specific request options kept with a message, e.g. which ACK fields were asked for.
Options: TypeAlias = tuple[tuple[str, Scalar], ...]


class Encoding(StrEnum):
    GSM7 = "GSM7"  #: GSM 03.38 default alphabet, 7-bit septets
    UCS2 = "UCS2"  #: UCS-2 / UTF-16, 16 bits per character


class MessageStatus(StrEnum):
    ACCEPTED = "ACCEPTED"  #: taken by the gateway, nothing sent yet
    SENT = "SENT"  #: handed to the operator (temporary positive)
    RETRYING = "RETRYING"  #: the gateway is retrying delivery (temporary negative)
    DELIVERED = "DELIVERED"  #: delivered, confirmed by the SMS-C (final positive)
    RECEIVED = "RECEIVED"  #: received, confirmed by the handset (final positive)
    FAILED = "FAILED"  #: could not be delivered (final negative)

    @property
    def is_final(self) -> bool:
        return self in _FINAL


_FINAL = frozenset({MessageStatus.DELIVERED, MessageStatus.RECEIVED, MessageStatus.FAILED})


@dataclass(frozen=True, slots=True)
class OAuth2Credentials:
    """Client credentials the gateway uses to fetch a bearer token before calling a receiver."""

    client_id: str
    client_secret: str
    token_url: str


@dataclass(frozen=True, slots=True)
class CallbackTarget:
    url: str
    oauth2: OAuth2Credentials | None = None


@dataclass(frozen=True, slots=True)
class PartSizes:
    """Characters per part: (single-part limit, per-part limit once concatenated)."""

    gsm7: tuple[int, int] = (160, 153)
    ucs2: tuple[int, int] = (70, 67)


@dataclass(frozen=True, slots=True)
class SendRequest:
    """What a dialect parsed out of a provider's send call, in core terms."""

    account: str
    provider: str
    destinations: tuple[str, ...]  #: E.164 digits, no leading '+'
    text: str
    origin: str | None = None
    force_ucs2: bool = False
    part_sizes: PartSizes = field(default_factory=PartSizes)
    validity_s: int | None = None
    client_ref: str | None = None
    handset_ack: bool = False  #: the client asked for a handset (final) acknowledgement
    callbacks: tuple[CallbackTarget, ...] = ()
    options: Options = ()

    def option_value(self, name: str) -> Scalar:
        return dict(self.options).get(name)


@dataclass(frozen=True, slots=True)
class Message:
    """One mobile-terminated message to one destination, possibly sent in several parts."""

    id: str
    account: str
    provider: str
    destination: str
    origin: str | None
    text: str
    encoding: Encoding
    part_ids: tuple[str, ...]
    created_at: float  #: gateway-clock epoch seconds
    status: MessageStatus = MessageStatus.ACCEPTED
    client_ref: str | None = None
    validity_s: int | None = None
    handset_ack: bool = False
    callbacks: tuple[CallbackTarget, ...] = ()
    options: Options = ()
    scenario: str | None = None
    status_at: float | None = None
    reason: str | None = None  #: canonical reason of the latest negative status

    def option(self, name: str, default: Scalar = None) -> Scalar:
        for key, value in self.options:
            if key == name:
                return value
        return default


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

    def matches(self, message: Message) -> bool:
        return (
            (self.account is None or message.account == self.account)
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
class Account:
    """A customer account; ``credentials`` holds one section per imitated provider."""

    name: str
    credentials: dict[str, dict[str, Scalar]] = field(default_factory=dict)
    status_callback: CallbackTarget | None = None
    mo_callback: CallbackTarget | None = None
    origins: tuple[str, ...] | None = None  #: None: may send from any origin

    def owns_origin(self, origin: str | None) -> bool:
        if self.origins is None or origin is None:
            return True
        return origin.lstrip("+") in {o.lstrip("+") for o in self.origins}
