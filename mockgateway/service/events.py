"""A small in-process event hub: the UI's live feed and the wait API listen to what the gateway does."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from mockgateway.domain.values import quick_init

log = logging.getLogger(__name__)


@quick_init
@dataclass(frozen=True, slots=True)
class Event:
    kind: str  #: "message", "notification", "mo", "callback", "clock" or "reset"
    id: str = ""
    account: str | None = None
    provider: str | None = None  #: the provider dialect involved, when one is
    status: str | None = None  #: a notification's status; a callback attempt's outcome (delivered, retry, failed)


Listener = Callable[[Event], None]


class EventHub:
    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` for every event from now on; returns the function that stops it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def publish(self, event: Event) -> None:
        for listener in tuple(self._listeners):
            try:
                listener(event)
            except Exception:  # a broken listener must not break sending
                log.exception("event listener failed")

    @property
    def listening(self) -> bool:
        return bool(self._listeners)
