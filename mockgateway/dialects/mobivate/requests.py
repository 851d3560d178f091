"""Parsing of ``/send/single`` and ``/send/batch`` bodies into core terms."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from mockgateway.dialects import fields as f
from mockgateway.dialects.mobivate.wire import PROVIDER, parse_moment
from mockgateway.domain.model import CallbackTarget, PartSizes, Scalar, SendRequest

MAX_BATCH = 1000
#: Mobivate publishes no body limit; ten concatenated parts is far beyond any real use of the mock.
MAX_BODY_CHARS = 1600
#: 160 GSM / 70 Unicode per part as Mobivate states; concatenated sizes are the usual 153 / 67.
PART_SIZES = PartSizes(gsm7=(160, 153), ucs2=(70, 67))
_ALPHA_SENDER = re.compile(r"^[A-Za-z0-9 .&'_-]{1,11}$")
_NUMERIC_SENDER = re.compile(r"^\+?[0-9]{1,15}$")  # [0-9], not \d: other scripts' digits make no number


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message of a send request, as the client wrote it."""

    originator: str
    recipient: str  #: E.164 digits
    text: str
    route_id: str  #: the message's own route, else the campaign's
    reference: str | None
    own_route_id: str | None = None  #: as the message gave it: a campaign echoes null for an inherited route


def originator(value: object, name: str) -> str:
    """A sender id: up to 11 letters and digits, or a number of up to 15 digits."""
    if not isinstance(value, str) or not value.strip():
        raise f.invalid(name, "is required, a sender name or number")
    text = value.strip()
    if not (_NUMERIC_SENDER.match(text) or _ALPHA_SENDER.match(text)):
        raise f.invalid(name, f"{value!r} is not a sender name of up to 11 characters or a number of up to 15 digits")
    return text


def recipient(value: object, name: str) -> str:
    if value is None:
        raise f.invalid(name, "is required")
    return f.msisdn(value, name)


def route_id(data: dict[str, Any]) -> str:
    return f.required_str(data, "routeId", max_len=64)


def callback(data: dict[str, Any]) -> tuple[CallbackTarget, ...]:
    url = data.get("callbackURL")
    return () if url is None or url == "" else (CallbackTarget(url=f.http_url(url, "callbackURL")),)


def parse_single(data: dict[str, Any]) -> tuple[Outgoing, str | None, tuple[CallbackTarget, ...]]:
    """The message, its ``campaignId`` and its receipt target."""
    outgoing = Outgoing(
        originator=originator(data.get("originator"), "originator"),
        recipient=recipient(data.get("recipient"), "recipient"),
        text=f.required_str(data, "body", max_len=MAX_BODY_CHARS),
        route_id=route_id(data),
        reference=f.optional_str(data, "reference"),
    )
    return outgoing, f.optional_str(data, "campaignId"), callback(data)


@dataclass(frozen=True, slots=True)
class Campaign:
    route_id: str
    name: str | None
    schedule: str | None
    shorten_urls: bool
    spread_hours: int
    exclude_optouts: bool
    exclude_duplicates: bool
    callbacks: tuple[CallbackTarget, ...]
    messages: tuple[Outgoing, ...]


def parse_batch(data: dict[str, Any]) -> Campaign:
    default_route = route_id(data)
    schedule = f.optional_str(data, "scheduleDateTime", max_len=40)
    if schedule is not None:
        parse_moment(schedule, "scheduleDateTime")
    return Campaign(
        route_id=default_route,
        name=f.optional_str(data, "name"),
        schedule=schedule,
        shorten_urls=f.optional_bool(data, "shortenUrls"),
        spread_hours=f.optional_int(data, "spreadHours") or 0,
        # Mobivate documents both exclusions as on unless the campaign turns them off.
        exclude_optouts=f.optional_bool(data, "excludeOptouts", default=True),
        exclude_duplicates=f.optional_bool(data, "excludeDuplicates", default=True),
        callbacks=callback(data),
        messages=_batch_messages(data.get("messages"), default_route),
    )


def _batch_messages(raw: object, default_route: str) -> tuple[Outgoing, ...]:
    if raw is None:
        raise f.invalid("messages", "is required")
    if not isinstance(raw, list) or not raw:
        raise f.invalid("messages", "must be a non-empty array of messages")
    if len(raw) > MAX_BATCH:
        raise f.invalid("messages", f"must list at most {MAX_BATCH} messages, got {len(raw)}")
    return tuple(_batch_message(item, f"messages[{i}]", default_route) for i, item in enumerate(raw))


def _batch_message(item: object, name: str, default_route: str) -> Outgoing:
    if not isinstance(item, dict):
        raise f.invalid(name, "must be an object with originator, recipient and text")
    # The fields under their full names, so that an error names ``messages[i].text`` and not ``text``.
    named = {f"{name}.{key}": value for key, value in item.items()}
    own_route = f.required_str(named, f"{name}.routeId") if item.get("routeId") is not None else None
    return Outgoing(
        originator=originator(item.get("originator"), f"{name}.originator"),
        recipient=recipient(item.get("recipient"), f"{name}.recipient"),
        text=f.required_str(named, f"{name}.text", max_len=MAX_BODY_CHARS),
        route_id=own_route or default_route,
        reference=f.optional_str(named, f"{name}.reference"),
        own_route_id=own_route,
    )


def send_request(account: str, message: Outgoing, *, campaign_id: str | None, batch_id: str,
                 callbacks: tuple[CallbackTarget, ...]) -> SendRequest:  # fmt: skip
    options: dict[str, Scalar] = {"routeId": message.route_id, "batchId": batch_id, "campaignId": campaign_id}
    return SendRequest(
        account=account,
        provider=PROVIDER,
        destinations=(message.recipient,),
        text=message.text,
        origin=message.originator,
        part_sizes=PART_SIZES,
        client_ref=message.reference,
        callbacks=callbacks,
        options=f.compact(options),
    )
