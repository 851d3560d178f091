"""How a scenario answers a send: the fault it raises, and its latency on the gateway's clock.

The latency is the client's wait: its HTTP call gets no answer until the time has passed. On the real clock
that is a real wait. On the virtual clock no real time passes: the send is parked until the clock is advanced
past its time, and whoever advanced it waits for the send to finish, so the message is created at that virtual
instant and its lifecycle runs on within the same advance.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import math
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from mockgateway.clock import Clock
from mockgateway.domain.errors import Forbidden, GatewayError, ProviderFailure, RateLimited, Unauthorized
from mockgateway.scenario.model import OnSend

Sleep = Callable[[float], Awaitable[None]]
#: (due at, order of arrival, resumes the send, set once the send has finished what it resumed)
_Parked = tuple[float, int, "asyncio.Future[None]", "asyncio.Future[None]"]
_REFUSALS: dict[int, type[GatewayError]] = {401: Unauthorized, 403: Forbidden}


def send_failure(on_send: OnSend) -> GatewayError:
    """The error a scenario answers a send with; dialects render it in their provider's format."""
    status = on_send.respond or 500
    detail = f"the scenario for this destination answers {status}"
    retry_after = None if on_send.retry_after is None else math.ceil(on_send.retry_after)
    if status in _REFUSALS:
        return _REFUSALS[status](detail)
    if status == 429:
        return RateLimited(detail, retry_after=retry_after)
    return ProviderFailure(detail, status=status, retry_after=retry_after)


class SendLatency:
    """Waits a send's latency on ``clock``: ``sleep`` on the real clock, parked sends on the virtual one."""

    def __init__(self, clock: Clock, sleep: Sleep | None) -> None:
        self._clock = clock
        self._sleep = sleep
        self._parked: list[_Parked] = []
        self._arrivals = itertools.count()

    def __len__(self) -> int:
        """Sends parked on the virtual clock."""
        return len(self._parked)

    @asynccontextmanager
    async def wait(self, seconds: float) -> AsyncIterator[None]:
        """Enter to wait; the send's answer is made inside the block."""
        if not seconds or not self._clock.virtual:
            if seconds and self._sleep is not None:
                await self._sleep(seconds)
            yield
            return
        loop = asyncio.get_running_loop()
        resumed: asyncio.Future[None] = loop.create_future()
        finished: asyncio.Future[None] = loop.create_future()
        heapq.heappush(self._parked, (self._clock.now() + seconds, next(self._arrivals), resumed, finished))
        try:
            await resumed
            yield
        finally:
            if not finished.done():
                finished.set_result(None)

    def next_due(self) -> float | None:
        return self._parked[0][0] if self._parked else None

    async def wake(self, now: float) -> None:
        """Resume every send parked until ``now``, in order, each finishing before the next resumes."""
        while self._parked and self._parked[0][0] <= now:
            _, _, resumed, finished = heapq.heappop(self._parked)
            if not resumed.done():  # a send whose client went away was cancelled meanwhile
                resumed.set_result(None)
            await finished
