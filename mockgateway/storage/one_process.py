"""What the stores one process owns (memory, SQLite) share: their steps recorded call by call, their tallies
counted in memory, and no peers; and the memory store's state port, which lives only as long as the process."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING

from mockgateway.domain.model import Delivery, Message, Notification
from mockgateway.domain.state import Grant, OptOut, TargetOverride
from mockgateway.service.cluster_ports import PeerChanges
from mockgateway.service.events import Event
from mockgateway.service.ports import Store

if TYPE_CHECKING:
    from mockgateway.service.cluster_ports import Peers
    from mockgateway.service.state_ports import StatePort


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
        #: (account, pull) -> id -> when it was handed out, oldest first (the clock only moves forward)
        self._handed_out: dict[tuple[str, str], dict[str, float]] = {}
        self._credits_spent: Counter[tuple[str, str]] = Counter()

    async def hand_out(
        self, account: str, pull: str, ids: Sequence[str], *, now: float, forget_before: float
    ) -> list[str]:
        handed = self._handed_out.setdefault((account, pull), {})
        # Marks of items retention purged are dropped, or a long run would keep one for every item ever pulled.
        while handed and next(iter(handed.values())) < forget_before:
            del handed[next(iter(handed))]
        fresh = [item for item in dict.fromkeys(ids) if item not in handed]
        handed.update(dict.fromkeys(fresh, now))
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


class InMemoryState(ProcessTallies):
    """The state port in memory: it answers like the SQLite one."""

    def __init__(self) -> None:
        super().__init__()
        self._opt_outs: dict[tuple[str, str], OptOut] = {}
        self._targets: dict[tuple[str, str | None], TargetOverride] = {}
        self._grants: dict[str, Grant] = {}
        self._clock: float | None = None

    def add_opt_out(self, opt_out: OptOut) -> None:
        self._opt_outs.setdefault((opt_out.account, opt_out.number), opt_out)

    def remove_opt_out(self, account: str, number: str) -> None:
        self._opt_outs.pop((account, number), None)

    def clear_opt_outs(self) -> None:
        self._opt_outs.clear()

    async def load_opt_outs(self) -> list[OptOut]:
        return sorted(self._opt_outs.values(), key=lambda opt_out: opt_out.at)

    def save_targets(self, override: TargetOverride) -> None:
        key = (override.account, override.provider)
        self._targets.pop(key, None)  # to the end: the latest saved comes last
        self._targets[key] = override

    def forget_targets(self, account: str) -> None:
        self._targets = {key: override for key, override in self._targets.items() if key[0] != account}

    async def load_targets(self) -> list[TargetOverride]:
        return list(self._targets.values())

    def save_grant(self, grant: Grant) -> None:
        self._grants[grant.access_token] = grant

    def sweep_grants(self, now: float) -> None:
        self._grants = {token: grant for token, grant in self._grants.items() if now < grant.kept_until()}

    async def load_grants(self, now: float) -> list[Grant]:
        return [grant for grant in self._grants.values() if now < grant.kept_until()]

    def save_clock(self, at: float) -> None:
        self._clock = at if self._clock is None else max(self._clock, at)

    async def load_clock(self) -> float | None:
        return self._clock

    async def flush(self) -> None:
        return None


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

    def _is_a_state_port(state: InMemoryState) -> StatePort:
        return state  # mypy proves the class fits the port
