"""TextApp's status of each part of a message, as a status query reports it: the same codes as the pushes.

TextApp reports per part and destination, so a part's answer is its own latest notification's code: final
(4xx/5xx) as soon as that part is, whatever the message's other parts or destinations still do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mockgateway.dialects.textapp.callbacks import status_code
from mockgateway.dialects.textapp.codes import PROVIDER
from mockgateway.domain.model import Message, Notification
from mockgateway.domain.reasons import find_code

SENDING = "601"  #: "Sending": taken, nothing reported yet


@dataclass(frozen=True, slots=True)
class PartStatus:
    part: int  #: 1-based, as ``partcurrent``
    total: int
    destination: str  #: ``+`` and the number
    code: str
    description: str


def part_statuses(message: Message, notifications: Iterable[Notification]) -> list[PartStatus]:
    """One entry per part of ``message``, from its notifications (oldest first)."""
    latest: dict[int, Notification] = {}
    for notification in notifications:
        if notification.message_id == message.id:
            latest[notification.part_index] = notification
    total = len(message.part_ids)
    return [_entry(message, index, total, latest.get(index)) for index in range(total)]


def description(code: str) -> str:
    row = find_code(PROVIDER, code)
    return row.description if row else "Delivery failure - reason to be clarified"


def _entry(message: Message, index: int, total: int, latest: Notification | None) -> PartStatus:
    code = SENDING if latest is None else status_code(latest)
    return PartStatus(
        part=index + 1, total=total, destination=f"+{message.destination}", code=code, description=description(code)
    )
