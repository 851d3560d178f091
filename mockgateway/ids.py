"""Identifiers: unique per process and, with a seed, the same on every run."""

from __future__ import annotations

import random
import secrets
from typing import Protocol


class IdSource(Protocol):
    def numeric(self) -> str:
        """A 10-digit order id, as Live Link hands out."""

    def hex(self, length: int = 32) -> str: ...

    def token(self) -> str:
        """An opaque credential, in ASCII (the token service takes no other); unguessable unless a seed was given."""

    def random(self) -> random.Random:
        """The generator scenarios draw probabilities from."""

    def resume(self, generation: int, last_numeric: int | None) -> None:
        """Continue after a restart without repeating an id handed out before it."""

    def share(self, slot: int) -> None:
        """Hand out numeric ids beside other processes on one store, each with its own ``slot``."""


#: Processes sharing a store hand out the numeric ids of their slot modulo this: 10 digits last ~78 million ids.
SHARED_SLOTS = 64


class SeededIds:
    """Ids from a counter over a start drawn from the seed; ``seed=None`` draws a fresh start."""

    def __init__(self, seed: int | None = None) -> None:
        self._seed = seed
        self._rng = random.Random(seed if seed is not None else secrets.randbits(64))
        self._next = self._rng.randrange(1_000_000_000, 5_000_000_000)
        self._step = 1

    def numeric(self) -> str:
        self._next += self._step
        return str(self._next)

    def hex(self, length: int = 32) -> str:
        number = self._rng.getrandbits(length * 4)
        if length % 2:
            return format(number, f"0{length}X")
        # The same digits as format(number, "016X"), in half the time: each notification and callback takes one.
        return number.to_bytes(length // 2, "big").hex().upper()

    def token(self) -> str:
        if self._seed is not None:
            return f"{self._rng.getrandbits(160):040x}"
        return secrets.token_hex(20)

    def random(self) -> random.Random:
        return self._rng

    def resume(self, generation: int, last_numeric: int | None) -> None:
        """After restart number ``generation`` of a persistent store, whose highest numeric id is ``last_numeric``.

        A seeded run would otherwise replay its first run's random ids; each generation gets a stream of its
        own, so runs stay reproducible and stored ids are not handed out twice.
        """
        if self._seed is not None and generation > 0:
            self._rng.seed(f"{self._seed}/{generation}")
        if last_numeric is not None:
            self._next = max(self._next, last_numeric)

    def share(self, slot: int) -> None:
        """From now on only ids congruent to ``slot`` modulo ``SHARED_SLOTS``: processes that resumed from the same
        highest id, each with its own slot (its store generation), never hand out the same one."""
        self._step = SHARED_SLOTS
        self._next += (slot - self._next - 1) % SHARED_SLOTS + 1 - SHARED_SLOTS
