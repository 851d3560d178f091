"""One copy of each request configuration the in-memory store keeps."""

from __future__ import annotations

from typing import TypeVar

import msgspec
from msgspec.structs import replace

from mockgateway.domain.model import CallbackTarget, Message, Options

K = TypeVar("K")
V = TypeVar("V")
_encode = msgspec.json.Encoder().encode


class SharedConfigs:
    """A client's messages carry equal options and callback targets, each request its own copies: the store
    keeps one of each instead, about 400 bytes less per stored message. Bounded memories, forgotten when full.
    """

    def __init__(self, limit: int = 1024) -> None:
        self._limit = limit
        self._options: dict[bytes, Options] = {}
        self._callbacks: dict[tuple[CallbackTarget, ...], tuple[CallbackTarget, ...]] = {}

    def of(self, message: Message) -> Message:
        """``message`` holding the shared copies of its options and callback targets."""
        options, callbacks = message.options, message.callbacks
        if options:  # by their JSON: ``True == 1`` in Python, and the one must never stand in for the other
            options = self._shared(self._options, _encode(options), options)
        if callbacks:
            callbacks = self._shared(self._callbacks, callbacks, callbacks)
        if options is message.options and callbacks is message.callbacks:
            return message
        return replace(message, options=options, callbacks=callbacks)

    def _shared(self, memory: dict[K, V], key: K, value: V) -> V:
        known = memory.get(key)
        if known is None:
            if len(memory) >= self._limit:
                memory.clear()
            memory[key] = known = value
        return known
