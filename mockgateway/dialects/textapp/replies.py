"""``GetSMSReply``: replies to replyMethodID 3 messages, each handed out once, as TextApp documents."""

from __future__ import annotations

from mockgateway.clock import to_datetime
from mockgateway.dialects.textapp.callbacks import international
from mockgateway.dialects.textapp.codes import PROVIDER
from mockgateway.dialects.textapp.render import Table
from mockgateway.dialects.textapp.sendsms import STORED
from mockgateway.domain.model import Message, MoMessage
from mockgateway.domain.queries import EventQuery
from mockgateway.service.gateway import Gateway

COLUMNS = ("ID", "ClientMessageReference", "Originator", "Destination", "Date", "Time", "Body", "OriginalBody")
#: Enough to reach every reply the store still keeps.
_ALL = 1_000_000


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
    rows = []
    for number, (mo, message) in enumerate(replies, start=1):
        received = to_datetime(mo.received_at)
        rows.append(
            (
                str(number),
                message.client_ref or "",
                f"+{mo.sender}",
                international(mo.recipient),
                received.strftime("%Y-%m-%d"),
                received.strftime("%H:%M:%S"),
                mo.text,
                message.text,
            )
        )
    return Table("Replies", "Reply", COLUMNS, tuple(rows))
