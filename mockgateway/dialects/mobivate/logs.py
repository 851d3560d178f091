"""Message logs: ``GET /message`` (search) and ``GET /message/{id}``, outbound (MT) and incoming (MO)."""

from __future__ import annotations

from typing import Any

from mockgateway.dialects.base import WireRequest, WireResponse, json_response
from mockgateway.dialects.mobivate.ids import core_id_of
from mockgateway.dialects.mobivate.records import message_record, mo_record
from mockgateway.dialects.mobivate.search import Search, parse_search
from mockgateway.dialects.mobivate.wire import PROVIDER
from mockgateway.domain.errors import NotFound
from mockgateway.domain.model import Account, MessageStatus
from mockgateway.domain.queries import EventQuery, MessageQuery
from mockgateway.service.gateway import Gateway

_ALL = 2**31  #: searches filter by date here, so the core is asked for everything of the account


class MessageLogs:
    def __init__(self, gateway: Gateway) -> None:
        self._gateway = gateway

    async def search(self, account: Account, request: WireRequest) -> WireResponse:
        search = parse_search(request.query, with_direction=True)
        found: list[tuple[float, dict[str, Any]]] = []
        if search.direction in (None, "MT"):
            found.extend(await self._outbound(account.name, search))
        if search.direction in (None, "MO"):
            found.extend(await self._incoming(account.name, search))
        found.sort(key=lambda item: item[0], reverse=True)
        return json_response(search.slice([record for _, record in found]))

    async def one(self, account: Account, request: WireRequest) -> WireResponse:
        core_id = core_id_of(request.params.get("id", ""))
        if core_id is None:
            raise NotFound("no such message", field="id")
        message = await self._gateway.find_message(core_id)
        if message is not None and message.account == account.name and message.provider == PROVIDER:
            codes = await self._codes(EventQuery(message_id=message.id, limit=_ALL))
            return json_response(message_record(message, codes.get((message.id, message.status))))
        for mo in await self._gateway.mos(EventQuery(account=account.name, limit=_ALL)):
            if mo.id == core_id and mo.provider == PROVIDER:
                return json_response(mo_record(mo))
        raise NotFound("no such message", field="id")

    async def _outbound(self, account: str, search: Search) -> list[tuple[float, dict[str, Any]]]:
        page = await self._gateway.messages(MessageQuery(account=account, provider=PROVIDER, limit=_ALL))
        matched = [m for m in page.items if search.within(m.created_at)]
        if not matched:
            return []
        codes = await self._codes(EventQuery(account=account, since=search.start, limit=_ALL))
        return [(m.created_at, message_record(m, codes.get((m.id, m.status)))) for m in matched]

    async def _incoming(self, account: str, search: Search) -> list[tuple[float, dict[str, Any]]]:
        mos = await self._gateway.mos(EventQuery(account=account, since=search.start, limit=_ALL))
        mine = [mo for mo in mos if mo.provider == PROVIDER and search.within(mo.received_at)]
        return [(mo.received_at, mo_record(mo)) for mo in mine]

    async def _codes(self, query: EventQuery) -> dict[tuple[str, MessageStatus], str | None]:
        """The code last reported for each (message, status), so the log names what the receipts said."""
        notes = await self._gateway.notifications(query)
        return {(n.message_id, n.status): n.code for n in notes if n.provider == PROVIDER}
