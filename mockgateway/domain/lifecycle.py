"""Which status changes a message part may go through, and the message's overall status."""

from __future__ import annotations

from collections.abc import Sequence

from mockgateway.domain.model import FINAL_STATUSES, MessageStatus

S = MessageStatus
# Plain names: on Python 3.11 ``MessageStatus.X`` is a Python-level call, and every due notification asks
# whether its change is allowed.
_ACCEPTED, _DELIVERED, _RECEIVED = S.ACCEPTED, S.DELIVERED, S.RECEIVED


def is_final(status: MessageStatus, handset_ack: bool) -> bool:
    """Whether a part in ``status`` takes no more changes. When the client asked for a handset acknowledgement,
    the SMS-C's DELIVERED is not the end: the handset's RECEIVED still follows, and is the final one."""
    if status is _DELIVERED:
        return not handset_ack
    return status in FINAL_STATUSES


def allowed(current: MessageStatus, new: MessageStatus, handset_ack: bool = False) -> bool:
    """A final part takes no more changes: after DELIVERED only the handset's RECEIVED, and only when asked for."""
    if current is _DELIVERED:
        return handset_ack and new is _RECEIVED
    return current not in FINAL_STATUSES and new is not _ACCEPTED


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
    if any(p is not S.ACCEPTED for p in parts):
        return S.SENT
    return S.ACCEPTED
