"""A small in-process event hub: the UI's live feed and the wait API listen to what the gateway does."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    kind: str  #: "message", "notification", "mo", "callback", "clock" or "reset"
    id: str = ""
    account: str | None = None
    provider: str | None = None  #: the provider dialect involved, when one is
    status: str | None = None  #: a notification's status; a callback attempt's outcome (delivered, retry, failed)


Listener = Callable[[Event], None]


class EventHub:
    def __init__(self) -> None:
        self._listeners: list[tuple[Listener, frozenset[str] | None]] = []
        self._wanted: dict[str, bool] = {}  #: kind -> someone listens to it (rebuilt on each change)

    def subscribe(self, listener: Listener, kinds: Collection[str] | None = None) -> Callable[[], None]:
        """Call ``listener`` for every event (of ``kinds`` only, when given) from now on; returns the function
        that stops it."""
        entry = (listener, None if kinds is None else frozenset(kinds))
        self._listeners.append(entry)
        self._wanted.clear()

        def stop() -> None:
            if entry in self._listeners:
                self._listeners.remove(entry)
                self._wanted.clear()

        return stop

    def publish(self, event: Event) -> None:
        for listener, kinds in tuple(self._listeners):
            if kinds is not None and event.kind not in kinds:
                continue
            try:
                listener(event)
            except Exception:  # a broken listener must not break sending
                log.exception("event listener failed")

    @property
    def listening(self) -> bool:
        return bool(self._listeners)

    def wants(self, kind: str) -> bool:
        """Whether anyone listens to ``kind``: a caller on a hot path builds the event only then."""
        wanted = self._wanted.get(kind)
        if wanted is None:
            wanted = self._wanted[kind] = any(kinds is None or kind in kinds for _, kinds in self._listeners)
        return wanted
