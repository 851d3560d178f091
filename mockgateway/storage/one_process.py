"""What the stores one process owns (memory, SQLite) share: their steps recorded call by call, their tallies
counted in memory, and no peers."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING

from mockgateway.domain.model import Delivery, Message, Notification
from mockgateway.domain.state import Grant
from mockgateway.service.cluster_ports import PeerChanges
from mockgateway.service.events import Event
from mockgateway.service.ports import Store

if TYPE_CHECKING:
    from mockgateway.service.cluster_ports import Peers


class StepsInTurn:
    async def record_step(
        self: Store, current: Message, updated: Message, *, notification: Notification, deliveries: Sequence[Delivery]
    ) -> bool:
        """``Store.record_step`` as a compare-and-set, then the notification, then each delivery: nothing runs
        between these calls that could see half a step."""
        if not await self.replace_message(current, updated):
            return False
        await self.add_notification(notification)
        for delivery in deliveries:
            await self.save_delivery(delivery)
        return True


class ProcessTallies:
    """Hand-outs and credits counted in memory: a restart starts them again (the SQLite file keeps neither)."""

    def __init__(self) -> None:
        self._handed_out: dict[tuple[str, str], set[str]] = {}
        self._credits_spent: Counter[tuple[str, str]] = Counter()

    async def hand_out(
        self, account: str, pull: str, ids: Sequence[str], *, now: float, forget_before: float
    ) -> list[str]:
        handed = self._handed_out.setdefault((account, pull), set())
        fresh = [item for item in dict.fromkeys(ids) if item not in handed]
        handed.update(fresh)
        return fresh

    async def spend_credits(self, account: str, provider: str, count: int) -> int:
        self._credits_spent[account, provider] += count
        return self._credits_spent[account, provider]

    async def spend_credits_within(self, account: str, provider: str, count: int, *, allowance: int) -> bool:
        if self._credits_spent[account, provider] + count > allowance:
            return False
        self._credits_spent[account, provider] += count
        return True

    def clear_tallies(self) -> None:
        self._handed_out.clear()
        self._credits_spent.clear()

    # One process owns the store: its token service knows every grant, and every refresh is its own to spend.
    async def find_grant(self, *, access_token: str = "", refresh_token: str = "") -> Grant | None:
        return None

    async def spend_refresh(self, refresh_token: str) -> bool:
        return True


class NoPeers:
    """The store is not shared: nothing is told, and the clock moves here."""

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
