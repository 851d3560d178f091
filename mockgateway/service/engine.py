"""Runs message lifecycles: applies planned statuses, records notifications and MOs, hands callbacks out."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from mockgateway.clock import Clock
from mockgateway.domain.model import (
    STATUSES,
    Delivery,
    DeliveryState,
    HttpCall,
    Message,
    MessageStatus,
    MoMessage,
    Notification,
)
from mockgateway.domain.reasons import resolve_step
from mockgateway.ids import IdSource
from mockgateway.scenario.model import PlannedReply, Scenario
from mockgateway.service.directory import Directory
from mockgateway.service.events import Event, EventHub
from mockgateway.service.ports import CallbackRenderer, Outbox, Store
from mockgateway.service.scheduler import Job, Scheduler, as_job
from mockgateway.service.timeline import Timelines

_PENDING = DeliveryState.PENDING

#: Replies that opt the handset out of further messages from the account.
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})


class Engine:
    def __init__(
        self,
        *,
        clock: Clock,
        ids: IdSource,
        store: Store,
        outbox: Outbox,
        directory: Directory,
        renderers: Mapping[str, CallbackRenderer],  #: provider -> its callback requests
        events: EventHub,
        retention_s: float = 0.0,
    ) -> None:
        self.clock = clock
        self.ids = ids
        self.store = store
        self.outbox = outbox
        self.scheduler = Scheduler(hold_beyond_s=retention_s)
        self._timelines = Timelines()
        self._renderers = dict(renderers)
        self._directory = directory
        self._account = directory.as_seen_by  #: (name, provider): the account as that provider sees it
        self._events = events

    async def start(self, messages: Sequence[Message], scenarios: Sequence[Scenario], rng: random.Random) -> None:
        """Schedule each message's timeline under its scenario; a store that keeps jobs gets them too."""
        plan, scheduler = self._timelines.plan, self.scheduler
        kept: list[Job] | None = [] if self.store.keeps_jobs else None
        for message, scenario in zip(messages, scenarios, strict=True):
            planned = plan(message, scenario, rng)
            if isinstance(planned, tuple):
                scheduler.start(message.id, message.created_at, planned)
                if kept is not None:
                    kept += [as_job(lane.entry(message.created_at + lane.offset, 0, message.id)) for lane in planned]
            else:
                scheduler.schedule_all(planned)
                if kept is not None:
                    kept += planned
        if kept:
            await self.store.save_jobs(kept)

    def next_due(self) -> float | None:
        times = [t for t in (self.scheduler.next_due(), self.outbox.next_due()) if t is not None]
        return min(times) if times else None

    async def run_due(self) -> int:
        """Run every job due now, then start the callback attempts due now. Returns how many jobs ran."""
        due = self.scheduler.take_due(self.clock.now())
        count = len(due)
        # Due jobs come as plain tuples, which the garbage collector does not track, and are unpacked as they run
        # (a ``Job`` only for a store that keeps jobs); ran jobs are let go of a batch at a time. 100,000 tracked
        # jobs held to the end of a burst would be walked again and again by its full passes.
        due.reverse()
        ran: list[Job] = []
        forget = self.store.delete_jobs if self.store.keeps_jobs else None
        done = self.scheduler.ran
        while due:
            entry = due.pop()
            # (due at, sequence, then a Job's fields: key, message id, due at, part index, status, reason, code,
            # text, sender)
            _, _, _, message_id, due_at, part_index, status, reason, code, text, sender = entry
            if part_index is not None:
                await self._apply_status(message_id, part_index, STATUSES[str(status)], reason, code)
            else:
                await self._reply(message_id, PlannedReply(due_at, text or "", sender or ""))
            done(message_id, due_at)
            if forget is not None:
                ran.append(as_job(entry))
                if len(ran) == _FORGET_EVERY or not due:
                    await forget(ran)
                    ran = []
        self.outbox.run_due()
        return count

    async def _apply_status(
        self, message_id: str, index: int, status: MessageStatus, reason: str | None, code: str | None
    ) -> None:
        retriable = None
        # A failure's reason is the provider's own, and a failure always carries a code, if only the generic one.
        if reason is not None or code is not None or status is MessageStatus.FAILED:
            current = await self.store.get_message(message_id)
            if current is None:
                return
            reason, code, retriable = resolve_step(current.provider, status, reason, code)
        now = self.clock.now()
        # One step in the store: a status change neither decodes nor re-encodes the whole message twice.
        message = await self.store.set_part_status(message_id, index, status, now, reason)
        if message is None:  # deleted meanwhile, or the lifecycle does not allow the change
            return
        # Read once each: a named field read is a lookup, and this runs for every due notification.
        account, provider = message.account, message.provider
        # Positional, in field order: id, message_id, account, provider, part_index, part_id, status, created_at,
        # reason, code, retriable, destination, scenario.
        notification_id = self.ids.hex(16)
        notification = Notification(
            notification_id, message_id, account, provider, index, message.part_ids[index], status, now, reason, code,
            retriable, message.destination, message.scenario,
        )  # fmt: skip
        await self.store.add_notification(notification)
        if self._events.wants("notification"):
            self._events.publish(Event("notification", notification_id, account, provider, status.value))
        renderer = self._renderers.get(provider)
        if renderer is not None:
            calls = renderer.status_calls(message, notification, self._account(account, provider))
            if calls:
                await self._send(calls, account, "status", notification_id, message_id)

    async def _reply(self, message_id: str, reply: PlannedReply) -> None:
        message = await self.store.get_message(message_id)
        if message is None:
            return
        mo = MoMessage(
            id=self.ids.numeric(),
            account=message.account,
            provider=message.provider,
            sender=reply.sender,
            # A message sent without an origin reached the handset from the account's service number.
            recipient=message.origin or self._account(message.account, message.provider).service_number,
            text=reply.text,
            received_at=self.clock.now(),
            in_reply_to=message.id,
        )
        await self.accept_mo(mo, message)

    async def accept_mo(self, mo: MoMessage, replied_to: Message | None) -> None:
        await self.store.add_mo(mo)
        if self._events.wants("mo"):
            self._events.publish(Event("mo", mo.id, mo.account, mo.provider))
        if mo.keyword in STOP_WORDS:
            self._directory.opt_out(mo.account, mo.sender)
            await self._directory.saved()
        renderer = self._renderers.get(mo.provider)
        if renderer is not None:
            calls = renderer.mo_calls(mo, self._account(mo.account, mo.provider), replied_to)
            await self._send(calls, mo.account, "mo", mo.id, mo.in_reply_to)

    async def _send(self, calls: list[HttpCall], account: str, kind: str, subject: str, message_id: str | None) -> None:
        now = self.clock.now()
        for call in calls:
            # Positional, in field order: id, account, kind, subject_id, message_id, call, created_at, state,
            # attempts, next_attempt_at.
            delivery = Delivery(self.ids.hex(16), account, kind, subject, message_id, call, now, _PENDING, (), now)
            await self.store.save_delivery(delivery)
            self.outbox.enqueue(delivery)


_FORGET_EVERY = 512  #: jobs run between two ``delete_jobs`` calls
