"""The ``Gateway`` facade: the one entry point dialects and the admin API call."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from mockgateway.clock import LATEST_INSTANT, Clock, FakeClock, iso
from mockgateway.domain.errors import (
    Conflict,
    Forbidden,
    InvalidRequest,
    NotFound,
)
from mockgateway.domain.model import (
    Account,
    CallbackTarget,
    EventQuery,
    Message,
    MessageQuery,
    MessageStatus,
    MoMessage,
    Notification,
    Page,
    SendRequest,
)
from mockgateway.domain.values import quick_init
from mockgateway.encoding import Segmentation, segment
from mockgateway.ids import IdSource
from mockgateway.scenario.model import OPTED_OUT, OnSend, Scenario, ScenarioSet
from mockgateway.service.account_book import AccountBook
from mockgateway.service.admission import SendAdmission
from mockgateway.service.engine import Engine
from mockgateway.service.events import Event, EventHub
from mockgateway.service.ports import JobJournal, Outbox, Store
from mockgateway.service.recovery import Restored, restore
from mockgateway.service.retention import DEFAULT_RETENTION_S, Retention
from mockgateway.service.send_answers import SendLatency, Sleep, send_failure
from mockgateway.service.tokens import TokenService

_ACCEPTED = MessageStatus.ACCEPTED  # a plain name: ``MessageStatus.X`` is a Python-level call on Python 3.11


@quick_init
@dataclass(frozen=True, slots=True)
class Accepted:
    messages: list[Message]
    sent: bool = True  #: False: the order was created but not sent (a provider's 201)
    #: Ids of the messages refused unsent (an opted-out or blocked recipient): a provider bills nothing for them.
    refused: frozenset[str] = frozenset()


class Gateway:
    def __init__(
        self,
        *,
        clock: Clock,
        ids: IdSource,
        store: Store,
        journal: JobJournal,
        outbox: Outbox,
        accounts: Iterable[Account],
        tokens: TokenService,
        scenarios: tuple[Scenario, ...] = (),
        sleep: Sleep | None = None,
        retention_s: float = DEFAULT_RETENTION_S,
        admission: SendAdmission | None = None,
    ) -> None:
        self.clock = clock
        self.ids = ids
        self.store = store
        self.tokens = tokens
        self.scenarios = scenarios  # indexed by the setter
        self._book = AccountBook(accounts)
        self._latency = SendLatency(clock, sleep)  # ``sleep``: the real clock's wait
        self._admission = admission or SendAdmission(store)
        self._opt_outs: dict[str, dict[str, float]] = {}
        self.engine = Engine(
            clock=clock,
            ids=ids,
            store=store,
            journal=journal,
            outbox=outbox,
            account=self._book.as_seen_by,
            retention_s=retention_s,
        )
        self.engine.on_stop = self.opt_out
        self.retention = Retention(clock, store, retention_s, busy_until=self.engine.scheduler.busy_until)
        #: Messages accepted since start-up, per provider (a reset does not clear it: it is a running total).
        self.accepted: dict[str, int] = {}

    @property
    def events(self) -> EventHub:
        """What happens, as it happens: messages, notifications, MOs, callbacks, clock moves, resets."""
        return self.engine.events

    @property
    def scenarios(self) -> tuple[Scenario, ...]:
        """The scenarios in force, first match wins; assigning a new tuple replaces them all."""
        return self._scenarios.scenarios

    @scenarios.setter
    def scenarios(self, scenarios: tuple[Scenario, ...]) -> None:
        self._scenarios = ScenarioSet(scenarios)

    # -- accounts -------------------------------------------------------------------------------
    @property
    def accounts(self) -> Mapping[str, Account]:
        return self._book.all

    def account(self, name: str) -> Account:
        return self._book.get(name)

    def set_account_callbacks(
        self, name: str, *, status: CallbackTarget | None, mo: CallbackTarget | None, provider: str | None = None
    ) -> Account:
        """Change an account's callback targets at runtime, as in a provider's portal: the account-wide ones, or
        with ``provider`` that provider's own (``None`` there falls back to the account-wide target)."""
        return self._book.set_callbacks(name, status=status, mo=mo, provider=provider)

    def restore_callbacks(self, configured: Account) -> Account:
        """Put back an account's callback targets as ``configured`` has them, each provider's own included."""
        return self._book.restore_callbacks(configured)

    # -- opt-outs (a handset that replied STOP) -----------------------------------------------------
    def opt_out(self, account: str, number: str) -> None:
        self._opt_outs.setdefault(account, {}).setdefault(number.lstrip("+"), self.clock.now())

    def opt_in(self, account: str, number: str) -> bool:
        return self._opt_outs.get(account, {}).pop(number.lstrip("+"), None) is not None

    def is_opted_out(self, account: str, number: str) -> bool:
        return number.lstrip("+") in self._opt_outs.get(account, {})

    def opt_outs(self, account: str) -> dict[str, float]:
        """Opted-out numbers of ``account`` with the time each opted out."""
        return dict(self._opt_outs.get(account, {}))

    # -- sending --------------------------------------------------------------------------------
    async def send(self, request: SendRequest) -> Accepted:
        """Accept one message per destination; each gets one id per part and follows its scenario."""
        account = self.account(request.account)
        if not account.owns_origin(request.origin):
            raise Forbidden(f"origin {request.origin!r} is not registered to this account", field="origin")
        if account.limits.active:
            await self._admission.admit(account, len(request.destinations))
        seg = segment(request.text, request.force_ucs2, request.part_sizes)
        rng = self.ids.random()
        scenarios = self._choose_scenarios(request, rng)
        on_send = None
        if self._scenarios.answers_sends:
            on_send = next((s.on_send for s in scenarios if s.on_send is not None), None)
        if on_send is None:
            return await self._accept(request, seg, scenarios, rng, None)
        async with self._latency.wait(on_send.latency):
            if on_send.respond is not None and on_send.respond != 201:
                raise send_failure(on_send)
            return await self._accept(request, seg, scenarios, rng, on_send)

    @property
    def sends_waiting(self) -> int:
        """Sends whose answer waits for the virtual clock to pass their latency."""
        return len(self._latency)

    async def _accept(
        self,
        request: SendRequest,
        seg: Segmentation,
        scenarios: list[Scenario],
        rng: random.Random,
        on_send: OnSend | None,
    ) -> Accepted:
        now = self.clock.now()
        messages = self._new_messages(request, seg, now, scenarios)
        await self.store.add_messages(messages)
        self.accepted[request.provider] = self.accepted.get(request.provider, 0) + len(messages)
        events = self.engine.events
        if events.wants("message"):
            for message in messages:
                events.publish(Event("message", message.id, message.account, message.provider))
        if on_send is not None and on_send.respond == 201:
            return Accepted(messages, sent=False)
        await self.engine.start(messages, scenarios, rng)
        refused = frozenset(m.id for m, scenario in zip(messages, scenarios, strict=True) if scenario.refuses)
        return Accepted(messages, refused=refused)

    def _choose_scenarios(self, request: SendRequest, rng: random.Random) -> list[Scenario]:
        opted_out = self._opt_outs.get(request.account)
        select = self._scenarios.select
        text, origin, account, provider = request.text, request.origin, request.account, request.provider
        return [
            OPTED_OUT if opted_out and number in opted_out else select(number, text, origin, account, provider, rng)
            for number in request.destinations
        ]

    def _new_messages(
        self, request: SendRequest, seg: Segmentation, now: float, scenarios: list[Scenario]
    ) -> list[Message]:
        """One message per destination, under its scenario."""
        # One unpacking: each named field read is a lookup.
        (account, provider, destinations, text, origin, _, _, validity_s, client_ref, handset_ack, callbacks, options,
         send_at) = request  # fmt: skip
        # A deferred message is created at its sending time, so its scenario's timeline starts there.
        created_at = now if send_at is None or send_at < now else send_at
        numeric, parts, encoding = self.ids.numeric, len(seg.parts), seg.encoding
        messages = []
        for destination, scenario in zip(destinations, scenarios, strict=True):
            part_ids = (numeric(),) if parts == 1 else tuple(numeric() for _ in range(parts))
            # Positional, in field order (a third cheaper than keywords on the send path): id, account, provider,
            # destination, origin, text, encoding, part_ids, created_at, status, client_ref, validity_s,
            # handset_ack, callbacks, options, scenario, status_at.
            messages.append(Message(
                part_ids[0], account, provider, destination, origin, text, encoding, part_ids, created_at, _ACCEPTED,
                client_ref, validity_s, handset_ack, callbacks, options, scenario.name, now,
            ))  # fmt: skip
        return messages

    # -- replies --------------------------------------------------------------------------------
    async def inject_mo(self, sender: str, recipient: str, text: str, *, account: str | None = None) -> MoMessage:
        """A reply from handset ``sender`` to the account number ``recipient``, linked to the last message
        that number sent to that handset."""
        owner = self.account(account) if account else self._owner_of(recipient)
        replied = await self._last_message(owner.name, sender, recipient)
        provider = replied.provider if replied else next(iter(owner.credentials), "livelink")
        mo = MoMessage(
            id=self.ids.numeric(),
            account=owner.name,
            provider=provider,
            sender=sender.lstrip("+"),
            recipient=recipient or owner.service_number,
            text=text,
            received_at=self.clock.now(),
            in_reply_to=replied.id if replied else None,
        )
        await self.engine.accept_mo(mo, replied)
        self.engine.outbox.run_due()
        return mo

    def _owner_of(self, recipient: str) -> Account:
        for account in self._book.all.values():
            if account.origins is not None and account.owns_origin(recipient):
                return account
        if len(self._book.all) == 1:
            return next(iter(self._book.all.values()))
        raise InvalidRequest(f"no account owns the number {recipient!r}; name the account", field="to")

    async def _last_message(self, account: str, handset: str, origin: str) -> Message | None:
        page = await self.store.list_messages(MessageQuery(account=account, destination=handset, limit=50))
        for message in page.items:
            if (message.origin or "").lstrip("+") == origin.lstrip("+") or not origin:
                return message
        return page.items[0] if page.items else None

    # -- time -----------------------------------------------------------------------------------
    async def run_due(self) -> int:
        return await self.engine.run_due()

    def _next_due(self) -> float | None:
        """The earliest of the engine's next job or callback and the next parked send."""
        times = [t for t in (self.engine.next_due(), self._latency.next_due()) if t is not None]
        return min(times) if times else None

    async def advance(self, seconds: float | None = None, *, to: float | None = None) -> float:
        """Move the virtual clock, running everything that falls due in time order, and wait for it."""
        if not isinstance(self.clock, FakeClock):
            raise Conflict("the gateway runs on the real clock; start it with --clock virtual to advance time")
        target = to if to is not None else self.clock.now() + (seconds or 0.0)
        field = "seconds" if to is None else "to"
        if target < self.clock.now():
            raise InvalidRequest("the clock cannot go backwards", field=field)
        if not target <= LATEST_INSTANT:  # also refuses nan
            raise InvalidRequest(f"{field}: the clock cannot go past {iso(LATEST_INSTANT)}", field=field)
        while (due := self._next_due()) is not None and due <= target:
            self.clock.set(max(due, self.clock.now()))
            await self.engine.run_due()
            await self.engine.outbox.drain()
            await self._latency.wake(self.clock.now())
        self.clock.set(target)
        self.events.publish(Event("clock"))
        await self.engine.run_due()
        await self.engine.outbox.drain()
        await self._latency.wake(target)
        await self.retention.catch_up()
        return self.clock.now()

    async def purge_expired(self) -> bool:
        """One bounded step of retention on the real clock (the ticker calls it); True when more is due."""
        return await self.retention.tick()

    async def restore(self) -> Restored:
        """After ``store.open()``: resume the ids, timeline and callbacks a persistent store kept."""
        engine = self.engine
        return await restore(self.store, engine.journal, self.ids, engine.scheduler, engine.outbox)

    async def close(self) -> None:
        """Stop delivering callbacks; what is still pending stays recorded as pending."""
        await self.engine.outbox.close()

    async def drain(self) -> None:
        """Wait for every callback attempt started so far."""
        await self.engine.outbox.drain()

    # -- inspection -----------------------------------------------------------------------------
    async def messages(self, query: MessageQuery) -> Page:
        return await self.store.list_messages(query)

    async def asked_handset_ack(self, message_ids: Iterable[str]) -> set[str]:
        """Those of ``message_ids`` whose client asked for a handset acknowledgement (their DELIVERED is not final)."""
        asked = set()
        for message_id in set(message_ids):
            message = await self.store.get_message(message_id)
            if message is not None and message.handset_ack:
                asked.add(message_id)
        return asked

    async def message(self, message_id: str) -> Message:
        message = await self.store.get_message(message_id)
        if message is None:
            raise NotFound(f"no message with id {message_id!r}", field="id")
        return message

    async def delete_messages(self, query: MessageQuery | None = None) -> int:
        return await self.store.delete_messages(query)

    async def notifications(self, query: EventQuery) -> list[Notification]:
        return await self.store.list_notifications(query)

    async def mos(self, query: EventQuery) -> list[MoMessage]:
        return await self.store.list_mos(query)

    async def count_notifications(self, query: EventQuery) -> int:
        return await self.store.count_notifications(query)

    async def count_mos(self, query: EventQuery) -> int:
        return await self.store.count_mos(query)

    async def reset(self) -> None:
        """Forget every message, notification, MO, callback and pending event (the clock stays)."""
        await self.engine.outbox.drain()
        self.engine.outbox.clear()
        await self.engine.clear_jobs()
        self._opt_outs.clear()
        await self.store.clear()
        self.events.publish(Event("reset"))
