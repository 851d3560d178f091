"""Send latency on the gateway's clock: it is the client's HTTP call that waits for its answer.

On the real clock the answer waits in real time. On the virtual clock no real time passes: the answer is parked
until the clock is advanced past its time, and whoever advanced it waits for the send to finish, so the message
is created at that virtual instant and its lifecycle runs on within the same advance.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

Sleep = Callable[[float], Awaitable[None]]
#: (due at, order of arrival, resumes the send, set once the send has finished what it resumed)
_Parked = tuple[float, int, "asyncio.Future[None]", "asyncio.Future[None]"]


class VirtualWaits:
    """Sends parked on the virtual clock, earliest first."""

    def __init__(self) -> None:
        self._parked: list[_Parked] = []
        self._arrivals = itertools.count()

    def __len__(self) -> int:
        return len(self._parked)

    def next_due(self) -> float | None:
        return self._parked[0][0] if self._parked else None

    @asynccontextmanager
    async def until(self, when: float) -> AsyncIterator[None]:
        """Park until the clock reaches ``when``; the block's end tells the waker the send is done."""
        loop = asyncio.get_running_loop()
        resumed: asyncio.Future[None] = loop.create_future()
        finished: asyncio.Future[None] = loop.create_future()
        heapq.heappush(self._parked, (when, next(self._arrivals), resumed, finished))
        try:
            await resumed
            yield
        finally:
            if not finished.done():
                finished.set_result(None)

    async def wake(self, now: float) -> None:
        """Resume every send due by ``now``, in order, each finishing before the next resumes."""
        while self._parked and self._parked[0][0] <= now:
            _, _, resumed, finished = heapq.heappop(self._parked)
            if not resumed.done():  # a send whose client went away was cancelled meanwhile
                resumed.set_result(None)
            await finished


@asynccontextmanager
async def real_wait(sleep: Sleep, seconds: float) -> AsyncIterator[None]:
    await sleep(seconds)
    yield
