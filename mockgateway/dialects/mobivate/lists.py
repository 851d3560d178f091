"""The account's searchable lists, their records and the query parameters they share (date range, paging, direction).

Message logs: ``GET /message`` (search) and ``GET /message/{id}``, outbound (MT) and incoming (MO). The opt-out
list: ``/addressbook/optout`` (list, add, delete) and ``DELETE /optout``. The list is the core's, so a handset that
replied STOP is on it (note ``MO``) next to numbers added through the API (note ``API``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mockgateway.dialects import fields as f
from mockgateway.dialects.base import WireRequest, WireResponse, json_response
from mockgateway.dialects.mobivate.wire import PROVIDER, core_id_of, epoch_ms, hex_id, log_time, parse_date, wire_status
from mockgateway.domain.durations import is_whole_number
from mockgateway.domain.errors import InvalidRequest, NotFound
from mockgateway.domain.model import Account, Message, MessageStatus, MoMessage
from mockgateway.domain.queries import ALL, EventQuery, MessageQuery
from mockgateway.domain.state import OptOut, OptOutVia
from mockgateway.encoding import segment
from mockgateway.service.gateway import Gateway

CURRENCY = "GBP"
#: Mobivate's prices are per account and not public; a flat made-up price per part keeps costs plausible.
PRICE_PER_PART = 0.045


@dataclass(frozen=True, slots=True)
class Search:
    """``start`` inclusive, ``end`` exclusive (a bare end date covers its whole day); pages count from 1."""

    start: float | None
    end: float | None
    page: int
    page_size: int
    direction: str | None  #: None: both

    def within(self, moment: float) -> bool:
        return (self.start is None or moment >= self.start) and (self.end is None or moment < self.end)

    def slice(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        first = (self.page - 1) * self.page_size
        return records[first : first + self.page_size]


def parse_search(query: Mapping[str, str], *, with_direction: bool = False) -> Search:
    start = _date(query, "startDate")
    end = _date(query, "endDate", end=True)
    if start is not None and end is not None and end <= start:
        raise f.invalid("endDate", "must be after startDate")
    direction = None
    if with_direction and query.get("direction", "").strip():
        direction = query["direction"].strip().upper()
        if direction not in ("MO", "MT"):
            raise f.invalid("direction", f"{query['direction']!r} is not one of MO, MT")
    return Search(
        start=start,
        end=end,
        page=_integer(query, "page", 1, minimum=1, maximum=1_000_000),
        page_size=_integer(query, "pageSize", 10, minimum=1, maximum=1000),
        direction=direction,
    )


def _date(query: Mapping[str, str], name: str, *, end: bool = False) -> float | None:
    raw = query.get(name, "")
    return parse_date(raw, name, end=end) if raw.strip() else None


def _integer(query: Mapping[str, str], name: str, default: int, *, minimum: int, maximum: int) -> int:
    raw = query.get(name, "").strip()
    if not raw:
        return default
    if not is_whole_number(raw.removeprefix("-")):
        raise f.invalid(name, f"{raw!r} is not a whole number")
    value = int(raw)
    if not minimum <= value <= maximum:
        raise f.invalid(name, f"must be between {minimum} and {maximum}")
    return value


async def search(gateway: Gateway, account: Account, request: WireRequest) -> WireResponse:
    search = parse_search(request.query, with_direction=True)
    found: list[tuple[float, dict[str, Any]]] = []
    events = EventQuery(account=account.name, provider=PROVIDER, since=search.start, limit=ALL)
    if search.direction in (None, "MT"):
        page = await gateway.messages(MessageQuery(account=account.name, provider=PROVIDER, limit=ALL))
        matched = [m for m in page.items if search.within(m.created_at)]
        codes = await _codes(gateway, events) if matched else {}
        found.extend((m.created_at, message_record(m, codes.get((m.id, m.status)))) for m in matched)
    if search.direction in (None, "MO"):
        mos = await gateway.mos(events)
        found.extend((mo.received_at, mo_record(mo)) for mo in mos if search.within(mo.received_at))
    found.sort(key=lambda item: item[0], reverse=True)
    return json_response(search.slice([record for _, record in found]))


async def one(gateway: Gateway, account: Account, request: WireRequest) -> WireResponse:
    core_id = core_id_of(request.params.get("id", ""))
    if core_id is None:
        raise NotFound("no such message", field="id")
    message = await gateway.find_message(core_id)
    if message is not None and message.account == account.name and message.provider == PROVIDER:
        codes = await _codes(gateway, EventQuery(message_id=message.id, provider=PROVIDER, limit=ALL))
        return json_response(message_record(message, codes.get((message.id, message.status))))
    for mo in await gateway.mos(EventQuery(account=account.name, provider=PROVIDER, limit=ALL)):
        if mo.id == core_id:
            return json_response(mo_record(mo))
    raise NotFound("no such message", field="id")


async def _codes(gateway: Gateway, query: EventQuery) -> dict[tuple[str, MessageStatus], str | None]:
    """The code last reported for each (message, status), so the log names what the receipts said."""
    return {(n.message_id, n.status): n.code for n in await gateway.notifications(query)}


def message_record(message: Message, code: str | None = None) -> dict[str, Any]:
    """A message log entry; ``code`` is the provider code last reported for the message's status."""
    parts = len(message.part_ids)
    # To an opted-out or blacklisted recipient: refused before it was sent, so nothing is billed.
    refused = message.status is MessageStatus.FAILED and message.reason == "blocked_recipient"
    return {
        "id": hex_id(message.id),
        "created": log_time(message.created_at),
        "modified": log_time(message.status_at or message.created_at),
        "originator": message.origin,
        "recipient": message.destination,
        "body": message.text,
        "status": wire_status(message.status, code, message.reason).name,
        "direction": "MT",
        "inReplyTo": None,
        "routeId": message.option("routeId"),
        "parts": parts,
        "cost": 0 if refused else round(parts * PRICE_PER_PART, 4),
        "currency": CURRENCY,
        "senderReference": message.client_ref,
        "campaignId": message.option("campaignId"),
    }


def mo_record(mo: MoMessage) -> dict[str, Any]:
    """An incoming message in the log: received, free of charge."""
    return {
        "id": hex_id(mo.id),
        "created": log_time(mo.received_at),
        "modified": log_time(mo.received_at),
        "originator": mo.sender,
        "recipient": mo.recipient,
        "body": mo.text,
        "status": "DELIVERED",
        "direction": "MO",
        "inReplyTo": hex_id(mo.in_reply_to) if mo.in_reply_to else None,
        "routeId": None,
        "parts": len(segment(mo.text).parts),
        "cost": 0.0,  # a float like every other cost: typed clients read the field as a decimal
        "currency": CURRENCY,
        "senderReference": None,
        "campaignId": None,
    }


# -- the opt-out list -------------------------------------------------------------------------------------------
async def optout_list(gateway: Gateway, account: Account, request: WireRequest) -> WireResponse:
    search = parse_search(request.query)
    records = [
        {"id": _id(account.name, entry), **_entry(entry)}
        for entry in reversed(gateway.opt_outs(account.name))  # newest first
        if search.within(entry.at)
    ]
    return json_response(search.slice(records))


async def optout_add(gateway: Gateway, account: Account, request: WireRequest) -> WireResponse:
    entry = gateway.opt_out(account.name, _mobile(request.body), via=OptOutVia.API)
    await gateway.saved()
    return json_response(_entry(entry))


async def optout_delete(gateway: Gateway, account: Account, request: WireRequest) -> WireResponse:
    mobile = _mobile(request.body)
    entry = next((e for e in gateway.opt_outs(account.name) if e.number == mobile), None)
    if entry is None:
        raise NotFound(f"{mobile} is not opted out", field="mobile")
    gateway.opt_in(account.name, mobile)
    await gateway.saved()
    return json_response(_entry(entry))


def _entry(entry: OptOut) -> dict[str, Any]:
    return {"mobile": entry.number, "note": entry.via.value, "created": epoch_ms(entry.at)}


def _id(account: str, entry: OptOut) -> int:
    """A stable integer id per opt-out entry (a number opted out again gets a new one)."""
    digest = hashlib.sha1(f"{account}:{entry.number}:{epoch_ms(entry.at)}".encode()).hexdigest()
    return int(digest[:8], 16) % 900_000_000 + 100_000_000


def _mobile(body: bytes) -> str:
    raw = f.json_object(body, why=False).get("mobile")
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    try:
        return f.msisdn(raw, "mobile")
    except InvalidRequest:
        raise InvalidRequest("Invalid mobile number", field="mobile") from None
