"""What replicas sharing a Redis store tell each other, on one pub/sub channel under the prefix.

One channel keeps every note in the order Redis received it: a replica that sees its own ``Ping`` come back has
applied every note published before it, and a ``PUBLISH`` answers how many replicas listen, so an advance knows
how many ``Moved`` answers to wait for. Each note names its sender, a replica id drawn at start.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

import msgspec

from mockgateway.domain.state import Grant, OptOut, TargetOverride
from mockgateway.service.events import Event


class Note(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    sender: str  #: the replica that published it


# -- the shared state, changed by its sender (published with the write, in the same transaction) ----------
class OptedOut(Note, frozen=True, kw_only=True):
    opt_out: OptOut


class OptedIn(Note, frozen=True, kw_only=True):
    account: str
    number: str


class OptOutsCleared(Note, frozen=True, kw_only=True):
    pass


class TargetsSaved(Note, frozen=True, kw_only=True):
    override: TargetOverride


class TargetsForgotten(Note, frozen=True, kw_only=True):
    account: str


class GrantSaved(Note, frozen=True, kw_only=True):
    grant: Grant


# -- events ----------------------------------------------------------------------------------------------
class Happened(Note, frozen=True, kw_only=True):
    event: Event


class Listening(Note, frozen=True, kw_only=True):
    """The event kinds the sender's listeners want now (none: forward it nothing)."""

    kinds: frozenset[str]


class Hello(Note, frozen=True, kw_only=True):
    """The sender just joined: every other replica says again what it listens to."""


class Ping(Note, frozen=True, kw_only=True):
    """Comes back to its sender after every note published before it."""

    token: str


class Roll(Note, frozen=True, kw_only=True):
    """Every replica answers ``Here``: once all did, each has applied what the sender published before."""

    step: str


class Here(Note, frozen=True, kw_only=True):
    step: str


# -- the virtual clock ----------------------------------------------------------------------------------------
class Move(Note, frozen=True, kw_only=True):
    """Every replica: move the clock to ``at``, run what falls due, and answer ``Moved``."""

    step: str  #: names this step of this advance
    at: float
    last: bool  #: the advance ends here


class Moved(Note, frozen=True, kw_only=True):
    step: str
    next_due: float | None  #: when the sender's next work falls due


class Answers:
    """The ``Moved`` answers to one step of an advance: done once as many came as replicas were told."""

    def __init__(self) -> None:
        self.next_due: list[float | None] = []
        self._expected: int | None = None
        self.done = asyncio.get_running_loop().create_future()

    def add(self, next_due: float | None) -> None:
        self.next_due.append(next_due)
        self._settle()

    def expect(self, count: int) -> None:
        self._expected = count
        self._settle()

    def _settle(self) -> None:
        if self._expected is not None and len(self.next_due) >= self._expected and not self.done.done():
            self.done.set_result(None)


AnyNote = (
    OptedOut
    | OptedIn
    | OptOutsCleared
    | TargetsSaved
    | TargetsForgotten
    | GrantSaved
    | Happened
    | Listening
    | Hello
    | Ping
    | Roll
    | Here
    | Move
    | Moved
)
_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(AnyNote)


def encode(note: Note) -> bytes:
    return _encoder.encode(note)


def decode(raw: Any) -> Note:
    """``raw``: a pub/sub message's data, bytes without ``decode_responses``."""
    return cast(Note, _decoder.decode(cast(bytes, raw)))
