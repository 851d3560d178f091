"""``GetSMSInbound``: messages handsets sent to one of the account's inbound numbers, each handed out once."""

from __future__ import annotations

from mockgateway.clock import to_datetime
from mockgateway.dialects.textapp.callbacks import international
from mockgateway.dialects.textapp.codes import refuse
from mockgateway.dialects.textapp.params import number_digits
from mockgateway.dialects.textapp.render import Table
from mockgateway.domain.model import MoMessage
from mockgateway.domain.queries import EventQuery
from mockgateway.service.gateway import Gateway

COLUMNS = ("ID", "Originator", "Destination", "Keyword", "Date", "Time", "Body", "Network")
MAX_NUMBER = 16
MAX_KEYWORD = 20
#: Enough to reach every inbound message the store still keeps.
_ALL = 1_000_000


async def take_inbound(gateway: Gateway, account: str, number: str, keyword: str | None) -> list[MoMessage]:
    """New messages to ``number`` (any of ``+44…``, ``0044…``, ``44…`` or a short code), optionally only those
    whose first word is ``keyword``, oldest first."""
    wanted = number_digits(number)
    found = [
        mo
        for mo in await gateway.mos(EventQuery(account=account, limit=_ALL))
        if number_digits(mo.recipient) == wanted and (keyword is None or mo.keyword == keyword.upper())
    ]
    fresh = set(await gateway.hand_out(account, "textapp:inbound", [mo.id for mo in found]))
    return [mo for mo in found if mo.id in fresh]


def check_number(raw: str | None) -> str:
    if raw is None:
        raise refuse(309, "number", "required, the inbound number or short code")
    value = raw.strip()
    if len(number_digits(value)) > MAX_NUMBER:
        raise refuse(335, "number", f"at most {MAX_NUMBER} digits")
    return value


def check_keyword(raw: str | None) -> str | None:
    value = raw.strip() if raw is not None else None
    if value is not None and len(value) > MAX_KEYWORD:
        raise refuse(336, "keyword", f"at most {MAX_KEYWORD} characters")
    return value or None


def inbound_table(messages: list[MoMessage]) -> Table:
    rows = []
    for mo in messages:
        received = to_datetime(mo.received_at)
        date, time = received.strftime("%Y-%m-%d"), received.strftime("%H:%M:%S")
        # The gateway has no operator behind a handset, so Network stays empty.
        rows.append((mo.id, f"+{mo.sender}", international(mo.recipient), mo.keyword, date, time, mo.text, ""))
    return Table("SMSInbounds", "InboundSMS", COLUMNS, tuple(rows))
