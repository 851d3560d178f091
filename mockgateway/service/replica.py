"""This replica's side of sharing a store: the changes other replicas made, applied to its own copies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mockgateway.domain.state import Grant, OptOut, TargetOverride
from mockgateway.service.directory import Directory
from mockgateway.service.events import Event, EventHub
from mockgateway.service.timekeeper import Timekeeper
from mockgateway.service.tokens import TokenService

if TYPE_CHECKING:
    from mockgateway.service.cluster_ports import PeerChanges


class Replica:
    """Given to ``Peers.join``: each change goes to the part of the gateway that owns that state."""

    def __init__(self, *, directory: Directory, tokens: TokenService, events: EventHub, time: Timekeeper) -> None:
        self._directory = directory
        self._tokens = tokens
        self._events = events
        self._time = time

    def opted_out(self, opt_out: OptOut) -> None:
        self._directory.apply_opt_out(opt_out)

    def opted_in(self, account: str, number: str) -> None:
        self._directory.apply_opt_in(account, number)

    def opt_outs_cleared(self) -> None:
        self._directory.apply_cleared_opt_outs()

    def targets_saved(self, override: TargetOverride) -> None:
        self._directory.apply_targets(override)

    def targets_forgotten(self, account: str) -> None:
        self._directory.apply_forgotten_targets(account)

    def grant_saved(self, grant: Grant) -> None:
        self._tokens.apply(grant)

    def happened(self, event: Event) -> None:
        self._events.deliver(event)

    def others_listen(self, kinds: frozenset[str]) -> None:
        self._events.others_listen(kinds)

    async def clock_moved(self, at: float, *, last: bool) -> float | None:
        return await self._time.moved_here(at, last=last)

    async def rejoined(self) -> None:
        await self._directory.reload()
        await self._time.catch_up()


if TYPE_CHECKING:

    def _applies_changes(replica: Replica) -> PeerChanges:
        return replica  # mypy proves the class fits the port
