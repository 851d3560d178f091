"""The default store: everything in process memory, as compact rows, indexed for the pull queries."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from typing import TYPE_CHECKING

from mockgateway.domain.model import (
    Delivery,
    EventQuery,
    Message,
    MessageQuery,
    MessageStatus,
    MoMessage,
    Notification,
    Outcome,
    Page,
)
from mockgateway.service.ports import BusyUntil
from mockgateway.storage import events as ev
from mockgateway.storage.eventlog import Columns, EventLog, RowFilter
from mockgateway.storage.expiry import KEEP, ExpiryQueue
from mockgateway.storage.records import (
    KIND,
    MESSAGE_ID,
    SUBJECT_ID,
    Record,
    delivery_matches,
    delivery_to_record,
    record_kept_from,
    record_to_delivery,
    with_outcome,
)
from mockgateway.storage.rows import (
    ACCOUNT,
    CREATED_AT,
    PART_IDS,
    STATUS_AT,
    Row,
    message_to_row,
    row_to_message,
    with_part_status,
)

if TYPE_CHECKING:
    from mockgateway.service.ports import Store


def _notification_keys(row: Row) -> Iterable[Hashable]:
    account, status = row[ev.N_ACCOUNT], row[ev.N_STATUS]
    if status in ev.NEGATIVE:
        return ((account, status), (account, ev.NOK))
    return ((account, status),)


def _no_keys(row: Row) -> Iterable[Hashable]:
    return ()


class _Table(dict):  # type: ignore[type-arg]
    """A dict that the cyclic GC always tracks.

    A plain dict of untracked rows is untracked too, until the next fresh row goes in: it then re-enters the
    youngest generation and every later full collection walks all of its entries (10-30 ms at 100k rows). The
    GC never untracks a subclass, so when the store is built before ``serve`` calls ``gc.freeze()`` the table
    stays frozen and no collection walks it again.
    """

    __slots__ = ()


class InMemoryStore:
    #: About 2-3 ms of work per purge call with a million stored ACKs.
    purge_batch = 500

    def __init__(self) -> None:
        self._messages: dict[str, Row] = _Table()
        self._kept_per_account: Counter[str] = Counter()  #: for an account's cap, without a scan per send
        self._message_expiry = ExpiryQueue()
        self._message_late: dict[str, float] = {}
        self._notifications = EventLog(Columns(ev.N_ID, ev.N_ACCOUNT, ev.N_TIME, ev.N_PART_ID, _notification_keys))
        self._mos = EventLog(Columns(ev.M_ID, ev.M_ACCOUNT, ev.M_TIME, None, _no_keys))
        self._deliveries: dict[str, Record] = _Table()
        self._delivery_expiry = ExpiryQueue()
        self._high: int | None = None

    async def open(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def generation(self) -> int:
        return 0

    async def last_numeric_id(self) -> int | None:
        # Worked out when asked (once, at start-up) rather than on every send.
        self._saw_ids(part for row in self._messages.values() for part in str(row[PART_IDS]).split(" "))
        return self._high

    def _saw_ids(self, ids: Iterable[str]) -> None:
        for i in ids:
            if i.isdigit():
                number = int(i)
                if self._high is None or number > self._high:
                    self._high = number

    # -- messages ---------------------------------------------------------------------------------
    async def add_messages(self, messages: Sequence[Message]) -> None:
        put = self._put_message
        for message in messages:
            put(message)

    async def update_message(self, message: Message) -> None:
        self._put_message(message)

    async def set_part_status(
        self, message_id: str, part_index: int, status: MessageStatus, at: float, reason: str | None
    ) -> Message | None:
        row = self._messages.get(message_id)
        updated = None if row is None else with_part_status(row, part_index, status, at, reason)
        if updated is None:
            return None
        self._messages[message_id] = updated
        return row_to_message(updated)

    def _put_message(self, message: Message) -> None:
        message_id = message.id
        if message_id not in self._messages:
            self._kept_per_account[message.account] += 1
            # A deferred message is created in the future; it arrived when it was stored.
            created, stored = message.created_at, message.status_at
            self._message_expiry.add(message_id, stored if stored is not None and stored < created else created)
        self._messages[message_id] = message_to_row(message)

    async def get_message(self, message_id: str) -> Message | None:
        row = self._messages.get(message_id)
        return None if row is None else row_to_message(row)

    async def list_messages(self, query: MessageQuery) -> Page:
        matched = [m for m in map(row_to_message, reversed(self._messages.values())) if query.matches(m)]
        items = tuple(matched[query.offset : query.offset + query.limit])
        return Page(items=items, total=len(matched), offset=query.offset, limit=query.limit)

    async def delete_messages(self, query: MessageQuery | None = None) -> int:
        if query is None:
            count = len(self._messages)
            self._messages.clear()
            self._kept_per_account.clear()
            self._message_late.clear()
            return count
        doomed = [key for key, row in self._messages.items() if query.matches(row_to_message(row))]
        for key in doomed:
            self._forget_message(key)
        return len(doomed)

    async def count_messages(self, account: str) -> int:
        return self._kept_per_account[account]

    def _forget_message(self, message_id: str) -> None:
        row = self._messages.pop(message_id, None)
        if row is not None:
            self._kept_per_account[str(row[ACCOUNT])] -= 1
        self._message_late.pop(message_id, None)

    def _message_retention(self, message_id: str, busy_until: BusyUntil | None = None) -> float | None:
        row = self._messages.get(message_id)
        if row is None:
            return None
        busy = busy_until(message_id) if busy_until is not None else None
        return max(
            float(row[CREATED_AT] or 0),
            float(row[STATUS_AT] or 0),
            self._message_late.get(message_id, 0.0),
            busy or 0.0,
        )

    # -- notifications ----------------------------------------------------------------------------
    async def add_notification(self, notification: Notification) -> None:
        self._notifications.add(ev.notification_to_row(notification))

    async def list_notifications(self, query: EventQuery) -> list[Notification]:
        keep, key, residual, candidates = self._notification_plan(query)
        if candidates is not None:
            rows: Sequence[Row] = candidates[query.offset : query.offset + query.limit]
        else:
            rows = self._notifications.page(key, query.since, query.until, keep, residual, query.offset, query.limit)
        return [ev.row_to_notification(row) for row in rows]

    async def count_notifications(self, query: EventQuery) -> int:
        keep, key, residual, candidates = self._notification_plan(query)
        if candidates is not None:
            return len(candidates)
        return self._notifications.count(key, query.since, query.until, keep, residual)

    def _notification_plan(
        self, q: EventQuery
    ) -> tuple[RowFilter, Hashable | None, RowFilter | None, list[Row] | None]:
        """The filter, the series to read (``None``: all accounts), what the series leaves to filter, and, for
        an order or message, the matching rows themselves."""
        keep = ev.notification_filter(q)
        if q.part_id is not None or q.message_id is not None:
            candidates = self._by_order(q)
            if candidates is not None:
                return keep, None, keep, [row for row in candidates if keep(row)]
            return keep, q.account, keep, None
        if q.account is None:
            return keep, None, keep, None
        status = ev.status_filter(q.status)
        return keep, (q.account if status is None else (q.account, status)), None, None

    def _by_order(self, q: EventQuery) -> list[Row] | None:
        """Candidates from the order-id index: one part, or every part of a message still stored."""
        log = self._notifications
        if q.part_id is not None:
            return list(log.by_exact(q.part_id))
        message = self._messages.get(q.message_id or "")
        if message is None:
            return None
        parts = str(message[PART_IDS]).split(" ")
        rows = [row for part in parts for row in log.by_exact(part)]
        return sorted(rows, key=lambda row: float(row[ev.N_TIME] or 0)) if len(parts) > 1 else rows

    # -- MOs --------------------------------------------------------------------------------------
    async def add_mo(self, mo: MoMessage) -> None:
        self._mos.add(ev.mo_to_row(mo))
        self._saw_ids((mo.id,))

    async def list_mos(self, query: EventQuery) -> list[MoMessage]:
        keep, key, residual = self._mo_plan(query)
        rows = self._mos.page(key, query.since, query.until, keep, residual, query.offset, query.limit)
        return [ev.row_to_mo(row) for row in rows]

    async def count_mos(self, query: EventQuery) -> int:
        keep, key, residual = self._mo_plan(query)
        return self._mos.count(key, query.since, query.until, keep, residual)

    @staticmethod
    def _mo_plan(q: EventQuery) -> tuple[RowFilter, str | None, RowFilter | None]:
        keep = ev.mo_filter(q)
        plain = q.message_id is None and q.phone is None and q.keyword is None
        return keep, q.account, (None if plain and q.account is not None else keep)

    # -- callback deliveries ----------------------------------------------------------------------
    async def save_delivery(self, delivery: Delivery) -> None:
        delivery_id, created_at = delivery.id, delivery.created_at
        deliveries = self._deliveries
        if delivery_id not in deliveries:
            self._delivery_expiry.add(delivery_id, created_at)
        record = deliveries[delivery_id] = delivery_to_record(delivery)
        self._retain(record)

    async def save_outcome(self, delivery_id: str, outcome: Outcome) -> bool:
        # The saved record updated in place of a whole new one: every pushed callback comes through here.
        saved = self._deliveries.get(delivery_id)
        if saved is None:
            return False
        record = self._deliveries[delivery_id] = with_outcome(saved, outcome)
        self._retain(record)
        return True

    def _retain(self, record: Record) -> None:
        """A finished delivery moves the retention start of what it carried to when it finished."""
        kept = record_kept_from(record)
        if kept is None:
            return
        log = self._notifications if record[KIND] == "status" else self._mos
        log.touch(str(record[SUBJECT_ID]), kept)
        message_id = None if record[MESSAGE_ID] is None else str(record[MESSAGE_ID])
        if message_id is not None and message_id in self._messages:
            late = self._message_late
            if kept > late.get(message_id, kept - 1):
                late[message_id] = kept

    async def get_delivery(self, delivery_id: str) -> Delivery | None:
        record = self._deliveries.get(delivery_id)
        return None if record is None else record_to_delivery(record)

    async def list_deliveries(self, query: EventQuery) -> list[Delivery]:
        matched = (
            r
            for r in reversed(self._deliveries.values())
            if delivery_matches(r, query.account, query.message_id, query.kind, query.status)
        )
        return [record_to_delivery(r) for i, r in enumerate(matched) if i >= query.offset][: query.limit]

    def _delivery_retention(self, delivery_id: str) -> float | None:
        record = self._deliveries.get(delivery_id)
        if record is None:
            return None
        kept = record_kept_from(record)
        return KEEP if kept is None else kept

    def _forget_delivery(self, delivery_id: str) -> None:
        self._deliveries.pop(delivery_id, None)

    # -- retention and reset ----------------------------------------------------------------------
    async def purge(self, older_than: float, limit: int, busy_until: BusyUntil | None = None) -> int:
        work = self._notifications.purge(older_than, limit)
        work += self._mos.purge(older_than, limit - work)

        def retention(message_id: str) -> float | None:
            return self._message_retention(message_id, busy_until)

        work += self._message_expiry.purge(older_than, limit - work, retention, self._forget_message)
        expiry = self._delivery_expiry
        work += expiry.purge(older_than, limit - work, self._delivery_retention, self._forget_delivery)
        return work

    async def clear(self) -> None:
        self._messages.clear()
        self._kept_per_account.clear()
        self._message_expiry.clear()
        self._message_late.clear()
        self._notifications.clear()
        self._mos.clear()
        self._deliveries.clear()
        self._delivery_expiry.clear()


if TYPE_CHECKING:

    def _is_a_store(store: InMemoryStore) -> Store:
        return store  # mypy proves the store fits the service's port
