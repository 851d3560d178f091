"""What the ticker asks of a gateway, answered by a gateway with nothing due, for fakes that change one answer."""

from __future__ import annotations


class IdleGateway:
    clock_is_virtual = False

    async def run_due(self) -> int:
        return 0

    async def purge_expired(self) -> bool:
        return False

    async def next_due(self) -> float | None:
        return None

    def now(self) -> float:
        return 0.0
