"""A small event hub: the UI's live feed and the wait API listen to what the gateway does.

Replicas sharing a store link their hubs (``link``): an event goes to the other replicas only when their
listeners want its kind, so a gateway nobody watches makes no events, here or there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass

log = logging.getLogger(__name__)

#: The kinds another replica's listeners may be told of; each replica tells its own of its clock's moves.
SHARED_KINDS = frozenset({"message", "notification", "mo", "callback", "reset"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    kind: str  #: "message", "notification", "mo", "callback", "clock" or "reset"
    id: str = ""
    account: str | None = None
    provider: str | None = None  #: the provider dialect involved, when one is
    status: str | None = None  #: a notification's status; a callback attempt's outcome (delivered, retry, failed)
    carries: str | None = None  #: what a callback carried: "status" or "mo"
    latency_ms: float | None = None  #: how long a callback's receiver took to answer the attempt


Listener = Callable[[Event], None]
Interest = Callable[[frozenset[str]], None]


class EventHub:
    def __init__(self) -> None:
        self._listeners: list[tuple[Listener, frozenset[str] | None]] = []
        self._local: list[tuple[Listener, frozenset[str] | None]] = []  #: this replica's events only
        self._wanted: dict[str, bool] = {}  #: kind -> someone listens to it (rebuilt on each change)
        self._forward: Listener | None = None
        self._announce: Interest | None = None
        self._interest: frozenset[str] = frozenset()  #: the shared kinds listened to here
        self._others: frozenset[str] = frozenset()  #: the kinds the other replicas' listeners want

    def link(self, forward: Listener, announce: Interest) -> None:
        """Share events with other replicas: ``forward`` sends one to them, ``announce`` tells them which kinds
        this hub's listeners want (now, and on every change)."""
        self._forward = forward
        self._announce = announce
        self._interest = self._local_interest()
        announce(self._interest)

    def others_listen(self, kinds: frozenset[str]) -> None:
        self._others = kinds
        self._wanted.clear()

    def subscribe(
        self, listener: Listener, kinds: Collection[str] | None = None, *, local: bool = False
    ) -> Callable[[], None]:
        """Tell ``listener`` what happens, as it happens (of ``kinds`` only, when given): messages, notifications,
        MOs, callbacks, clock moves, resets; with replicas sharing the store, on every replica unless ``local``.
        Returns the function that stops it."""
        entry = (listener, None if kinds is None else frozenset(kinds))
        entries = self._local if local else self._listeners
        entries.append(entry)
        self._changed()

        def stop() -> None:
            if entry in entries:
                entries.remove(entry)
                self._changed()

        return stop

    def publish(self, event: Event) -> None:
        """Tell this hub's listeners, and the other replicas' when theirs want the kind."""
        self._tell(self._local, event)
        self.deliver(event)
        if self._forward is not None and event.kind in self._others:
            self._forward(event)

    def deliver(self, event: Event) -> None:
        """Tell this hub's listeners of events of every replica (the event may be another replica's)."""
        self._tell(self._listeners, event)

    @staticmethod
    def _tell(listeners: list[tuple[Listener, frozenset[str] | None]], event: Event) -> None:
        for listener, kinds in tuple(listeners):
            if kinds is not None and event.kind not in kinds:
                continue
            try:
                listener(event)
            except Exception:  # a broken listener must not break sending
                log.exception("event listener failed")

    @property
    def listening(self) -> bool:
        return bool(self._listeners or self._local)

    def wants(self, kind: str) -> bool:
        """Whether anyone listens to ``kind``: a caller on a hot path builds the event only then."""
        wanted = self._wanted.get(kind)
        if wanted is None:
            listeners = (*self._listeners, *self._local)
            wanted = kind in self._others or any(kinds is None or kind in kinds for _, kinds in listeners)
            self._wanted[kind] = wanted
        return wanted

    def _changed(self) -> None:
        self._wanted.clear()
        if self._announce is None:
            return
        interest = self._local_interest()
        if interest != self._interest:
            self._interest = interest
            self._announce(interest)

    def _local_interest(self) -> frozenset[str]:
        listened = [kinds for _, kinds in self._listeners]
        return frozenset(kind for kind in SHARED_KINDS if any(kinds is None or kind in kinds for kinds in listened))
