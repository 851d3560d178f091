"""No peers: a store of one process (memory, SQLite) is not shared, so nothing is told and the clock moves here."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from mockgateway.service.cluster_ports import PeerChanges
from mockgateway.service.events import Event

if TYPE_CHECKING:
    from mockgateway.service.cluster_ports import Peers


class NoPeers:
    shared = False

    def __init__(self) -> None:
        self._changes: PeerChanges | None = None

    async def join(self, changes: PeerChanges) -> None:
        self._changes = changes

    async def leave(self) -> None:
        self._changes = None

    def forward(self, event: Event) -> None:
        return None

    def listen(self, kinds: frozenset[str]) -> None:
        return None

    async def heard_by_all(self) -> None:
        return None

    async def caught_up(self) -> None:
        return None

    @contextlib.asynccontextmanager
    async def clock_turn(self) -> AsyncIterator[None]:
        yield

    async def move_all(self, at: float, *, last: bool) -> list[float | None]:
        if self._changes is None:
            raise RuntimeError("the gateway is not open")
        return [await self._changes.clock_moved(at, last=last)]


if TYPE_CHECKING:

    def _is_peers(peers: NoPeers) -> Peers:
        return peers  # mypy proves the class fits the port
