"""One copy of each request configuration, shared by the messages of every send that has it."""

from __future__ import annotations

from typing import TypeVar

import msgspec

from mockgateway.domain.model import CallbackTarget, Options

K = TypeVar("K")
V = TypeVar("V")
_encode = msgspec.json.Encoder().encode


class SharedConfigs:
    """A client's sends carry equal options and callback targets, each request its own copies: its messages
    are given one copy of each instead, about 400 bytes less per message a store keeps in memory, and no store
    copies a message to share them. Bounded memories, forgotten when full.
    """

    def __init__(self, limit: int = 1024) -> None:
        self._limit = limit
        self._options: dict[bytes, Options] = {}
        self._callbacks: dict[tuple[CallbackTarget, ...], tuple[CallbackTarget, ...]] = {}
        self._last_options: Options = ()

    def options(self, options: Options) -> Options:
        if not options or options is self._last_options:  # the very copy: a dialect's defaults, send after send
            return options
        # by their JSON: ``True == 1`` in Python, and the one must never stand in for the other
        self._last_options = shared = self._shared(self._options, _encode(options), options)
        return shared

    def callbacks(self, callbacks: tuple[CallbackTarget, ...]) -> tuple[CallbackTarget, ...]:
        return self._shared(self._callbacks, callbacks, callbacks) if callbacks else callbacks

    def _shared(self, memory: dict[K, V], key: K, value: V) -> V:
        known = memory.get(key)
        if known is None:
            if len(memory) >= self._limit:
                memory.clear()
            memory[key] = known = value
        return known
