"""Notifications and MOs: the filters of their queries (both stores), and how the in-memory store indexes them."""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterable
from dataclasses import replace
from operator import attrgetter

from mockgateway.domain.model import MessageStatus, MoMessage, Notification
from mockgateway.domain.queries import EventQuery
from mockgateway.storage.eventlog import Fields

NEGATIVE = frozenset({MessageStatus.RETRYING, MessageStatus.FAILED})
NOK = "nok"
NotificationFilter = Callable[[Notification], bool]
MoFilter = Callable[[MoMessage], bool]


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


def settle_provider(q: EventQuery, used: Collection[str]) -> EventQuery | None:
    """``q`` for one account's notifications, given the providers the account has had them from: the provider
    filter dropped when that is the only one (the account's indexes then answer it as they stand), ``None`` when
    it is not among them (nothing matches). Only an account that used several leaves it to be checked item by
    item, so a pull through one provider costs no more than before while the account uses only that one."""
    if q.provider is None or q.account is None:
        return q
    if q.provider not in used:
        return None
    return replace(q, provider=None) if len(used) == 1 else q


def notification_filter(q: EventQuery) -> NotificationFilter:
    """Whether a notification matches every filter of ``q`` (paging aside)."""
    statuses = status_values(q.status)
    since = float("-inf") if q.since is None else q.since
    until = float("inf") if q.until is None else q.until

    def keep(n: Notification) -> bool:
        return (
            (q.account is None or n.account == q.account)
            and (q.provider is None or n.provider == q.provider)
            and (q.message_id is None or n.message_id == q.message_id)
            and (q.part_id is None or n.part_id == q.part_id)
            and (statuses is None or n.status in statuses)
            and since <= n.created_at <= until
        )

    return keep


def mo_filter(q: EventQuery) -> MoFilter:
    phone = None if q.phone is None else q.phone.lstrip("+")
    keyword = None if q.keyword is None else q.keyword.lower()
    since = float("-inf") if q.since is None else q.since
    until = float("inf") if q.until is None else q.until

    def keep(m: MoMessage) -> bool:
        return (
            (q.account is None or m.account == q.account)
            and (q.provider is None or m.provider == q.provider)
            and (q.message_id is None or m.in_reply_to == q.message_id)
            and (phone is None or m.sender == phone)
            and (keyword is None or keyword in m.text.lower())
            and since <= m.received_at <= until
        )

    return keep


def _notification_keys(n: Notification) -> Iterable[Hashable]:
    account, status = n.account, n.status
    if status in NEGATIVE:
        return ((account, status), (account, NOK))
    return ((account, status),)


NOTIFICATION_FIELDS: Fields[Notification] = Fields(
    id=attrgetter("id"),
    account=attrgetter("account"),
    time=attrgetter("created_at"),
    exact=attrgetter("part_id"),
    extra_keys=_notification_keys,
)
MO_FIELDS: Fields[MoMessage] = Fields(
    id=attrgetter("id"), account=attrgetter("account"), time=attrgetter("received_at")
)
