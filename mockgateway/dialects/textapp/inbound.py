"""``GetSMSInbound`` and ``GetSMSReply``: messages handsets sent, each handed out once.

``GetSMSInbound`` hands out the messages to one of the account's inbound numbers (replies as well as new
messages); ``GetSMSReply`` the replies to its replyMethodID 3 messages, as TextApp documents.
"""

from __future__ import annotations

from mockgateway.clock import to_datetime
from mockgateway.dialects.textapp.callbacks import international
from mockgateway.dialects.textapp.codes import PROVIDER, Table, refuse
from mockgateway.dialects.textapp.params import number_digits
from mockgateway.dialects.textapp.sendsms import STORED
from mockgateway.domain.model import Message, MoMessage
from mockgateway.domain.queries import EventQuery
from mockgateway.service.gateway import Gateway

INBOUND_COLUMNS = ("ID", "Originator", "Destination", "Keyword", "Date", "Time", "Body", "Network")
REPLY_COLUMNS = ("ID", "ClientMessageReference", "Originator", "Destination", "Date", "Time", "Body", "OriginalBody")
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
    # The gateway has no operator behind a handset, so Network stays empty.
    rows = [
        (mo.id, f"+{mo.sender}", international(mo.recipient), mo.keyword, *_received(mo), mo.text, "")
        for mo in messages
    ]
    return Table("SMSInbounds", "InboundSMS", INBOUND_COLUMNS, tuple(rows))


async def take_replies(gateway: Gateway, account: str, reference: str | None) -> list[tuple[MoMessage, Message]]:
    """New replies to the account's replyMethodID 3 messages, for one clientMessageReference or (blank) all."""
    found = []
    for mo in await gateway.mos(EventQuery(account=account, limit=_ALL)):
        message = await gateway.find_message(mo.in_reply_to) if mo.in_reply_to else None  # None: gone with retention
        if message is None or message.provider != PROVIDER or message.option("replyMethodID") != STORED:
            continue
        if reference is None or message.client_ref == reference:
            found.append((mo, message))
    fresh = set(await gateway.hand_out(account, "textapp:replies", [mo.id for mo, _ in found]))
    return [(mo, message) for mo, message in found if mo.id in fresh]


def replies_table(replies: list[tuple[MoMessage, Message]]) -> Table:
    rows = [
        (
            str(number),
            message.client_ref or "",
            f"+{mo.sender}",
            international(mo.recipient),
            *_received(mo),
            mo.text,
            message.text,
        )
        for number, (mo, message) in enumerate(replies, start=1)
    ]
    return Table("Replies", "Reply", REPLY_COLUMNS, tuple(rows))


def _received(mo: MoMessage) -> tuple[str, str]:
    """The Date and Time columns."""
    received = to_datetime(mo.received_at)
    return received.strftime("%Y-%m-%d"), received.strftime("%H:%M:%S")
