"""Values of the core, all immutable.

The values made for every request, message, notification and callback are msgspec structs: built by keyword
by a C-level ``__init__``, frozen, and never tracked by the cyclic garbage collector (they hold no cycles), so a
store can keep hundreds of thousands of them as they are. The query and configuration values are frozen,
slotted dataclasses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TypeAlias, TypeGuard
from urllib.parse import urlsplit

import msgspec

from mockgateway.domain.limits import NO_LIMITS, Limits

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
        """No part leaves a final status (but for DELIVERED's RECEIVED, see ``lifecycle``)."""
        return self in _FINAL


_FINAL = frozenset({MessageStatus.DELIVERED, MessageStatus.RECEIVED, MessageStatus.FAILED})


class OAuth2Credentials(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """Client credentials the gateway uses to fetch a bearer token before calling a receiver."""

    client_id: str
    client_secret: str
    token_url: str


class CallbackTarget(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    url: str
    oauth2: OAuth2Credentials | None = None


#: The usual callback URL, every one of which ``urlsplit`` also accepts: a plain host name or address, a port of
#: at most four digits, printable ASCII after. Checked first because the send path checks its callback URL on
#: every request, and ``urlsplit`` with its ``hostname`` and ``port`` costs about 5 % of a send's instructions.
_PLAIN_CALLBACK_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,4})?(?:[/?#][!-~]*)?")


def is_callback_url(value: object) -> TypeGuard[str]:
    """An http(s) URL with a host and, when one is written, a port that exists: somewhere a request can go."""
    if not isinstance(value, str):
        return False
    if _PLAIN_CALLBACK_URL.fullmatch(value):
        return True
    try:
        parts = urlsplit(value)
        return parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != -1
    except ValueError:  # a port that is not a number or out of range, an unclosed IPv6 bracket
        return False


class PartSizes(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """Characters per part: (single-part limit, per-part limit once concatenated)."""

    gsm7: tuple[int, int] = (160, 153)
    ucs2: tuple[int, int] = (70, 67)


#: 160/153 GSM 03.38 characters, 70/67 UCS-2: what most SMS-Cs use. One shared value: a send makes none.
STANDARD_PART_SIZES = PartSizes()


class SendRequest(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """What a dialect parsed out of a provider's send call, in core terms."""

    account: str
    provider: str
    destinations: tuple[str, ...]  #: E.164 digits, no leading '+'
    text: str
    origin: str | None = None
    force_ucs2: bool = False
    part_sizes: PartSizes = STANDARD_PART_SIZES
    validity_s: int | None = None
    client_ref: str | None = None
    handset_ack: bool = False  #: the client asked for a handset (final) acknowledgement
    callbacks: tuple[CallbackTarget, ...] = ()
    options: Options = ()
    send_at: float | None = None  #: deferred sending (gateway-clock epoch): the lifecycle starts then, not now

    def option_value(self, name: str) -> Scalar:
        return next((value for key, value in self.options if key == name), None)


class Message(msgspec.Struct, frozen=True, gc=False, kw_only=True):
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
    part_statuses: tuple[MessageStatus, ...] = ()  #: one per part; empty means all ACCEPTED
    revision: int = 0  #: bumped by every change of status, so a store can replace a message compare-and-set

    def part_status(self, index: int) -> MessageStatus:
        return self.part_statuses[index] if self.part_statuses else MessageStatus.ACCEPTED

    def option(self, name: str, default: Scalar = None) -> Scalar:
        return next((value for key, value in self.options if key == name), default)


@dataclass(frozen=True, slots=True)
class CallbackTargets:
    """One provider's own status and reply targets for an account; ``None`` leaves the account-wide one."""

    status: CallbackTarget | None = None
    mo: CallbackTarget | None = None


_NO_TARGETS = CallbackTargets()  #: a provider without targets of its own
#: The service number replies carry when the message they answer was sent without an origin.
DEFAULT_SERVICE_NUMBER = "447700900000"


@dataclass(frozen=True, slots=True, kw_only=True)
class Account:
    """A customer account; ``credentials`` holds one section per imitated provider."""

    name: str
    credentials: dict[str, dict[str, Scalar]] = field(default_factory=dict)
    status_callback: CallbackTarget | None = None
    mo_callback: CallbackTarget | None = None
    origins: tuple[str, ...] | None = None  #: None: may send from any origin
    #: Targets of one provider only, so that each provider's client gets its callbacks where it expects them.
    provider_callbacks: Mapping[str, CallbackTargets] = field(default_factory=dict)
    service_number: str = DEFAULT_SERVICE_NUMBER  #: the number replies reach when a message had no origin
    limits: Limits = NO_LIMITS

    def status_target(self, provider: str) -> CallbackTarget | None:
        """Where ``provider``'s status callbacks go: its own target, else the account-wide one."""
        return self.provider_callbacks.get(provider, _NO_TARGETS).status or self.status_callback

    def mo_target(self, provider: str) -> CallbackTarget | None:
        """Where ``provider``'s reply callbacks go: its own target, else the account-wide one."""
        return self.provider_callbacks.get(provider, _NO_TARGETS).mo or self.mo_callback

    def for_provider(self, provider: str) -> Account:
        """The account as ``provider``'s callbacks see it: that provider's targets as the account's."""
        status, mo = self.status_target(provider), self.mo_target(provider)
        if status is self.status_callback and mo is self.mo_callback:
            return self
        return replace(self, status_callback=status, mo_callback=mo)

    def owns_origin(self, origin: str | None) -> bool:
        if self.origins is None or origin is None:
            return True
        return origin.lstrip("+") in {o.lstrip("+") for o in self.origins}


class Notification(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """A status change of one part of a message: what an ACK / delivery report carries."""

    id: str
    message_id: str
    account: str
    provider: str
    part_index: int  #: 0-based
    part_id: str
    status: MessageStatus
    created_at: float
    reason: str | None = None  #: canonical reason (see ``domain.reasons``) of a negative status
    code: str | None = None  #: the provider's own code for it
    retriable: bool | None = None  #: for final negatives: may the customer retry?
    destination: str = ""
    scenario: str | None = None


class MoMessage(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """A mobile-originated message: a handset's reply to one of the account's numbers."""

    id: str
    account: str
    provider: str
    sender: str  #: the handset, E.164 digits
    recipient: str  #: the account's number or sender id that received it
    text: str
    received_at: float
    in_reply_to: str | None = None  #: id of the message it answers, when known

    @property
    def keyword(self) -> str:
        words = self.text.split()
        return words[0].upper() if words else ""


class HttpCall(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """An outgoing HTTP request, rendered by a dialect, that the dispatcher delivers."""

    method: str
    url: str
    body: bytes = b""
    content_type: str | None = "application/json"
    oauth2: OAuth2Credentials | None = None


class DeliveryState(StrEnum):
    PENDING = "PENDING"  #: waiting for its next attempt
    DELIVERED = "DELIVERED"  #: the receiver answered 2xx
    FAILED = "FAILED"  #: gave up: a non-retryable answer or attempts exhausted


class Attempt(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    at: float
    status: int | None  #: HTTP status, None when no answer came
    latency_ms: float
    error: str | None = None


class Delivery(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """One callback to one receiver, with every attempt made so far."""

    id: str
    account: str
    kind: str  #: "status" or "mo"
    subject_id: str  #: the notification or MO it carries
    message_id: str | None
    call: HttpCall
    created_at: float
    state: DeliveryState = DeliveryState.PENDING
    attempts: tuple[Attempt, ...] = ()
    next_attempt_at: float | None = None
    delivered_at: float | None = None

    @property
    def outcome(self) -> str:
        """What the latest attempt came to: ``delivered``, ``retry`` (another attempt is planned) or ``failed``."""
        last = self.attempts[-1] if self.attempts else None
        if last is not None and last.status is not None and 200 <= last.status < 300:
            return "delivered"
        return "retry" if self.state is DeliveryState.PENDING else "failed"

    def after(self, outcome: AttemptOutcome) -> Delivery:
        return msgspec.structs.replace(
            self,
            state=outcome.state,
            attempts=outcome.attempts,
            next_attempt_at=outcome.next_attempt_at,
            delivered_at=outcome.delivered_at,
        )


class AttemptOutcome(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """What an attempt left a delivery with."""

    state: DeliveryState
    attempts: tuple[Attempt, ...]
    next_attempt_at: float | None = None
    delivered_at: float | None = None
