"""The messages a send request creates, one per destination with one id per part and one shared copy of each
configuration, and what the send answers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cached_property
from typing import TypeVar

import msgspec
from msgspec.structs import replace

from mockgateway.domain.model import CallbackTarget, Message, Options, SendRequest
from mockgateway.encoding import Segmentation
from mockgateway.scenario.model import Scenario

K = TypeVar("K")
V = TypeVar("V")
_encode = msgspec.json.Encoder().encode


class Accepted(msgspec.Struct, frozen=True, kw_only=True, dict=True):  # a struct's __init__ is C code
    messages: list[Message]
    sent: bool = True  #: False: the order was created but not sent (a provider's 201)
    scenarios: Sequence[Scenario] = ()  #: each message's, once it was sent

    @cached_property  # ``dict=True`` gives the struct the ``__dict__`` that keeps it
    def refused(self) -> frozenset[str]:
        """Ids of the messages refused unsent (an opted-out or blocked recipient): a provider bills nothing for
        them. Worked out when first asked: one dialect asks."""
        chosen = zip(self.messages, self.scenarios, strict=False)  # no scenarios: none was sent, none refused
        return frozenset(message.id for message, scenario in chosen if scenario.refuses)


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


def new_messages(
    request: SendRequest,
    seg: Segmentation,
    scenarios: list[Scenario],
    *,
    now: float,
    numeric: Callable[[], str],
    configs: SharedConfigs,
) -> list[Message]:
    """One message per destination, under its scenario, holding the shared copies of its configuration."""
    shared = _shared_fields(request, seg, now, configs)
    parts = len(seg.parts)
    messages = []
    for destination, scenario in zip(request.destinations, scenarios, strict=True):
        part_ids = (numeric(),) if parts == 1 else tuple(numeric() for _ in range(parts))
        messages.append(
            replace(shared, id=part_ids[0], destination=destination, part_ids=part_ids, scenario=scenario.name)
        )
    return messages


def _shared_fields(request: SendRequest, seg: Segmentation, now: float, configs: SharedConfigs) -> Message:
    """What every message of the request has in common, in a message to no one yet.

    Built apart because CPython passes a call of 16 or more keywords through a dict, which costs as much as
    the struct itself: this call has 15, the one per destination 4.
    """
    send_at = request.send_at
    return Message(
        id="",
        account=request.account,
        provider=request.provider,
        destination="",
        origin=request.origin,
        text=request.text,
        encoding=seg.encoding,
        part_ids=(),
        # A deferred message is created at its sending time, so its scenario's timeline starts there.
        created_at=now if send_at is None or send_at < now else send_at,
        client_ref=request.client_ref,
        validity_s=request.validity_s,
        handset_ack=request.handset_ack,
        callbacks=configs.callbacks(request.callbacks),
        options=configs.options(request.options),
        status_at=now,
    )
