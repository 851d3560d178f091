"""What the service needs from the outside world; adapters implement these."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from mockgateway.domain.job import Job
from mockgateway.domain.model import Account, AttemptOutcome, Delivery, HttpCall, Message, MoMessage, Notification
from mockgateway.domain.queries import EventQuery, MessageQuery, Page
from mockgateway.service.cluster_ports import Peers
from mockgateway.service.state_ports import StatePort

#: message id -> when its last pending job falls due, or ``None`` when it has none
BusyUntil = Callable[[str], float | None]


class Store(Protocol):
    """Keeps messages, notifications (ACKs), MOs and callback deliveries. Async so any backend fits.

    Retention: every notification, MO, message and finished delivery has a *retention start*. It is when the
    item was created, moved later by a callback for it that was DELIVERED (or given up on), and for a message
    by each status change; ``purge`` forgets what started before a cutoff. A message with pending jobs and a
    PENDING delivery are never purged (pending jobs are kept apart, by a ``JobJournal``).
    """

    #: How many items to ask ``purge`` for at a time, so that one call takes a few milliseconds at most.
    purge_batch: int

    @property
    def state(self) -> StatePort:
        """Opt-outs, callback targets changed at runtime, issued tokens and the clock's position, kept as long as
        the store's data is."""

    @property
    def peers(self) -> Peers:
        """The other replicas sharing this store; none for a store of one process."""

    async def open(self) -> None:
        """Get ready; a store that cannot be used raises ``ConfigError`` naming what is wrong."""

    async def close(self) -> None: ...

    async def ping(self) -> None:
        """Raise ``StoreUnavailable`` when the store cannot be reached now (a health check asks)."""

    async def generation(self) -> int:
        """How many times this store's data was opened before (0: new, or not persistent)."""

    async def last_numeric_id(self) -> int | None:
        """The highest numeric id (message part or MO) ever stored, so new ids after a restart stay unique."""

    # -- messages -----------------------------------------------------------------------------------
    async def add_messages(self, messages: Sequence[Message]) -> None: ...

    async def replace_message(self, current: Message, updated: Message) -> bool:
        """Store ``updated`` in place of ``current`` if the stored message is still ``current``, in one step.

        False, changing nothing, when the message is gone or changed since it was read (another status change
        came first): read it again and work the change out anew. The lifecycle rules are the domain's
        (``lifecycle.advance``); a store only compares and sets.
        """

    async def record_step(
        self, current: Message, updated: Message, *, notification: Notification, deliveries: Sequence[Delivery]
    ) -> bool:
        """A status change with what it made: ``replace_message(current, updated)`` and, only if that succeeds,
        ``add_notification(notification)`` and ``save_delivery`` of each of ``deliveries`` (new, PENDING), as
        one write where the store can; False, keeping nothing, when the compare-and-set fails."""

    async def get_message(self, message_id: str) -> Message | None: ...

    async def list_messages(self, query: MessageQuery) -> Page:
        """Newest first."""

    async def delete_messages(self, query: MessageQuery | None = None) -> int:
        """Remove messages matching ``query`` (all when ``None``); returns how many went."""

    async def count_messages(self, account: str) -> int:
        """How many of ``account``'s messages are kept now (asked only when the account has a cap)."""

    # -- notifications (ACKs) and MOs ----------------------------------------------------------------
    async def add_notification(self, notification: Notification) -> None: ...

    async def list_notifications(self, query: EventQuery) -> list[Notification]:
        """Oldest first (by ``created_at``, then arrival); ``offset``/``limit`` page through them."""

    async def count_notifications(self, query: EventQuery) -> int:
        """How many ``list_notifications`` would list without ``offset``/``limit``."""

    async def add_mo(self, mo: MoMessage) -> None: ...

    async def add_reply(self, mo: MoMessage, *, deliveries: Sequence[Delivery], job: Job) -> None:
        """The MO a reply ``job`` made, with the PENDING ``deliveries`` of its callbacks: ``save_delivery`` of
        each, then ``add_mo``. Where jobs are journaled the journal forgets ``job`` with the MO, in one write, so
        a job run again after a crash or by a replica taking over makes no second MO."""

    async def list_mos(self, query: EventQuery) -> list[MoMessage]:
        """Oldest first (by ``received_at``, then arrival)."""

    async def count_mos(self, query: EventQuery) -> int: ...

    # -- callback deliveries --------------------------------------------------------------------------
    async def save_delivery(self, delivery: Delivery) -> None:
        """Insert or replace; a DELIVERED (or FAILED) one moves the retention start of what it carries."""

    async def save_outcome(self, delivery_id: str, outcome: AttemptOutcome) -> bool:
        """A saved delivery after an attempt: ``save_delivery`` of ``Delivery.after(outcome)``.

        False, saving nothing, when no delivery of that id is saved.
        """

    async def get_delivery(self, delivery_id: str) -> Delivery | None: ...

    async def list_deliveries(self, query: EventQuery) -> list[Delivery]:
        """Newest first; ``status`` filters on the delivery state (PENDING, DELIVERED, FAILED)."""

    # -- retention --------------------------------------------------------------------------------------
    async def purge(self, older_than: float, limit: int, busy_until: BusyUntil | None = None) -> int:
        """Forget at most about ``limit`` items whose retention started at or before ``older_than``.

        ``busy_until`` tells when the last job the engine still plans for a message falls due (``None``: none
        left); such a message is kept until then. A store whose file also holds a ``JobJournal`` may go by that.

        Bounded work per call. Returns the progress made; less than ``limit`` means nothing more is due.
        """

    async def clear(self) -> None: ...


class JobJournal(Protocol):
    """Keeps the jobs planned and not yet run, so that they resume after a restart."""

    async def save(self, jobs: Sequence[Job]) -> None:
        """Note planned jobs; saving one twice (the same ``key``) keeps one."""

    async def forget(self, jobs: Sequence[Job]) -> None:
        """Forget jobs that ran; forgetting one twice changes nothing."""

    async def load(self) -> list[Job]:
        """Every job saved and not forgotten, earliest due first. A journal that does not outlive the process
        has none to give back."""

    async def clear(self) -> None: ...


class Outbox(Protocol):
    """Delivers callbacks. Retries are timed on the gateway clock; a failure is a recorded attempt."""

    def enqueue(self, delivery: Delivery) -> None: ...

    def next_due(self) -> float | None:
        """When the earliest waiting retry falls due, if any."""

    def run_due(self) -> None:
        """Start every delivery attempt that is due now (non-blocking)."""

    async def drain(self) -> None:
        """Wait until every attempt started so far has finished."""

    async def replay(self, delivery: Delivery) -> Delivery:
        """Send a recorded delivery once more, now, and return it with the new attempt."""

    def clear(self) -> None:
        """Forget every delivery waiting for an attempt."""

    async def close(self) -> None:
        """Stop: attempts in flight are abandoned and stay pending (persisted stores resume them)."""

    def restore(self, deliveries: Iterable[Delivery]) -> int:
        """Take back PENDING deliveries after a restart, each due at its ``next_attempt_at``; returns how many."""


class CallbackRenderer(Protocol):
    """Implemented by each dialect: the provider's own callback requests for core events."""

    def status_calls(self, message: Message, notification: Notification, account: Account) -> list[HttpCall]:
        """The callbacks for one notification; empty when the request asked for none."""

    def mo_calls(self, mo: MoMessage, account: Account, replied_to: Message | None) -> list[HttpCall]: ...
