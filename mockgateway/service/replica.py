"""This replica's side of sharing a store: the changes other replicas made, applied to its own copies."""

from __future__ import annotations

from mockgateway.service.directory import Directory
from mockgateway.service.events import EventHub
from mockgateway.service.timekeeper import Timekeeper
from mockgateway.service.tokens import TokenService


class Replica:
    """The ``PeerChanges`` given to ``Peers.join``: each change goes to the part of the gateway that owns that state."""

    def __init__(self, *, directory: Directory, tokens: TokenService, events: EventHub, time: Timekeeper) -> None:
        self.opted_out = directory.apply_opt_out
        self.opted_in = directory.apply_opt_in
        self.opt_outs_cleared = directory.apply_cleared_opt_outs
        self.targets_saved = directory.apply_targets
        self.targets_forgotten = directory.apply_forgotten_targets
        self.grant_saved = tokens.apply
        self.happened = events.deliver
        self.others_listen = events.others_listen
        self.clock_moved = time.moved_here
        self._directory = directory
        self._time = time

    async def rejoined(self) -> None:
        await self._directory.reload()
        await self._time.catch_up()
