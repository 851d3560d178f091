"""HTTP API 1.6 listings in plain text: sent messages (``smsList.do``) and replies received (``responseList.do``).

One record per line, fields separated by `` | `` as documented. Sent messages are separated by a blank line, as
the public PHP client reads them. A line break inside a text would end its record early, so it becomes a space.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from mockgateway.dialects import fields as f
from mockgateway.dialects.smsmode import wire
from mockgateway.dialects.smsmode.callbacks import short_number
from mockgateway.dialects.smsmode.requests import local_minute, whole_number
from mockgateway.domain.model import Message, MoMessage
from mockgateway.domain.queries import EventQuery, MessageQuery
from mockgateway.service.gateway import Gateway

DEFAULT_COUNT = 50  #: documented default of both lists
MAX_COUNT = 10_000  #: our limit; smsmode documents none
_ALL = 2**31


@dataclass(frozen=True, slots=True)
class Window:
    """Which replies ``responseList.do`` lists: a page from the newest, or those received within two dates."""

    start: int = 0
    count: int = DEFAULT_COUNT
    since: float | None = None
    until: float | None = None


def one_line(text: str) -> str:
    return " ".join(text.splitlines())


# -- smsList.do ------------------------------------------------------------------------------------------
async def sent_list(gateway: Gateway, account: str, params: Mapping[str, str]) -> str:
    """``smsID | sent_date | text | first recipient | credits | recipients |`` per send, newest first."""
    count = whole_number(params, "offset", DEFAULT_COUNT, 1, MAX_COUNT)
    page = await gateway.messages(MessageQuery(account=account, provider=wire.PROVIDER, limit=_ALL))
    sends: dict[str, list[Message]] = {}
    for message in page.items:
        sms_id = str(message.option("smsID", ""))
        if sms_id not in sends and len(sends) == count:
            break
        sends.setdefault(sms_id, []).append(message)
    return "\n\n".join(_sent_line(sms_id, list(reversed(messages))) for sms_id, messages in sends.items())


def _sent_line(sms_id: str, messages: list[Message]) -> str:
    first = messages[0]
    sent = wire.local_time(first.created_at).strftime("%d/%m/%Y %H:%M")
    credits = sum(len(message.part_ids) for message in messages)
    return f"{sms_id} | {sent} | {one_line(first.text)} | {first.destination} | {credits} | {len(messages)} |"


# -- responseList.do --------------------------------------------------------------------------------------
def reply_window(params: Mapping[str, str]) -> Window:
    """Paging (``start``, ``offset``: the page size) or dates (``startDate`` with ``endDate``), not both."""
    dates = [params.get(name, "").strip() for name in ("startDate", "endDate")]
    if not any(dates):
        start = whole_number(params, "start", 0, 0, _ALL)
        return Window(start=start, count=whole_number(params, "offset", DEFAULT_COUNT, 1, MAX_COUNT))
    if not all(dates):
        raise f.invalid("startDate" if not dates[0] else "endDate", "startDate and endDate go together")
    if params.get("start", "").strip() or params.get("offset", "").strip():
        raise f.invalid("start", "start and offset cannot be used with startDate and endDate")
    since, until = local_minute(dates[0], "startDate"), local_minute(dates[1], "endDate")
    if until < since:
        raise f.invalid("endDate", "must not be before startDate")
    return Window(count=_ALL, since=since, until=until)


async def reply_list(gateway: Gateway, account: str, window: Window) -> str:
    """``responseID | reception_date | from | text | to | smsID`` per reply, newest first."""
    query = EventQuery(account=account, since=window.since, until=window.until, limit=_ALL)
    replies = [mo for mo in reversed(await gateway.mos(query)) if mo.provider == wire.PROVIDER]
    lines = [await _reply_line(gateway, mo) for mo in replies[window.start : window.start + window.count]]
    return "\n".join(lines)


async def _reply_line(gateway: Gateway, mo: MoMessage) -> str:
    replied_to = await gateway.find_message(mo.in_reply_to) if mo.in_reply_to else None
    sms_id = str(replied_to.option("smsID", "")) if replied_to else ""
    received = wire.local_time(mo.received_at).strftime("%d%m%Y-%H:%M")
    return f"{wire.alnum_id(mo.id)} | {received} | {mo.sender} | {one_line(mo.text)} | {short_number(mo)} | {sms_id}"
