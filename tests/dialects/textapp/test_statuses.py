"""A status query's code per part: the part's own latest code, final (4xx/5xx) as soon as that part is."""

from __future__ import annotations

from mockgateway.dialects.textapp.statuses import PartStatus, part_statuses
from mockgateway.domain.model import Encoding, Message, MessageStatus, Notification
from mockgateway.domain.reasons import resolve_step
from tests.conftest import T0

S = MessageStatus
MESSAGE = Message(
    id="1000000001",
    account="demo",
    provider="textapp",
    destination="447812234567",
    origin="MyShop",
    text="x" * 200,
    encoding=Encoding.GSM7,
    part_ids=("1000000001", "1000000002"),
    created_at=T0,
)


def notification(part: int, status: MessageStatus, reason: str | None = None) -> Notification:
    """As the engine makes it: ``resolve_step`` picks the code for a reason."""
    resolved, code, retriable = resolve_step("textapp", status, reason, None) if reason else (None, None, None)
    return Notification(
        f"n{part}{status.value}", MESSAGE.id, "demo", "textapp", part, MESSAGE.part_ids[part], status, T0, resolved,
        code, retriable, MESSAGE.destination,
    )  # fmt: skip


def codes(*notifications: Notification) -> list[str]:
    return [entry.code for entry in part_statuses(MESSAGE, notifications)]


def test_sending_before_any_report() -> None:
    assert part_statuses(MESSAGE, []) == [
        PartStatus(part=1, total=2, destination="+447812234567", code="601", description="Sending"),
        PartStatus(part=2, total=2, destination="+447812234567", code="601", description="Sending"),
    ]


def test_a_retried_part_is_in_transit_and_each_part_ends_with_its_own_final_code() -> None:
    sent = (notification(0, S.SENT), notification(1, S.SENT))
    retrying = notification(1, S.RETRYING, "network_temporary")
    assert codes(*sent, retrying) == ["602", "603"]
    delivered = notification(0, S.DELIVERED)
    assert codes(*sent, retrying, delivered) == ["400", "603"]
    assert codes(*sent, retrying, delivered, notification(1, S.FAILED, "network_temporary")) == ["400", "512"]


def test_other_messages_notifications_are_ignored() -> None:
    other = notification(0, S.DELIVERED)._replace(message_id="1000000009")
    assert codes(other) == ["601", "601"]
