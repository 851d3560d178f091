"""Live Link's pull API: ACKs at ``GET /api/v2/sms/status`` and MOs at ``GET /api/v2/sms/mo``, 10 per page.

Both take a UTC window (``startUTCTime`` included, ``endUTCTime`` excluded, ``yyyyMMddHHmm``) and a
``pageIndex`` from 1. An account sees only its own ACKs and MOs.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Mapping
from contextlib import suppress
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, TypeVar

from mockgateway.clock import iso
from mockgateway.dialects.base import WireResponse, json_response
from mockgateway.dialects.fields import invalid
from mockgateway.dialects.livelink.callbacks import Moment, ack_text, client_id, operator_id
from mockgateway.dialects.livelink.requests import PROVIDER
from mockgateway.domain.durations import is_whole_number
from mockgateway.domain.lifecycle import is_final
from mockgateway.domain.model import Account, MessageStatus, MoMessage, Notification
from mockgateway.domain.queries import EventQuery
from mockgateway.service.gateway import Gateway

PAGE_SIZE = 10
#: ``status`` values (compared without regard to case) and the core filter each stands for.
STATUS_FILTERS = {"all": None, "nok": "nok", "sent": "SENT", "delivered": "DELIVERED", "received": "RECEIVED"}
#: The swagger's ``PollStatus.status`` values, from the least to the furthest a part can get. An error ACK has no
#: value of its own there: it shows the furthest of these its part had reached (SENT at least: Live Link took it).
PULL_STATUSES = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.RECEIVED)
_MAX_KEY = 64
_INSTANT = 1e-6  #: the smallest step the gateway clock's epoch floats resolve
Item = TypeVar("Item", Notification, MoMessage)  #: what a pull lists


async def status(
    gateway: Gateway, account: Account, params: Mapping[str, str], list_key: str, moment: Moment
) -> WireResponse:
    query = _window(params, account)
    status = _text(params, "status") or "all"
    if status.lower() not in STATUS_FILTERS:
        raise invalid("status", f"{status!r} is not one of all, nok, SENT, DELIVERED, RECEIVED")
    query = replace(query, status=STATUS_FILTERS[status.lower()], part_id=_text(params, "orderId"))
    pages, items = await _page(params, query, gateway.count_notifications, gateway.notifications)
    asked = await gateway.asked_handset_ack(n.message_id for n in items)
    acks = [ack_item(n, await _reached(gateway, n), handset_ack=n.message_id in asked, moment=moment) for n in items]
    return json_response({"clientId": client_id(account), **pages, list_key: acks})


async def mo(gateway: Gateway, account: Account, params: Mapping[str, str]) -> WireResponse:
    keyword = _text(params, "keyword")
    query = replace(_window(params, account), keyword=keyword)
    pages, items = await _page(params, query, gateway.count_mos, gateway.mos)
    mos = [mo_item(m, client_id(account), keyword or "") for m in items]
    return json_response({**pages, "sapnotification": mos})


async def _reached(gateway: Gateway, n: Notification) -> MessageStatus:
    """The status ``n``'s part had reached by then: its own, or for an error the furthest before it."""
    if n.status in PULL_STATUSES:
        return n.status
    earlier = await gateway.notifications(EventQuery(account=n.account, part_id=n.part_id, until=n.created_at))
    reached = [e.status for e in earlier if e.status in PULL_STATUSES]
    return max(reached, key=PULL_STATUSES.index, default=PULL_STATUSES[0])


def ack_item(n: Notification, reached: MessageStatus, *, handset_ack: bool, moment: Moment) -> dict[str, Any]:
    """One ACK, in ``PollStatus``; ``messageBody`` is the ACK's sentence, as in the spec's example.

    ``status`` is ``reached``, a value of the spec's enum; an error ACK's code is in ``finalStatusIndicator``.
    DELIVERED is final only when the message asked for no handset acknowledgement (``handset_ack``).
    """
    return {
        "finalStatusIndicator": n.code or ("FINAL" if is_final(n.status, handset_ack) else "NOT_FINAL"),  # e.g. DB62
        "internalStatusId": n.code or n.status.value,
        "messageBody": ack_text(n, moment=moment),
        "operatorId": operator_id(n.destination),
        "orderId": n.part_id,
        "recipient": f"+{n.destination}",
        "status": reached.value,
        # The swagger's format is date-time, which has a zone: UTC's Z, as the documentation's example writes it.
        "timestamp": iso(n.created_at),
    }


def mo_item(mo: MoMessage, client: str, keyword: str) -> dict[str, Any]:
    """One MO, as the documentation shows it (``PollMo`` plus the order id it answers)."""
    return {
        "contentText": mo.text,
        "orderId": mo.in_reply_to or mo.id,
        "parameters": {"clientId": client, "keyword": keyword, "receivedTime": iso(mo.received_at)},
        "recipient": mo.recipient,
        "sender": f"tel:+{mo.sender}",
    }


# -- query parameters -----------------------------------------------------------------------------
def _text(query: Mapping[str, str], name: str) -> str | None:
    value = query.get(name)
    if value is None or not value.strip():
        return None
    if len(value) > _MAX_KEY:
        raise invalid(name, f"must be at most {_MAX_KEY} characters")
    return value.strip()


def _utc(query: Mapping[str, str], name: str) -> float:
    raw = query.get(name, "")
    text = raw.strip()
    if not text:
        raise invalid(name, "is required, a UTC time in yyyyMMddHHmm format")
    if len(text) == 12 and is_whole_number(text):  # strptime would read other scripts' digits
        with suppress(ValueError):  # a month 13, a 30 February
            return datetime.strptime(text, "%Y%m%d%H%M").replace(tzinfo=UTC).timestamp()
    raise invalid(name, f"{raw!r} is not a UTC time in yyyyMMddHHmm format, e.g. 201709011230")


def _window(query: Mapping[str, str], account: Account) -> EventQuery:
    since = _utc(query, "startUTCTime")
    until = _utc(query, "endUTCTime")
    if until < since:
        raise invalid("endUTCTime", "must not be before startUTCTime")
    # "Received after startUTCTime and before endUTCTime": the start instant is in, the end instant is not.
    # The account may also send through other providers: their ACKs and replies are not Live Link's to list.
    return EventQuery(account=account.name, provider=PROVIDER, since=since, until=until - _INSTANT)


def _page_index(query: Mapping[str, str]) -> int:
    raw = query.get("pageIndex", "")
    if not raw:
        return 1
    if not is_whole_number(raw.strip()) or len(raw.strip()) > 9:
        raise invalid("pageIndex", f"{raw!r} is not a page number (1, 2, ...)")
    page = int(raw)
    if page < 1:
        raise invalid("pageIndex", "pages are numbered from 1")
    return page


async def _page(
    params: Mapping[str, str],
    query: EventQuery,
    count: Callable[[EventQuery], Awaitable[int]],
    fetch: Callable[[EventQuery], Awaitable[list[Item]]],
) -> tuple[dict[str, int], list[Item]]:
    """The page ``pageIndex`` asks for of what ``query`` finds, with its ``pageCount`` and ``pageIndex``."""
    page = _page_index(params)
    last = math.ceil(await count(query) / PAGE_SIZE)
    if page > max(last, 1):
        raise invalid("pageIndex", f"page {page} is past the last page ({last})")
    items = await fetch(replace(query, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE))
    return {"pageCount": last, "pageIndex": page}, items
