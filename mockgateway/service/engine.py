"""Runs message lifecycles: applies planned statuses, records notifications and MOs, hands callbacks out."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Awaitable, Coroutine, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from mockgateway.clock import Clock
from mockgateway.domain import lifecycle
from mockgateway.domain.errors import OptOutListFull, StoreUnavailable
from mockgateway.domain.job import Job
from mockgateway.domain.model import Delivery, DeliveryState, HttpCall, Message, MessageStatus, MoMessage, Notification
from mockgateway.domain.queries import EventQuery
from mockgateway.domain.reasons import resolve_step
from mockgateway.ids import IdSource
from mockgateway.scenario.model import Scenario
from mockgateway.service.directory import Directory
from mockgateway.service.events import Event, EventHub
from mockgateway.service.ports import CallbackRenderer, Outbox, Store
from mockgateway.service.scheduler import FixedTimeline
from mockgateway.service.timeline import PlannedJobs, Timelines
from mockgateway.service.work_ports import JobQueue

#: Replies that opt the handset out of further messages from the account.
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
#: Pending callbacks are read back after a restart in pages of this size.
_PAGE = 10_000


@dataclass(frozen=True, slots=True, kw_only=True)
class Restored:
    """What a restart resumed: jobs (see ``JobQueue.restore``) and pending callbacks."""

    jobs: int
    callbacks: int


class Engine:
    def __init__(
        self,
        *,
        clock: Clock,
        ids: IdSource,
        store: Store,
        jobs: JobQueue,
        outbox: Outbox,
        directory: Directory,
        renderers: Mapping[str, CallbackRenderer],  #: provider -> its callback requests
        events: EventHub,
    ) -> None:
        self._clock = clock
        self._ids = ids
        self._store = store
        self._jobs = jobs
        self._outbox = outbox
        self._timelines = Timelines()
        self._renderers = dict(renderers)
        self._directory = directory
        self._account = directory.as_seen_by  #: (name, provider): the account as that provider sees it
        self._events = events

    def start(
        self, messages: Sequence[Message], scenarios: Sequence[Scenario], rng: random.Random
    ) -> Coroutine[Any, Any, None]:
        """Plan each message's timeline under its scenario; the caller awaits the queue's saving of the jobs
        (its coroutine handed back, not awaited here: one frame fewer on every send)."""
        jobs = self._jobs
        planned = PlannedJobs()
        for message, scenario in zip(messages, scenarios, strict=True):
            timeline = self._timelines.plan(message, scenario, rng)
            if isinstance(timeline, FixedTimeline):
                jobs.start(message.id, message.created_at, timeline)
                planned.start(message.id, message.created_at, timeline)
            else:
                jobs.schedule(timeline)
                planned.draw(timeline)
        return jobs.save(planned)

    async def restore(self, *, callbacks: bool) -> Restored:
        """Resume what the store and the job queue kept: call once, after ``store.open()`` and before serving.

        ``callbacks``: every pending callback resumes here; False when processes share them and lease theirs."""
        generation = await self._store.generation()
        self._ids.resume(generation, await self._store.last_numeric_id())
        jobs = await self._jobs.restore()
        if not callbacks:
            self._ids.share(slot=generation)
            return Restored(jobs=jobs, callbacks=0)
        restored = 0
        query = EventQuery(status=DeliveryState.PENDING, limit=_PAGE)
        while True:
            page = await self._store.list_deliveries(query)
            restored += self._outbox.restore(page)
            if len(page) < _PAGE:
                return Restored(jobs=jobs, callbacks=restored)
            query = replace(query, offset=query.offset + _PAGE)

    async def next_due(self) -> float | None:
        return min((t for t in (await self._jobs.next_due(), self._outbox.next_due()) if t is not None), default=None)

    async def run_due(self) -> int:
        """Run every job due now, then start the callback attempts due now. Returns how many jobs ran."""
        due = await self._jobs.take_due(self._clock.now())
        # The queue hears of ran jobs a batch at a time: a restart repeats at most one batch.
        for first in range(0, len(due), _JOURNAL_BATCH):
            batch = due[first : first + _JOURNAL_BATCH]
            try:
                # Messages side by side: a store across a network answers the calls of one turn of the loop
                # together, where one message after the other would wait a round trip each.
                await _all_of(self._run(jobs) for jobs in _by_message(batch))
            except StoreUnavailable:
                # This batch and the later ones run again once the store is back; a status that got through
                # before the outage is then refused as a repeat.
                self._jobs.put_back(due[first:])
                raise
            await self._jobs.ran(batch)
        self._outbox.run_due()
        return len(due)

    async def _run(self, jobs: Sequence[Job]) -> None:
        for job in jobs:
            if job.status is not None and job.part_index is not None:
                await self._apply_status(job.message_id, job.part_index, job.status, job.reason, job.code)
            else:
                await self._reply(job)

    async def _apply_status(
        self, message_id: str, index: int, status: MessageStatus, reason: str | None, code: str | None
    ) -> None:
        """Store the message after the change with its notification and the deliveries of its callbacks, in one
        compare-and-set; then tell the listeners and hand the callbacks out.

        A lost compare-and-set means another change came first: the message is read again and the change
        worked out on top of it. Nothing happens when the lifecycle refuses the change or the message is gone.
        """
        now = self._clock.now()
        message = await self._store.get_message(message_id)
        if message is None:  # deleted meanwhile
            return
        retriable = None
        # A failure's reason is the provider's own, and a failure always carries a code, if only the generic one.
        if reason is not None or code is not None or status is MessageStatus.FAILED:
            reason, code, retriable = resolve_step(message.provider, status, reason, code)
        notification: Notification | None = None
        while message is not None:
            updated = lifecycle.advance(message, index, status, now, reason)
            if updated is None:
                return
            if notification is None:  # made once: a retry keeps its id
                notification = Notification(
                    id=self._ids.hex(16),
                    message_id=message_id,
                    account=updated.account,
                    provider=updated.provider,
                    part_index=index,
                    part_id=updated.part_ids[index],
                    status=status,
                    created_at=now,
                    reason=reason,
                    code=code,
                    retriable=retriable,
                    destination=updated.destination,
                    scenario=updated.scenario,
                )
            deliveries = self._status_deliveries(updated, notification)
            if await self._store.record_step(message, updated, notification=notification, deliveries=deliveries):
                self._announce(updated, notification)
                for delivery in deliveries:
                    self._outbox.enqueue(delivery)
                return
            message = await self._store.get_message(message_id)

    def _status_deliveries(self, message: Message, notification: Notification) -> list[Delivery]:
        renderer = self._renderers.get(message.provider)
        if renderer is None:
            return []
        calls = renderer.status_calls(message, notification, self._account(message.account, message.provider))
        return self._deliveries(calls, message.account, "status", notification.id, message.id)

    def _announce(self, message: Message, notification: Notification) -> None:
        if self._events.wants("notification"):
            event = Event(
                kind="notification",
                id=notification.id,
                account=message.account,
                provider=message.provider,
                status=notification.status,
            )
            self._events.publish(event)

    async def _reply(self, reply: Job) -> None:
        message = await self._store.get_message(reply.message_id)
        if message is None:
            return
        mo = MoMessage(
            id=self._ids.numeric(),
            account=message.account,
            provider=message.provider,
            sender=reply.sender or "",
            # A message sent without an origin reached the handset from the account's service number.
            recipient=message.origin or self._account(message.account, message.provider).service_number,
            text=reply.text or "",
            received_at=self._clock.now(),
            in_reply_to=message.id,
        )
        await self.accept_mo(mo, message, made_by=reply)

    async def accept_mo(self, mo: MoMessage, replied_to: Message | None, *, made_by: Job | None = None) -> None:
        """Keep ``mo`` with the deliveries of its callbacks; ``made_by``: the reply job that made it, which the
        store forgets with it, so that the job run again after a crash or a takeover makes no second MO."""
        renderer = self._renderers.get(mo.provider)
        calls = [] if renderer is None else renderer.mo_calls(mo, self._account(mo.account, mo.provider), replied_to)
        deliveries = self._deliveries(calls, mo.account, "mo", mo.id, mo.in_reply_to)
        if made_by is None:
            await self._store.add_mo(mo)
            for delivery in deliveries:
                await self._store.save_delivery(delivery)
        else:
            await self._store.add_reply(mo, deliveries=deliveries, job=made_by)
        if self._events.wants("mo"):
            self._events.publish(Event(kind="mo", id=mo.id, account=mo.account, provider=mo.provider))
        if mo.keyword in STOP_WORDS:
            # A full list (``MAX_OPT_OUTS``) takes no more numbers; the reply itself is kept and delivered.
            with contextlib.suppress(OptOutListFull):
                self._directory.opt_out(mo.account, mo.sender)
            await self._directory.saved()
        for delivery in deliveries:
            self._outbox.enqueue(delivery)

    def _deliveries(
        self, calls: list[HttpCall], account: str, kind: str, subject: str, message_id: str | None
    ) -> list[Delivery]:
        now = self._clock.now()
        return [
            Delivery(
                id=self._ids.hex(16),
                account=account,
                kind=kind,
                subject_id=subject,
                message_id=message_id,
                call=call,
                created_at=now,
                next_attempt_at=now,
            )
            for call in calls
        ]


_JOURNAL_BATCH = 512  #: jobs run between two ``JobQueue.ran`` calls


async def _all_of(runs: Iterable[Awaitable[None]]) -> None:
    """Await every run to its end, then raise the first failure, if any: none is left half-done unseen."""
    outcomes = await asyncio.gather(*runs, return_exceptions=True)
    failure = next((outcome for outcome in outcomes if isinstance(outcome, BaseException)), None)
    if failure is not None:
        raise failure


def _by_message(jobs: Sequence[Job]) -> list[list[Job]]:
    """``jobs`` by message, each message's in the order given."""
    grouped: dict[str, list[Job]] = {}
    for job in jobs:
        grouped.setdefault(job.message_id, []).append(job)
    return list(grouped.values())
