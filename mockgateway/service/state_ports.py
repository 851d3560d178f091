"""Ports for the state kept besides messages and events: opt-outs, callback targets, grants, the clock.

(Id sequences are kept by the ``Store`` itself, with the messages and MOs that carry the ids.)

Writes are plain calls that take effect in order with the store's other writes (a persistent store queues them
on its own writer), so the synchronous paths that change state need not wait; ``flush`` waits until every write
made so far is kept, before an answer that promises it. Loads are made once, after ``Store.open()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from mockgateway.domain.state import Grant, OptOut, TargetOverride


class OptOutPort(Protocol):
    def add_opt_out(self, opt_out: OptOut) -> None:
        """Keep ``opt_out``; one already kept for that account and number stays as it is."""

    def remove_opt_out(self, account: str, number: str) -> None: ...

    def clear_opt_outs(self) -> None: ...

    async def load_opt_outs(self) -> list[OptOut]:
        """Oldest first."""


class TargetPort(Protocol):
    def save_targets(self, override: TargetOverride) -> None:
        """Replace the override of that account and provider (or account-wide one)."""

    def forget_targets(self, account: str) -> None:
        """Drop every override of ``account``: its targets are the configured ones again."""

    async def load_targets(self) -> list[TargetOverride]:
        """In the order they were last saved."""


class GrantPort(Protocol):
    def save_grant(self, grant: Grant) -> None:
        """Insert, or replace the grant of the same access token."""

    def sweep_grants(self, now: float) -> None:
        """Forget the grants whose tokens are all expired at ``now``."""

    async def load_grants(self, now: float) -> list[Grant]:
        """The grants with a token still good at ``now``, oldest first."""

    async def find_grant(self, *, access_token: str = "", refresh_token: str = "") -> Grant | None:
        """The grant of that token, issued by another process sharing the store (``None`` in a store of one
        process: its token service knows every grant)."""

    async def spend_refresh(self, refresh_token: str) -> bool:
        """Use up ``refresh_token`` once for every process sharing the store: True for the one caller that did."""


class ClockPort(Protocol):
    def save_clock(self, at: float) -> None:
        """The gateway clock reached ``at``; frequent calls are cheap (only the latest needs keeping)."""

    async def load_clock(self) -> float | None: ...


class TallyPort(Protocol):
    """What a provider's API counts per account: replies handed out once by a pull, credits spent. Shared by every
    process on a shared store; a store of one process counts them in memory, from zero at each start."""

    async def hand_out(
        self, account: str, pull: str, ids: Sequence[str], *, now: float, forget_before: float
    ) -> list[str]:
        """Of ``ids``, in order, those ``pull`` had not handed out to ``account`` before, now marked handed out
        (once, however many processes ask at a time). Marks made before ``forget_before`` (whose items retention
        purged) are forgotten, so that what is kept stays bounded."""

    async def spend_credits(self, account: str, provider: str, count: int) -> int:
        """Add ``count`` (less than zero: a refund; zero: only read) to the credits ``account`` spent on
        ``provider``; returns what it spent in all."""

    async def spend_credits_within(self, account: str, provider: str, count: int, *, allowance: int) -> bool:
        """Spend ``count`` only if what ``account`` spent on ``provider`` stays within ``allowance``; whether it
        did. Checked and spent at once, however many processes spend at a time."""

    def clear_tallies(self) -> None: ...


class StatePort(OptOutPort, TargetPort, GrantPort, ClockPort, TallyPort, Protocol):
    async def flush(self) -> None:
        """Wait until every write made so far is kept."""
