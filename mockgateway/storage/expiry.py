"""Which keyed items (messages, callback deliveries) to forget, oldest first, in bounded steps.

Items enter a queue in arrival order. A purge pops the front while it arrived before the cutoff; one whose
retention started later (or that must be kept for now) goes to a heap ordered by that later start and is
looked at again once the cutoff passes it. No step costs more than O(log n).
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from collections.abc import Callable

#: The retention start of a live item, ``KEEP`` while it must be kept whatever its age, ``None`` once it is gone.
Lookup = Callable[[str], float | None]
KEEP = float("inf")
#: An item that must be kept for now is looked at again once the cutoff moved this far.
RECHECK_S = 60.0


class ExpiryQueue:
    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self._fresh: deque[tuple[float, str]] = deque()
        self._later: list[tuple[float, int, str]] = []
        self._seq = itertools.count()

    def add(self, key: str, arrived_at: float) -> None:
        """Queue ``key``, which arrived (on the gateway clock) at ``arrived_at``; its retention starts no earlier."""
        self._fresh.append((arrived_at, key))

    def hold(self, key: str, until: float) -> None:
        """Look at ``key`` again once the cutoff reaches ``until``."""
        heapq.heappush(self._later, (until, next(self._seq), key))

    def purge(self, older_than: float, budget: int, lookup: Lookup, forget: Callable[[str], None]) -> int:
        work = 0
        while work < budget and self._fresh and self._fresh[0][0] <= older_than:
            _, key = self._fresh.popleft()
            work += 1
            self._settle(key, lookup(key), older_than, forget)
        while work < budget and self._later and self._later[0][0] <= older_than:
            _, _, key = heapq.heappop(self._later)
            work += 1
            self._settle(key, lookup(key), older_than, forget)
        return work

    def _settle(self, key: str, kept_from: float | None, older_than: float, forget: Callable[[str], None]) -> None:
        if kept_from is None:
            return
        if kept_from <= older_than:
            forget(key)
        else:
            self.hold(key, older_than + RECHECK_S if kept_from == KEEP else kept_from)
