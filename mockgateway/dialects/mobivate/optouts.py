"""The account's opt-out list: ``/addressbook/optout`` (list, add, delete) and ``DELETE /optout``.

The list is the core's, so a handset that replied STOP is on it (note ``MO``) next to numbers added through
the API (note ``API``).
"""

from __future__ import annotations

from typing import Any

import orjson

from mockgateway.dialects import fields as f
from mockgateway.dialects.base import WireRequest, WireResponse
from mockgateway.dialects.mobivate.records import optout_record
from mockgateway.dialects.mobivate.requests import load_json_object
from mockgateway.dialects.mobivate.search import parse_search
from mockgateway.dialects.mobivate.wire import epoch_ms
from mockgateway.domain.errors import InvalidRequest, NotFound
from mockgateway.domain.model import Account
from mockgateway.service.gateway import Gateway


class OptOuts:
    def __init__(self, gateway: Gateway) -> None:
        self._gateway = gateway
        #: (account, number) -> when it was added through the API; an entry with another time came from a STOP.
        self._via_api: dict[tuple[str, str], float] = {}

    async def listing(self, account: Account, request: WireRequest) -> WireResponse:
        search = parse_search(request.query)
        entries = sorted(self._gateway.opt_outs(account.name).items(), key=lambda item: item[1], reverse=True)
        records = [
            optout_record(account.name, mobile, created, self._note(account.name, mobile, created))
            for mobile, created in entries
            if search.within(created)
        ]
        return WireResponse(200, orjson.dumps(search.slice(records)))

    async def add(self, account: Account, request: WireRequest) -> WireResponse:
        mobile = _mobile(request.body)
        if not self._gateway.is_opted_out(account.name, mobile):
            self._gateway.opt_out(account.name, mobile)
            self._via_api[(account.name, mobile)] = self._gateway.opt_outs(account.name)[mobile]
        return WireResponse(200, orjson.dumps(self._entry(account.name, mobile)))

    async def delete(self, account: Account, request: WireRequest) -> WireResponse:
        mobile = _mobile(request.body)
        if not self._gateway.is_opted_out(account.name, mobile):
            raise NotFound(f"{mobile} is not opted out", field="mobile")
        entry = self._entry(account.name, mobile)
        self._gateway.opt_in(account.name, mobile)
        self._via_api.pop((account.name, mobile), None)
        return WireResponse(200, orjson.dumps(entry))

    def _entry(self, account: str, mobile: str) -> dict[str, Any]:
        created = self._gateway.opt_outs(account)[mobile]
        return {"mobile": mobile, "note": self._note(account, mobile, created), "created": epoch_ms(created)}

    def _note(self, account: str, mobile: str, created: float) -> str:
        return "API" if self._via_api.get((account, mobile)) == created else "MO"


def _mobile(body: bytes) -> str:
    data = load_json_object(body)
    raw = data.get("mobile")
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    try:
        return f.msisdn(raw, "mobile")
    except InvalidRequest:
        raise InvalidRequest("Invalid mobile number", field="mobile") from None
