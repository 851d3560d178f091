"""Runs message lifecycles: applies planned statuses, records notifications and MOs, hands callbacks out."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace

from mockgateway.clock import Clock
from mockgateway.domain import lifecycle
from mockgateway.domain.model import (
    Account,
    Delivery,
    HttpCall,
    Message,
    MessageStatus,
    MoMessage,
    Notification,
)
from mockgateway.domain.reasons import REASONS, reason_for_code
from mockgateway.ids import IdSource
from mockgateway.scenario.model import PlannedReply, PlannedStatus, Scenario, plan
from mockgateway.service.events import Event, EventHub
from mockgateway.service.ports import CallbackRenderer, Outbox, Store
from mockgateway.service.scheduler import Job, Scheduler

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
        account: Callable[[str], Account],
    ) -> None:
        self.clock = clock
        self.ids = ids
        self.store = store
        self.outbox = outbox
        self.scheduler = Scheduler()
        self.renderers: dict[str, CallbackRenderer] = {}
        self._account = account
        self.events = EventHub()
        #: Called with (account, number) when a handset replies STOP.
        self.on_stop: Callable[[str, str], None] | None = None

    def register_renderer(self, provider: str, renderer: CallbackRenderer) -> None:
        self.renderers[provider] = renderer

    async def start(self, message: Message, scenario: Scenario, rng: random.Random) -> None:
        """Schedule the message's timeline under ``scenario``; the store keeps it until it has run."""
        statuses, replies = plan(scenario, message, rng)
        actions: list[PlannedStatus | PlannedReply] = [*statuses, *replies]
        jobs = [Job(message.id, action, key=f"{message.id}:{i}") for i, action in enumerate(actions)]
        for job in jobs:
            self.scheduler.schedule(job)
        await self.store.save_jobs(jobs)

    def next_due(self) -> float | None:
        times = [t for t in (self.scheduler.next_due(), self.outbox.next_due()) if t is not None]
        return min(times) if times else None

    async def run_due(self) -> int:
        """Run every job due now, then start the callback attempts due now. Returns how many jobs ran."""
        jobs = self.scheduler.pop_due(self.clock.now())
        for job in jobs:
            if isinstance(job.action, PlannedStatus):
                await self._apply_status(job.message_id, job.action)
            else:
                await self._reply(job.message_id, job.action)
        if jobs:
            await self.store.delete_jobs(jobs)
        self.outbox.run_due()
        return len(jobs)

    async def _apply_status(self, message_id: str, step: PlannedStatus) -> None:
        message = await self.store.get_message(message_id)
        if message is None:  # deleted meanwhile
            return
        index = step.part_index
        if not lifecycle.allowed(message.part_status(index), step.status):
            return
        reason, code, retriable = self._resolve_reason(message.provider, step)
        now = self.clock.now()
        statuses = list(message.part_statuses or [MessageStatus.ACCEPTED] * len(message.part_ids))
        statuses[index] = step.status
        message = replace(
            message,
            part_statuses=tuple(statuses),
            status=lifecycle.overall(statuses),
            status_at=now,
            reason=reason or message.reason,
        )
        await self.store.update_message(message)
        notification = Notification(
            id=self.ids.hex(16),
            message_id=message.id,
            account=message.account,
            provider=message.provider,
            part_index=index,
            part_id=message.part_ids[index],
            status=step.status,
            created_at=now,
            reason=reason,
            code=code,
            retriable=retriable,
            destination=message.destination,
            scenario=message.scenario,
        )
        await self.store.add_notification(notification)
        self.events.publish(
            Event("notification", notification.id, notification.account, message.provider, step.status.value)
        )
        renderer = self.renderers.get(message.provider)
        if renderer is not None:
            calls = renderer.status_calls(message, notification, self._account(message.account))
            await self._send(calls, message.account, "status", notification.id, message.id)

    def _resolve_reason(self, provider: str, step: PlannedStatus) -> tuple[str | None, str | None, bool | None]:
        if step.reason is not None:
            known = REASONS[step.reason]
            return known.name, step.code or known.code_for(provider), known.retriable
        if step.code is not None:
            found = reason_for_code(provider, step.code)
            return (found.name if found else None), step.code, (found.retriable if found else None)
        return None, None, None

    async def _reply(self, message_id: str, reply: PlannedReply) -> None:
        message = await self.store.get_message(message_id)
        if message is None:
            return
        mo = MoMessage(
            id=self.ids.numeric(),
            account=message.account,
            provider=message.provider,
            sender=reply.sender,
            recipient=message.origin or "",
            text=reply.text,
            received_at=self.clock.now(),
            in_reply_to=message.id,
        )
        await self.accept_mo(mo, message)

    async def accept_mo(self, mo: MoMessage, replied_to: Message | None) -> None:
        await self.store.add_mo(mo)
        self.events.publish(Event("mo", mo.id, mo.account, mo.provider))
        if mo.keyword in STOP_WORDS and self.on_stop is not None:
            self.on_stop(mo.account, mo.sender)
        renderer = self.renderers.get(mo.provider)
        if renderer is not None:
            calls = renderer.mo_calls(mo, self._account(mo.account), replied_to)
            await self._send(calls, mo.account, "mo", mo.id, mo.in_reply_to)

    async def _send(self, calls: list[HttpCall], account: str, kind: str, subject: str, message_id: str | None) -> None:
        now = self.clock.now()
        for call in calls:
            delivery = Delivery(
                id=self.ids.hex(16),
                account=account,
                kind=kind,
                subject_id=subject,
                message_id=message_id,
                call=call,
                created_at=now,
                next_attempt_at=now,
            )
            await self.store.save_delivery(delivery)
            self.outbox.enqueue(delivery)
