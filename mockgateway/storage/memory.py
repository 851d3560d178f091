"""The default store: everything in process memory, indexed for the pull queries."""

from __future__ import annotations

import functools
import itertools
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING

from mockgateway.domain.job import Job
from mockgateway.domain.model import AttemptOutcome, Delivery, Message, MoMessage, Notification
from mockgateway.domain.queries import EventQuery, MessageQuery, Page
from mockgateway.service.ports import BusyUntil, JobJournal, Store
from mockgateway.storage import events as ev
from mockgateway.storage.deliveries import delivery_filter, kept_from
from mockgateway.storage.eventlog import KEEP, EventLog, ExpiryQueue
from mockgateway.storage.one_process import InMemoryState, NoPeers, StepsInTurn


class InMemoryStore(StepsInTurn):
    """Keeps the values themselves: they are immutable and untracked by the garbage collector."""

    #: About 2-3 ms of work per purge call with a million stored ACKs.
    purge_batch = 500

    def __init__(self) -> None:
        self._empty()
        self._high: int | None = None
        self.state = InMemoryState()  #: opt-outs, callback targets, grants and the clock
        self.peers = NoPeers()  #: one process: none

    def _empty(self) -> None:
        self._messages: dict[str, Message] = {}
        self._kept_per_account: Counter[str] = Counter()  #: for an account's cap, without a scan per send
        self._message_expiry = ExpiryQueue()
        self._message_late: dict[str, float] = {}
        self._notifications = EventLog(ev.NOTIFICATION_FIELDS)
        #: The providers each account's notifications came through (see ``events.settle_provider``).
        self._notification_providers: defaultdict[str, set[str]] = defaultdict(set)
        self._mos = EventLog(ev.MO_FIELDS)
        self._deliveries: dict[str, Delivery] = {}
        self._delivery_expiry = ExpiryQueue()

    async def open(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def ping(self) -> None:
        return None  # in this process: reachable while it runs

    async def generation(self) -> int:
        return 0

    async def last_numeric_id(self) -> int | None:
        # Worked out when asked (once, at start-up) rather than on every send.
        self._saw_ids(part for message in self._messages.values() for part in message.part_ids)
        return self._high

    def _saw_ids(self, ids: Iterable[str]) -> None:
        high = max((int(i) for i in ids if i.isdigit()), default=None)
        if high is not None and (self._high is None or high > self._high):
            self._high = high

    # -- messages ---------------------------------------------------------------------------------
    async def add_messages(self, messages: Sequence[Message]) -> None:
        kept = self._messages
        for message in messages:  # kept as given: it holds the send's shared configuration (``SharedConfigs``)
            message_id = message.id
            if message_id not in kept:
                self._kept_per_account[message.account] += 1
                # A deferred message is created in the future; it arrived when it was stored.
                created, stored = message.created_at, message.status_at
                self._message_expiry.add(message_id, stored if stored is not None and stored < created else created)
            kept[message_id] = message

    async def replace_message(self, current: Message, updated: Message) -> bool:
        # Identity: a message read from this store is the very one it holds until it is replaced.
        if self._messages.get(current.id) is not current:
            return False
        self._messages[current.id] = updated
        return True

    async def get_message(self, message_id: str) -> Message | None:
        return self._messages.get(message_id)

    async def list_messages(self, query: MessageQuery) -> Page:
        matched = [m for m in reversed(self._messages.values()) if query.matches(m)]
        items = tuple(matched[query.offset : query.offset + query.limit])
        return Page(items=items, total=len(matched), offset=query.offset, limit=query.limit)

    async def delete_messages(self, query: MessageQuery | None = None) -> int:
        doomed = [key for key, message in self._messages.items() if query is None or query.matches(message)]
        for key in doomed:
            self._forget_message(key)
        return len(doomed)

    async def count_messages(self, account: str) -> int:
        return self._kept_per_account[account]

    def _forget_message(self, message_id: str) -> None:
        message = self._messages.pop(message_id, None)
        if message is not None:
            self._kept_per_account[message.account] -= 1
        self._message_late.pop(message_id, None)

    def _message_retention(self, message_id: str, busy_until: BusyUntil | None = None) -> float | None:
        message = self._messages.get(message_id)
        if message is None:
            return None
        busy = (busy_until(message_id) if busy_until is not None else None) or 0.0
        return max(message.created_at, message.status_at or 0.0, self._message_late.get(message_id, 0.0), busy)

    # -- notifications ----------------------------------------------------------------------------
    async def add_notification(self, notification: Notification) -> None:
        self._notifications.add(notification)
        self._notification_providers[notification.account].add(notification.provider)

    async def list_notifications(self, query: EventQuery) -> list[Notification]:
        keep, key, residual, candidates = self._notification_plan(query)
        if candidates is not None:
            return candidates[query.offset : query.offset + query.limit]
        return self._notifications.page(key, query.since, query.until, keep, residual, query.offset, query.limit)

    async def count_notifications(self, query: EventQuery) -> int:
        keep, key, residual, candidates = self._notification_plan(query)
        if candidates is not None:
            return len(candidates)
        return self._notifications.count(key, query.since, query.until, keep, residual)

    def _notification_plan(
        self, query: EventQuery
    ) -> tuple[ev.NotificationFilter, Hashable | None, ev.NotificationFilter | None, list[Notification] | None]:
        """The filter, the series to read (``None``: all accounts), what the series leaves to filter, and, for
        an order or message or a provider the account never used, the matching notifications themselves."""
        q = ev.settle_provider(query, self._notification_providers.get(query.account or "", ()))
        if q is None:
            return ev.notification_filter(query), None, None, []  # a provider the account never used
        keep = ev.notification_filter(q)
        if q.part_id is not None or q.message_id is not None:
            candidates = self._by_order(q)
            if candidates is not None:
                return keep, None, keep, [n for n in candidates if keep(n)]
            return keep, q.account, keep, None
        if q.account is None:
            return keep, None, keep, None
        status = ev.status_filter(q.status)
        residual = None if q.provider is None else keep
        return keep, (q.account if status is None else (q.account, status)), residual, None

    def _by_order(self, q: EventQuery) -> list[Notification] | None:
        """Candidates from the order-id index: one part, or every part of a message still stored."""
        log = self._notifications
        if q.part_id is not None:
            return list(log.by_exact(q.part_id))
        message = self._messages.get(q.message_id or "")
        if message is None:
            return None
        parts = message.part_ids
        found = [n for part in parts for n in log.by_exact(part)]
        return sorted(found, key=attrgetter("created_at")) if len(parts) > 1 else found

    # -- MOs --------------------------------------------------------------------------------------
    async def add_mo(self, mo: MoMessage) -> None:
        self._mos.add(mo)
        self._saw_ids((mo.id,))

    async def add_reply(self, mo: MoMessage, *, deliveries: Sequence[Delivery], job: Job) -> None:
        for delivery in deliveries:  # no journal here: a job runs once in the process that holds it
            await self.save_delivery(delivery)
        await self.add_mo(mo)

    async def list_mos(self, query: EventQuery) -> list[MoMessage]:
        keep, key, residual = self._mo_plan(query)
        return self._mos.page(key, query.since, query.until, keep, residual, query.offset, query.limit)

    async def count_mos(self, query: EventQuery) -> int:
        keep, key, residual = self._mo_plan(query)
        return self._mos.count(key, query.since, query.until, keep, residual)

    @staticmethod
    def _mo_plan(q: EventQuery) -> tuple[ev.MoFilter, str | None, ev.MoFilter | None]:
        keep = ev.mo_filter(q)
        plain = q.message_id is None and q.phone is None and q.keyword is None and q.provider is None
        return keep, q.account, (None if plain and q.account is not None else keep)

    # -- callback deliveries ----------------------------------------------------------------------
    async def save_delivery(self, delivery: Delivery) -> None:
        if delivery.id not in self._deliveries:
            self._delivery_expiry.add(delivery.id, delivery.created_at)
        self._deliveries[delivery.id] = delivery
        self._retain(delivery)

    async def save_outcome(self, delivery_id: str, outcome: AttemptOutcome) -> bool:
        saved = self._deliveries.get(delivery_id)
        if saved is None:
            return False
        updated = self._deliveries[delivery_id] = saved.after(outcome)
        self._retain(updated)
        return True

    def _retain(self, delivery: Delivery) -> None:
        """A finished delivery moves the retention start of what it carried to when it finished."""
        kept = kept_from(delivery)
        if kept is None:
            return
        carried = self._notifications if delivery.kind == "status" else self._mos
        carried.touch(delivery.subject_id, kept)
        message_id = delivery.message_id
        if message_id is not None and message_id in self._messages:
            late = self._message_late
            if kept > late.get(message_id, kept - 1):
                late[message_id] = kept

    async def get_delivery(self, delivery_id: str) -> Delivery | None:
        return self._deliveries.get(delivery_id)

    async def list_deliveries(self, query: EventQuery) -> list[Delivery]:
        keep = delivery_filter(query)
        matched = (d for d in reversed(self._deliveries.values()) if keep(d))
        return list(itertools.islice(matched, query.offset, query.offset + query.limit))

    def _delivery_retention(self, delivery_id: str) -> float | None:
        delivery = self._deliveries.get(delivery_id)
        if delivery is None:
            return None
        kept = kept_from(delivery)
        return KEEP if kept is None else kept

    def _forget_delivery(self, delivery_id: str) -> None:
        self._deliveries.pop(delivery_id, None)

    # -- retention and reset ----------------------------------------------------------------------
    async def purge(self, older_than: float, limit: int, busy_until: BusyUntil | None = None) -> int:
        work = self._notifications.purge(older_than, limit)
        work += self._mos.purge(older_than, limit - work)
        retention = functools.partial(self._message_retention, busy_until=busy_until)
        work += self._message_expiry.purge(older_than, limit - work, retention, self._forget_message)
        expiry = self._delivery_expiry
        work += expiry.purge(older_than, limit - work, self._delivery_retention, self._forget_delivery)
        return work

    async def clear(self) -> None:
        self._empty()


class NoJournal:
    """The ``JobJournal`` beside this store: nothing outlives the process, and the engine's scheduler is the only
    record of pending jobs."""

    async def save(self, jobs: Sequence[Job]) -> None:
        return None

    async def forget(self, jobs: Sequence[Job]) -> None:
        return None

    async def load(self) -> list[Job]:
        return []

    async def clear(self) -> None:
        return None


if TYPE_CHECKING:

    def _is_a_store(store: InMemoryStore) -> Store:
        return store  # mypy proves the store fits the service's port

    def _is_a_journal(journal: NoJournal) -> JobJournal:
        return journal  # mypy proves the class fits the service's port
