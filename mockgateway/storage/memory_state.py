"""The state port in memory: it answers like the SQLite one but lives only as long as the process."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mockgateway.domain.state import Grant, OptOut, TargetOverride
from mockgateway.storage.one_process import ProcessTallies

if TYPE_CHECKING:
    from mockgateway.service.state_ports import StatePort


class InMemoryState(ProcessTallies):
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
        for key in [key for key in self._targets if key[0] == account]:
            del self._targets[key]

    async def load_targets(self) -> list[TargetOverride]:
        return list(self._targets.values())

    def save_grant(self, grant: Grant) -> None:
        self._grants[grant.access_token] = grant

    def sweep_grants(self, now: float) -> None:
        for token in [token for token, grant in self._grants.items() if now >= grant.kept_until()]:
            del self._grants[token]

    async def load_grants(self, now: float) -> list[Grant]:
        return [grant for grant in self._grants.values() if now < grant.kept_until()]

    def save_clock(self, at: float) -> None:
        self._clock = at if self._clock is None else max(self._clock, at)

    async def load_clock(self) -> float | None:
        return self._clock

    async def flush(self) -> None:
        return None


if TYPE_CHECKING:

    def _is_a_state_port(state: InMemoryState) -> StatePort:
        return state  # mypy proves the class fits the port
