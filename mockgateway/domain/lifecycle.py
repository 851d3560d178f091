"""Which status changes a message part may go through, and what they make of the message."""

from __future__ import annotations

from collections.abc import Sequence

from msgspec.structs import replace

from mockgateway.domain.model import Message, MessageStatus

S = MessageStatus


def is_final(status: MessageStatus, handset_ack: bool) -> bool:
    """Whether a part in ``status`` takes no more changes. When the client asked for a handset acknowledgement,
    the SMS-C's DELIVERED is not the end: the handset's RECEIVED still follows, and is the final one."""
    if status is S.DELIVERED:
        return not handset_ack
    return status.is_final


def allowed(current: MessageStatus, new: MessageStatus, handset_ack: bool = False) -> bool:
    """A final part takes no more changes: after DELIVERED only the handset's RECEIVED, and only when asked for."""
    if current is S.DELIVERED:
        return handset_ack and new is S.RECEIVED
    return not current.is_final and new is not S.ACCEPTED


def overall(parts: Sequence[MessageStatus]) -> MessageStatus:
    """One status for a message from the statuses of its parts."""
    if len(parts) == 1:  # most messages: the part's own status is the message's
        return parts[0]
    if all(p.is_final for p in parts):
        if S.FAILED in parts:
            return S.FAILED
        return S.RECEIVED if all(p is S.RECEIVED for p in parts) else S.DELIVERED
    if S.RETRYING in parts:
        return S.RETRYING
    return S.SENT if any(p is not S.ACCEPTED for p in parts) else S.ACCEPTED


def advance(message: Message, index: int, status: MessageStatus, at: float, reason: str | None) -> Message | None:
    """``message`` after its part ``index`` moved to ``status`` at ``at``; ``None`` when the lifecycle forbids it.

    The message's status follows from its parts, a ``reason`` replaces the one it had, and its revision goes up
    by one (what a store's compare-and-set goes by).
    """
    parts = message.part_statuses or (S.ACCEPTED,) * len(message.part_ids)
    if not allowed(parts[index], status, message.handset_ack):
        return None
    parts = (status,) if len(parts) == 1 else (*parts[:index], status, *parts[index + 1 :])
    return replace(
        message,
        status=overall(parts),
        status_at=at,
        reason=reason or message.reason,
        part_statuses=parts,
        revision=message.revision + 1,
    )
