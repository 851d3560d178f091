"""The account's opt-out list: ``/addressbook/optout`` (list, add, delete) and ``DELETE /optout``.

The list is the core's, so a handset that replied STOP is on it (note ``MO``) next to numbers added through
the API (note ``API``).
"""

from __future__ import annotations

import hashlib
from typing import Any

from mockgateway.dialects import fields as f
from mockgateway.dialects.base import WireRequest, WireResponse, json_response
from mockgateway.dialects.mobivate.logs import parse_search
from mockgateway.dialects.mobivate.wire import epoch_ms
from mockgateway.domain.errors import InvalidRequest, NotFound
from mockgateway.domain.model import Account
from mockgateway.domain.state import OptOut, OptOutVia
from mockgateway.service.gateway import Gateway


async def listing(gateway: Gateway, account: Account, request: WireRequest) -> WireResponse:
    search = parse_search(request.query)
    records = [
        {"id": _id(account.name, entry), **_entry(entry)}
        for entry in reversed(gateway.opt_outs(account.name))  # newest first
        if search.within(entry.at)
    ]
    return json_response(search.slice(records))


async def add(gateway: Gateway, account: Account, request: WireRequest) -> WireResponse:
    entry = gateway.opt_out(account.name, _mobile(request.body), via=OptOutVia.API)
    await gateway.saved()
    return json_response(_entry(entry))


async def delete(gateway: Gateway, account: Account, request: WireRequest) -> WireResponse:
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
    data = f.json_object(body, why=False)
    raw = data.get("mobile")
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    try:
        return f.msisdn(raw, "mobile")
    except InvalidRequest:
        raise InvalidRequest("Invalid mobile number", field="mobile") from None
