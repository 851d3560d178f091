"""Ports for replicas: gateway processes that share one store and behave as one gateway.

Each replica keeps its own copies of the directory, the tokens and the clock, and its own event hub. What one
replica changes in the shared state, the store tells the others (``PeerChanges``); what happens on one replica
reaches the listeners of every other (``Peers.forward``); the virtual clock moves on all of them at once
(``Peers.move_all``). A store of one process has no peers: nothing is sent, and nothing costs more.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Protocol

from mockgateway.domain.state import Grant, OptOut, TargetOverride
from mockgateway.service.events import Event


class PeerChanges(Protocol):
    """What a replica applies to its own copies when another replica changed the shared state."""

    def opted_out(self, opt_out: OptOut) -> None: ...

    def opted_in(self, account: str, number: str) -> None: ...

    def opt_outs_cleared(self) -> None: ...

    def targets_saved(self, override: TargetOverride) -> None: ...

    def targets_forgotten(self, account: str) -> None: ...

    def grant_saved(self, grant: Grant) -> None: ...

    def happened(self, event: Event) -> None:
        """An event of another replica, for this replica's listeners."""

    def others_listen(self, kinds: frozenset[str]) -> None:
        """The event kinds the other replicas' listeners want now."""

    async def clock_moved(self, at: float, *, last: bool) -> float | None:
        """Move the virtual clock to ``at`` and run everything due there, callbacks included, to its end.

        ``last``: the advance ends here (listeners hear of the move). Returns when this replica's next work
        falls due (a job, a callback retry, a parked send), ``None`` when it has none."""

    async def rejoined(self) -> None:
        """This replica heard nothing of the others for a while (its connection was lost): read again from the
        store what their changes would have told it, the opt-outs, the runtime targets and the clock's position
        (tokens are read from the store whenever one is not known)."""


class Peers(Protocol):
    """The other replicas sharing the store."""

    @property
    def shared(self) -> bool:
        """Whether other replicas may share the store: the virtual clock then moves through ``move_all``."""

    async def join(self, changes: PeerChanges) -> None:
        """Start applying the others' changes to ``changes`` (after ``Store.open()``, before loading state)."""

    async def leave(self) -> None: ...

    def forward(self, event: Event) -> None:
        """Tell the other replicas' listeners of ``event`` (only kinds they listen to are given)."""

    def listen(self, kinds: frozenset[str]) -> None:
        """This replica's listeners now want ``kinds``: the others forward those to it."""

    async def heard_by_all(self) -> None:
        """Wait until every replica has applied what this one told them so far (what its listeners want)."""

    async def caught_up(self) -> None:
        """Wait until what this replica told the others is sent, and every change any replica made before this
        call is applied here."""

    def clock_turn(self) -> AbstractAsyncContextManager[None]:
        """Hold it to move the clock: one advance at a time across the replicas."""

    async def move_all(self, at: float, *, last: bool) -> list[float | None]:
        """Move every replica's clock to ``at``; returns, once each has finished what fell due, each one's next
        due time (see ``PeerChanges.clock_moved``)."""
