"""Notifications and MOs as flat rows, and the filters that apply to them."""

from __future__ import annotations

from collections.abc import Callable

from mockgateway.domain.model import VALUE_OF, EventQuery, MessageStatus, MoMessage, Notification
from mockgateway.storage.rows import Row

NEGATIVE = frozenset({MessageStatus.RETRYING.value, MessageStatus.FAILED.value})


def notification_to_row(n: Notification) -> Row:
    (id_, message_id, account, provider, part_index, part_id, status, created_at, reason, code, retriable,
     destination, scenario) = n  # fmt: skip
    return (
        id_, message_id, account, provider, part_index, part_id, VALUE_OF[status], created_at, reason, code,
        None if retriable is None else int(retriable), destination, scenario,
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


#: Column positions in the rows above.
N_ID, N_MESSAGE, N_ACCOUNT, N_PART_ID, N_STATUS, N_TIME = 0, 1, 2, 5, 6, 7
M_ID, M_ACCOUNT, M_SENDER, M_TEXT, M_TIME, M_REPLY_TO = 0, 1, 3, 5, 6, 7
NOK = "nok"


def status_filter(wanted: str | None) -> str | None:
    """``None`` for every status, ``"nok"`` for every negative one, else a ``MessageStatus`` value."""
    if wanted is None or wanted.lower() == "all":
        return None
    return NOK if wanted.lower() == NOK else wanted.upper()


def status_values(wanted: str | None) -> frozenset[str] | None:
    status = status_filter(wanted)
    if status is None:
        return None
    return NEGATIVE if status == NOK else frozenset({status})


def notification_filter(q: EventQuery) -> Callable[[Row], bool]:
    """Whether a notification row matches every filter of ``q`` (paging aside)."""
    statuses = status_values(q.status)
    since = float("-inf") if q.since is None else q.since
    until = float("inf") if q.until is None else q.until

    def keep(r: Row) -> bool:
        return (
            (q.account is None or r[N_ACCOUNT] == q.account)
            and (q.message_id is None or r[N_MESSAGE] == q.message_id)
            and (q.part_id is None or r[N_PART_ID] == q.part_id)
            and (statuses is None or r[N_STATUS] in statuses)
            and since <= float(r[N_TIME] or 0) <= until
        )

    return keep


def mo_filter(q: EventQuery) -> Callable[[Row], bool]:
    phone = None if q.phone is None else q.phone.lstrip("+")
    keyword = None if q.keyword is None else q.keyword.lower()
    since = float("-inf") if q.since is None else q.since
    until = float("inf") if q.until is None else q.until

    def keep(r: Row) -> bool:
        return (
            (q.account is None or r[M_ACCOUNT] == q.account)
            and (q.message_id is None or r[M_REPLY_TO] == q.message_id)
            and (phone is None or r[M_SENDER] == phone)
            and (keyword is None or keyword in str(r[M_TEXT]).lower())
            and since <= float(r[M_TIME] or 0) <= until
        )

    return keep
