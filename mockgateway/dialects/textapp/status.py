"""``GetSMSStatus``: the current status of every part of every destination of a message, found by the
``clientMessageReference`` it was sent with, in the codes of TextApp's status notifications."""

from __future__ import annotations

from mockgateway.dialects.textapp.callbacks import code_for_status, status_code
from mockgateway.dialects.textapp.codes import PROVIDER
from mockgateway.dialects.textapp.render import Table
from mockgateway.domain.model import Message, MessageStatus, Notification
from mockgateway.domain.queries import EventQuery, MessageQuery
from mockgateway.domain.reasons import CODES
from mockgateway.service.gateway import Gateway

COLUMNS = ("CurrentPart", "TotalPart", "Destination", "StatusCode", "StatusName", "StatusDescription")
#: Enough to reach every message the store still keeps.
_ALL = 2**31

#: TextApp's published delivery statuses (its StatusNotificationUrl page), as the catalogue words them.
STATUS_DESCRIPTIONS: dict[str, str] = {row.code: row.description for row in CODES if row.provider == PROVIDER}
#: The group each code's first digit puts it in: 4xx final successful, 5xx final unsuccessful, 6xx intermediate.
STATUS_NAMES = {"4": "Delivered", "5": "Failed", "6": "Pending"}
#: The group a part's status must be reported in: a final part never reads as still in progress.
_GROUP = {
    MessageStatus.ACCEPTED: "6",
    MessageStatus.SENT: "6",
    MessageStatus.RETRYING: "6",
    MessageStatus.DELIVERED: "4",
    MessageStatus.RECEIVED: "4",
    MessageStatus.FAILED: "5",
}
#: Only should the catalogue give a status no code of its group.
_DEFAULTS = {"4": "400", "5": "511", "6": "601"}


async def sent_with_reference(gateway: Gateway, account: str, reference: str) -> list[Message]:
    """The account's TextApp messages sent with ``reference``, oldest first (one per destination)."""
    page = await gateway.messages(MessageQuery(account=account, provider=PROVIDER, limit=_ALL))
    return [message for message in reversed(page.items) if message.client_ref == reference]


async def statuses_table(gateway: Gateway, messages: list[Message]) -> Table:
    rows: list[tuple[str, ...]] = []
    for message in messages:
        latest = await _latest_per_part(gateway, message)
        total = len(message.part_ids)
        for index in range(total):
            code = part_code(message.part_status(index), latest.get(index))
            name = STATUS_NAMES[code[0]]
            rows.append((str(index + 1), str(total), f"+{message.destination}", code, name, STATUS_DESCRIPTIONS[code]))
    return Table("Statuses", "Status", COLUMNS, tuple(rows))


def part_code(status: MessageStatus, latest: Notification | None) -> str:
    """The code the part's latest notification carried, when it is a published one in the group of the part's
    status; else the status's own code (a part with no notification yet is 601 "Sending")."""
    group = _GROUP[status]
    candidates = (status_code(latest) if latest is not None else None, code_for_status(status))
    return next((code for code in candidates if code in STATUS_DESCRIPTIONS and code[0] == group), _DEFAULTS[group])


async def _latest_per_part(gateway: Gateway, message: Message) -> dict[int, Notification]:
    notifications = await gateway.notifications(EventQuery(message_id=message.id, limit=_ALL))
    return {notification.part_index: notification for notification in notifications}  # oldest first: last wins
