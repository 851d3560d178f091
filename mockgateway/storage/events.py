"""The filters of the event queries (notifications and MOs), for the in-memory store and SQLite's statements."""

from __future__ import annotations

from collections.abc import Callable

from mockgateway.domain.model import EventQuery, MessageStatus, MoMessage, Notification

NEGATIVE = frozenset({MessageStatus.RETRYING, MessageStatus.FAILED})
NOK = "nok"


def status_filter(wanted: str | None) -> str | None:
    """``None`` for every status, ``"nok"`` for every negative one, else a ``MessageStatus`` value."""
    if wanted is None or wanted.lower() == "all":
        return None
    return NOK if wanted.lower() == NOK else wanted.upper()


def status_values(wanted: str | None) -> frozenset[str] | None:
    """The status values ``wanted`` stands for (a ``MessageStatus`` equals its value); ``None``: any."""
    status = status_filter(wanted)
    if status is None:
        return None
    return NEGATIVE if status == NOK else frozenset({status})


def notification_filter(q: EventQuery) -> Callable[[Notification], bool]:
    """Whether a notification matches every filter of ``q`` (paging aside)."""
    statuses = status_values(q.status)
    since = float("-inf") if q.since is None else q.since
    until = float("inf") if q.until is None else q.until

    def keep(n: Notification) -> bool:
        return (
            (q.account is None or n.account == q.account)
            and (q.message_id is None or n.message_id == q.message_id)
            and (q.part_id is None or n.part_id == q.part_id)
            and (statuses is None or n.status in statuses)
            and since <= n.created_at <= until
        )

    return keep


def mo_filter(q: EventQuery) -> Callable[[MoMessage], bool]:
    phone = None if q.phone is None else q.phone.lstrip("+")
    keyword = None if q.keyword is None else q.keyword.lower()
    since = float("-inf") if q.since is None else q.since
    until = float("inf") if q.until is None else q.until

    def keep(m: MoMessage) -> bool:
        return (
            (q.account is None or m.account == q.account)
            and (q.message_id is None or m.in_reply_to == q.message_id)
            and (phone is None or m.sender == phone)
            and (keyword is None or keyword in m.text.lower())
            and since <= m.received_at <= until
        )

    return keep
