"""Finding what a test expects — now, or as soon as it happens — and, when it never comes, what came closest.

Used by the wait API and the pytest plugin. Waiting wakes on the event hub, so no one polls.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, Generic, TypeVar

from mockgateway.domain.durations import is_whole_number
from mockgateway.domain.errors import InvalidRequest, ShuttingDown
from mockgateway.domain.model import Delivery, DeliveryState, Message, MessageStatus, MoMessage, Notification
from mockgateway.domain.queries import EventQuery, MessageQuery
from mockgateway.service.events import Event
from mockgateway.service.gateway import Gateway

T = TypeVar("T")
Wanted = Mapping[str, str]
Check = Callable[[Any, str], bool]

#: Items looked at when ranking near misses: the most recent ones.
NEAR_MISS_WINDOW = 500
NEAR_MISS_LIMIT = 5
#: A one-time code: the first run of 4 to 8 digits standing alone.
CODE = re.compile(r"(?<!\d)\d{4,8}(?!\d)")


@dataclass(frozen=True, slots=True, kw_only=True)
class NearMiss(Generic[T]):
    item: T
    matched: tuple[str, ...]
    mismatched: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Spec(Generic[T]):
    """How to look for one kind of item: its filters, the events that may bring one, and its store queries."""

    noun: str
    checks: Mapping[str, Check]  #: filter name -> does the item satisfy the wanted value?
    wakes: frozenset[str]  #: event kinds after which a new match may exist
    #: Matches, newest first, at most n; nothing wanted matches anything.
    find: Callable[[Gateway, Wanted, int], Awaitable[list[T]]]
    summary: Callable[[T], str]

    def parse(self, params: Mapping[str, str], *, ignore: Sequence[str] = ()) -> dict[str, str]:
        """The wanted values, normalised; unknown names and bad values raise ``InvalidRequest`` naming them."""
        unknown = sorted(set(params) - set(self.checks) - set(ignore))
        if unknown:
            allowed = ", ".join((*self.checks, *ignore))
            raise InvalidRequest(f"unknown filter {', '.join(unknown)} (expected {allowed})", field=unknown[0])
        return {name: _normalise(self.noun, name, params[name]) for name in self.checks if params.get(name, "").strip()}

    def describe_none(self, wanted: Wanted) -> str:
        """``no message with to='…'``; ``no message`` when nothing in particular is wanted."""
        filters = ", ".join(f"{name}={value!r}" for name, value in wanted.items())
        return f"no {self.noun} with {filters}" if wanted else f"no {self.noun}"

    async def newest(self, gateway: Gateway, wanted: Wanted) -> T | None:
        found = await self.find(gateway, wanted, 1)
        return found[0] if found else None

    async def near_misses(self, gateway: Gateway, wanted: Wanted, limit: int = NEAR_MISS_LIMIT) -> list[NearMiss[T]]:
        """Recent items ranked by how many filters they satisfy (then by recency); full matches left out."""
        misses = []
        for item in await self.find(gateway, {}, NEAR_MISS_WINDOW):
            matched = tuple(name for name, value in wanted.items() if self.checks[name](item, value))
            if wanted and len(matched) == len(wanted):
                continue
            mismatched = tuple(name for name in wanted if name not in matched)
            misses.append(NearMiss(item=item, matched=matched, mismatched=mismatched))
        misses.sort(key=lambda miss: -len(miss.matched))  # a stable sort: the newest first among equals
        if any(miss.matched for miss in misses):
            misses = [miss for miss in misses if miss.matched]
        return misses[:limit]


def _normalise(noun: str, name: str, raw: str) -> str:
    value = raw.strip()
    if name == "to" or (name == "from" and noun != "message"):  # a message's "from" may be a sender id
        # An unencoded '+' arrives as a space; spaces inside a number are only for reading.
        number = value.replace(" ", "").lstrip("+")
        if not (is_whole_number(number) and 6 <= len(number) <= 15):
            raise InvalidRequest(f"{name}: {raw!r} is not an international phone number", field=name)
        return number
    if name in _CHOICES:
        value = value.lower() if name == "kind" else value.upper()
        if value not in _CHOICES[name]:
            raise InvalidRequest(f"{name}: {value!r} is not one of {', '.join(_CHOICES[name])}", field=name)
    return value


#: The filters that take one of a few values, written as the items carry them.
_CHOICES = {"status": [*MessageStatus], "state": [*DeliveryState], "kind": ["status", "mo"]}


async def wait_for(gateway: Gateway, spec: Spec[T], wanted: Wanted, within: float) -> T | None:
    """The newest match as soon as one exists, or ``None`` after ``within`` seconds of real time."""
    wake = asyncio.Event()

    def listener(event: Event) -> None:
        if event.kind in spec.wakes:
            wake.set()

    stop = gateway.subscribe(listener)  # before the first look, so nothing slips between the two
    forget = gateway.on_stop(wake.set)
    try:
        await gateway.heard_everywhere()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            wake.clear()
            if gateway.stopping:
                raise ShuttingDown()
            found = await spec.newest(gateway, wanted)
            remaining = deadline - loop.time()
            if found is not None or remaining <= 0:
                return found
            with contextlib.suppress(TimeoutError):  # then one last look
                await asyncio.wait_for(wake.wait(), remaining)
    finally:
        stop()
        forget()


def one_time_code(text: str) -> str | None:
    found = CODE.search(text)
    return found.group(0) if found else None


# -- messages ---------------------------------------------------------------------------------------------
#: Each message filter, and the field of ``MessageQuery`` that is the store's own filter for it.
_MESSAGE_FIELDS = {"to": "destination", "text": "text", "from": "origin", "account": "account", "provider": "provider"}


def _message_query(wanted: Wanted, limit: int) -> MessageQuery:
    fields: dict[str, Any] = {_MESSAGE_FIELDS[name]: value for name, value in wanted.items()}
    return MessageQuery(**fields, limit=limit)


def _message_check(name: str, message: Message, value: str) -> bool:
    return _message_query({name: value}, limit=1).matches(message)


async def _find_messages(gateway: Gateway, wanted: Wanted, limit: int) -> list[Message]:
    return list((await gateway.messages(_message_query(wanted, limit))).items)


def _message_summary(m: Message) -> str:
    origin = f" from {m.origin}" if m.origin else ""
    return f"message {m.id} to +{m.destination}{origin} via {m.provider}: {m.text!r} ({m.status})"


MESSAGES: Spec[Message] = Spec(
    noun="message",
    # Each check is the store's own filter for that one field, so near misses agree with matches.
    checks={name: partial(_message_check, name) for name in _MESSAGE_FIELDS},
    wakes=frozenset({"message", "reset"}),
    find=_find_messages,
    summary=_message_summary,
)


# -- the store's filters of notifications, MOs and callbacks ------------------------------------------------
#: The filters of notifications, MOs and callbacks whose field of ``EventQuery`` (the store's own filter for
#: it) has another name; the others have the filter's.
_EVENT_FIELDS = {"message": "message_id", "order_id": "part_id", "state": "status", "from": "phone", "text": "keyword"}


def _event_query(wanted: Wanted, limit: int) -> EventQuery:
    fields: dict[str, Any] = {_EVENT_FIELDS.get(name, name): value for name, value in wanted.items()}
    return EventQuery(**fields, limit=limit)


# -- notifications ------------------------------------------------------------------------------------------
async def _find_notifications(gateway: Gateway, wanted: Wanted, limit: int) -> list[Notification]:
    query = _event_query(wanted, limit)
    total = await gateway.count_notifications(query)  # the store lists oldest first
    items = await gateway.notifications(replace(query, offset=max(0, total - limit)))
    return items[::-1]


def _notification_summary(n: Notification) -> str:
    reason = f" {n.reason}" if n.reason else ""
    code = f" ({n.code})" if n.code else ""
    return f"notification {n.status}{reason}{code} for message {n.message_id} part {n.part_index + 1} ({n.part_id})"


NOTIFICATIONS: Spec[Notification] = Spec(
    noun="notification",
    checks={
        "message": lambda n, v: n.message_id == v,
        "order_id": lambda n, v: n.part_id == v,
        "status": lambda n, v: n.status.value == v,
        "account": lambda n, v: n.account == v,
    },
    wakes=frozenset({"notification", "reset"}),
    find=_find_notifications,
    summary=_notification_summary,
)


# -- MOs ----------------------------------------------------------------------------------------------------
async def _find_mos(gateway: Gateway, wanted: Wanted, limit: int) -> list[MoMessage]:
    query = _event_query(wanted, limit)
    total = await gateway.count_mos(query)
    items = await gateway.mos(replace(query, offset=max(0, total - limit)))
    return items[::-1]


MOS: Spec[MoMessage] = Spec(
    noun="MO",
    checks={
        "from": lambda m, v: m.sender == v,
        "text": lambda m, v: v.lower() in m.text.lower(),
        "account": lambda m, v: m.account == v,
    },
    wakes=frozenset({"mo", "reset"}),
    find=_find_mos,
    summary=lambda m: f"MO {m.id} from +{m.sender} to {m.recipient}: {m.text!r}",
)


# -- callbacks ----------------------------------------------------------------------------------------------
async def _find_callbacks(gateway: Gateway, wanted: Wanted, limit: int) -> list[Delivery]:
    return await gateway.deliveries(_event_query(wanted, limit))


def _callback_summary(d: Delivery) -> str:
    last = d.attempts[-1].status if d.attempts else None
    return f"{d.kind} callback {d.id} to {d.call.url} ({d.state}, {len(d.attempts)} attempts, last answer {last})"


CALLBACKS: Spec[Delivery] = Spec(
    noun="callback",
    checks={
        "message": lambda d, v: d.message_id == v,
        "kind": lambda d, v: d.kind == v,
        "state": lambda d, v: d.state.value == v,
        "account": lambda d, v: d.account == v,
    },
    # A delivery is recorded just after the notification or MO it carries, and again after each attempt.
    wakes=frozenset({"callback", "notification", "mo", "clock", "reset"}),
    find=_find_callbacks,
    summary=_callback_summary,
)


SPECS: dict[str, Spec[Any]] = {"messages": MESSAGES, "notifications": NOTIFICATIONS, "mo": MOS, "callbacks": CALLBACKS}
