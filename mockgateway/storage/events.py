"""Notifications and MOs as flat rows, and the filters that apply to them."""

from __future__ import annotations

from mockgateway.domain.model import EventQuery, MessageStatus, MoMessage, Notification
from mockgateway.storage.rows import Row

_NEGATIVE = frozenset({MessageStatus.RETRYING.value, MessageStatus.FAILED.value})


def notification_to_row(n: Notification) -> Row:
    return (
        n.id, n.message_id, n.account, n.provider, n.part_index, n.part_id, n.status.value, n.created_at,
        n.reason, n.code, None if n.retriable is None else int(n.retriable), n.destination, n.scenario,
    )  # fmt: skip


def row_to_notification(row: Row) -> Notification:
    (id_, message_id, account, provider, part_index, part_id, status, created_at, reason, code, retriable,
     destination, scenario) = row  # fmt: skip
    return Notification(
        id=str(id_),
        message_id=str(message_id),
        account=str(account),
        provider=str(provider),
        part_index=int(part_index or 0),
        part_id=str(part_id),
        status=MessageStatus(str(status)),
        created_at=float(created_at or 0),
        reason=None if reason is None else str(reason),
        code=None if code is None else str(code),
        retriable=None if retriable is None else bool(retriable),
        destination=str(destination or ""),
        scenario=None if scenario is None else str(scenario),
    )


def mo_to_row(m: MoMessage) -> Row:
    return (m.id, m.account, m.provider, m.sender, m.recipient, m.text, m.received_at, m.in_reply_to)


def row_to_mo(row: Row) -> MoMessage:
    id_, account, provider, sender, recipient, text, received_at, in_reply_to = row
    return MoMessage(
        id=str(id_),
        account=str(account),
        provider=str(provider),
        sender=str(sender),
        recipient=str(recipient),
        text=str(text),
        received_at=float(received_at or 0),
        in_reply_to=None if in_reply_to is None else str(in_reply_to),
    )


def notification_matches(q: EventQuery, n: Notification) -> bool:
    return (
        (q.account is None or n.account == q.account)
        and (q.message_id is None or n.message_id == q.message_id)
        and (q.part_id is None or n.part_id == q.part_id)
        and (q.status is None or _status_matches(q.status, n.status.value))
        and (q.since is None or n.created_at >= q.since)
        and (q.until is None or n.created_at <= q.until)
    )


def mo_matches(q: EventQuery, m: MoMessage) -> bool:
    return (
        (q.account is None or m.account == q.account)
        and (q.message_id is None or m.in_reply_to == q.message_id)
        and (q.phone is None or m.sender == q.phone.lstrip("+"))
        and (q.keyword is None or q.keyword.lower() in m.text.lower())
        and (q.since is None or m.received_at >= q.since)
        and (q.until is None or m.received_at <= q.until)
    )


def _status_matches(wanted: str, status: str) -> bool:
    if wanted.lower() == "all":
        return True
    if wanted.lower() == "nok":
        return status in _NEGATIVE
    return wanted.upper() == status
