"""Hand-outs and credits counted by one process, for the stores that one process owns."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence


class ProcessTallies:
    """Counted in memory: a restart starts them again (the SQLite file keeps neither)."""

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
