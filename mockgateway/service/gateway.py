"""The ``Gateway`` facade: the one entry point dialects and the admin API call."""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from mockgateway.clock import Clock
from mockgateway.domain.errors import Forbidden, ShuttingDown, StoreUnavailable
from mockgateway.domain.model import Delivery, MoMessage, SendRequest
from mockgateway.encoding import Segmentation, Segmenter
from mockgateway.ids import IdSource
from mockgateway.scenario.model import OPTED_OUT, OnSend, Scenario, ScenarioSet
from mockgateway.service.directory import Directory
from mockgateway.service.engine import Engine, Restored
from mockgateway.service.events import Event, EventHub
from mockgateway.service.gateway_state import History, Replica, StateCalls
from mockgateway.service.intake import Accepted, SharedConfigs, new_messages
from mockgateway.service.ports import CallbackRenderer, JobJournal, Outbox, Store
from mockgateway.service.scheduler import LocalJobs
from mockgateway.service.send_answers import SendAdmission, SendLatency, Sleep, send_failure
from mockgateway.service.timekeeper import DEFAULT_RETENTION_S, Retention, Timekeeper
from mockgateway.service.tokens import TokenService
from mockgateway.service.work_ports import JobQueue, Leases, NoLeases


class Gateway(History, StateCalls):
    """The one entry point of dialects, admin handlers and the test handle; it owns the engine and the parts
    given to it, and hands none of them out. Lookups of what was recorded come from ``History``; accounts,
    opt-outs, tokens, the clock and ids from ``StateCalls``."""

    def __init__(
        self,
        *,
        clock: Clock,
        ids: IdSource,
        store: Store,
        journal: JobJournal,
        outbox: Outbox,
        directory: Directory,
        tokens: TokenService,
        renderers: Mapping[str, CallbackRenderer],  #: provider -> its callback requests
        events: EventHub,
        scenarios: tuple[Scenario, ...] = (),
        sleep: Sleep | None = None,
        retention_s: float = DEFAULT_RETENTION_S,
        admission: SendAdmission | None = None,
        jobs: JobQueue | None = None,  #: None: this process's own, kept in ``journal``
        leases: Leases | None = None,  #: None: this process alone delivers every callback
    ) -> None:
        History.__init__(self, store, outbox)
        StateCalls.__init__(
            self, clock=clock, ids=ids, tokens=tokens, directory=directory, tallies=store.state, retention_s=retention_s
        )
        self._events = events
        self.scenarios = scenarios  # indexed by the setter
        self._segments = Segmenter()
        self._configs = SharedConfigs()
        self._admission = admission or SendAdmission(store)
        self._leases = leases or NoLeases()
        self._jobs = jobs or LocalJobs(journal, hold_beyond_s=retention_s)
        self._engine = Engine(
            clock=clock,
            ids=ids,
            store=store,
            jobs=self._jobs,
            outbox=outbox,
            directory=directory,
            renderers=renderers,
            events=events,
        )
        self._latency = SendLatency(clock, sleep)
        self._time = Timekeeper(
            clock=clock,
            store=store,
            engine=self._engine,
            outbox=outbox,
            events=events,
            latency=self._latency,
            retention=Retention(clock, store, retention_s, busy_until=self._jobs.busy_until),
        )
        self._peers = store.peers
        self._replica = Replica(directory=directory, tokens=tokens, events=events, time=self._time)
        self._accepted: dict[str, int] = {}
        self._stop_listeners: set[Callable[[], None]] = set()
        self.stopping = False  #: set once, at shutdown: what waits on the gateway is answered at once
        # Its parts' own methods, not wrappers that only pass the call on.
        self.subscribe = events.subscribe
        self.run_due = self._engine.run_due
        self.next_due = self._time.next_due
        self.advance = self._time.advance
        self.purge_expired = self._time.purge_expired
        self.drain = outbox.drain  #: waits for every callback attempt started so far

    def stop_waiting(self) -> None:
        """At shutdown, before the server waits for its requests to finish: the sends parked for their latency
        and the waits (``on_stop``) are answered now with ``ShuttingDown``, so that stopping takes no longer."""
        self.stopping = True
        self._latency.release(ShuttingDown())
        for listener in tuple(self._stop_listeners):
            listener()

    def on_stop(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call ``listener`` when ``stop_waiting`` is; returns the function that forgets it."""
        self._stop_listeners.add(listener)
        return lambda: self._stop_listeners.discard(listener)

    @property
    def accepted(self) -> dict[str, int]:
        """Messages accepted since start-up, per provider (a reset does not clear it: it is a running total)."""
        return dict(self._accepted)

    async def heard_everywhere(self) -> None:
        """After ``subscribe``: with replicas sharing the store, wait until each one tells this one of the kinds
        subscribed to (so that nothing happening on another replica from now on is missed)."""
        await self._peers.heard_by_all()

    @property
    def scenarios(self) -> tuple[Scenario, ...]:
        """The scenarios in force, first match wins; assigning a new tuple replaces them all."""
        return self._scenarios.scenarios

    @scenarios.setter
    def scenarios(self, scenarios: tuple[Scenario, ...]) -> None:
        self._scenarios = ScenarioSet(scenarios)

    # -- sending --------------------------------------------------------------------------------
    async def send(self, request: SendRequest) -> Accepted:
        """Accept one message per destination; each gets one id per part and follows its scenario."""
        account = self.account(request.account)
        if request.origin is not None and not account.owns_origin(request.origin):
            raise Forbidden(f"origin {request.origin!r} is not registered to this account", field="origin")
        if account.limits.active:
            await self._admission.admit(account, len(request.destinations))
        seg = self._segments.segmentation(request.text, request.force_ucs2, request.part_sizes)
        rng = self._ids.random()
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
        now = self._clock.now()
        messages = new_messages(request, seg, scenarios, now=now, numeric=self._ids.numeric, configs=self._configs)
        await self._store.add_messages(messages)
        self._accepted[request.provider] = self._accepted.get(request.provider, 0) + len(messages)
        events = self._events
        if events.wants("message"):
            for message in messages:
                events.publish(Event(kind="message", id=message.id, account=message.account, provider=message.provider))
        if on_send is not None and on_send.respond == 201:
            return Accepted(messages=messages, sent=False)
        await self._engine.start(messages, scenarios, rng)
        return Accepted(messages=messages, scenarios=scenarios)

    def _choose_scenarios(self, request: SendRequest, rng: random.Random) -> list[Scenario]:
        opted_out = self._directory.opted_out(request.account)
        select = self._scenarios.select
        text, origin, account, provider = request.text, request.origin, request.account, request.provider
        chosen = []
        # A loop, not a list comprehension: on Python 3.11 that is a function of its own, and the seven names
        # it would read from here each a cell made on every send.
        for number in request.destinations:
            if opted_out and number in opted_out:
                chosen.append(OPTED_OUT)
            else:
                chosen.append(select(number, text, origin, account, provider, rng))
        return chosen

    # -- replies --------------------------------------------------------------------------------
    async def inject_mo(self, sender: str, recipient: str, text: str, *, account: str | None = None) -> MoMessage:
        """A reply from handset ``sender`` to the account number ``recipient``, linked to the last message
        that number sent to that handset."""
        owner = self.account(account) if account else self._directory.owner_of(recipient)
        replied = await self._last_message(owner.name, sender, recipient)
        provider = replied.provider if replied else next(iter(owner.credentials), "livelink")
        mo = MoMessage(
            id=self._ids.numeric(),
            account=owner.name,
            provider=provider,
            sender=sender.lstrip("+"),
            recipient=recipient or owner.service_number,
            text=text,
            received_at=self._clock.now(),
            in_reply_to=replied.id if replied else None,
        )
        await self._engine.accept_mo(mo, replied)
        self._outbox.run_due()
        return mo

    # -- time -----------------------------------------------------------------------------------
    async def open(self) -> Restored:
        """Open the store and resume what it kept, if it outlives the process: the clock, accounts' runtime
        targets, opt-outs, tokens, ids, timeline and callbacks. With replicas sharing the store, start applying
        what the others change, and sharing events with them."""
        await self._store.open()
        await self._peers.join(self._replica)  # first: a change made while the state loads is not missed
        if self._peers.shared:
            self._events.link(self._peers.forward, self._peers.listen)
        await self._time.resume(joining=self._peers.shared)
        await self._directory.load()
        await self._tokens.load()
        restored = await self._engine.restore(callbacks=not self._leases.shared)
        taken = await self._leases.open(self._take_over)
        return replace(restored, callbacks=restored.callbacks + taken)

    def _take_over(self, deliveries: Sequence[Delivery]) -> int:
        taken = self._outbox.restore(deliveries)
        self._outbox.run_due()
        return taken

    async def take_over(self) -> int:
        """Take over now the pending callbacks of gateway processes that died (on a shared store; each
        process also does so on its own every third of the takeover time). Returns how many were taken."""
        return await self._leases.sweep()

    async def check_store(self) -> None:
        """Raise ``StoreUnavailable`` when the store cannot be reached now (the health check asks)."""
        await self._store.ping()

    async def close(self) -> None:
        """Stop delivering callbacks, keep the clock's position, then close the store; what is still pending
        stays recorded as pending (and, on a shared store, is released to the other processes)."""
        await self._outbox.close()
        with contextlib.suppress(StoreUnavailable):  # closing the store still gives it a while to come back
            await self._leases.close()
            await self._time.keep()
        await self._peers.leave()
        await self._store.close()

    async def caught_up(self) -> None:
        """With replicas sharing the store: wait until what this one told the others is sent, and every change
        made anywhere before this call is applied here."""
        await self._peers.caught_up()

    async def reset(self) -> None:
        """Forget every message, notification, MO, callback and pending event, and what providers' APIs
        counted (the clock stays)."""
        await self._outbox.drain()
        self._outbox.clear()
        await self._jobs.clear()
        self._directory.clear_opt_outs()
        self._tallies.clear_tallies()
        await self._store.clear()
        self._events.publish(Event(kind="reset"))
