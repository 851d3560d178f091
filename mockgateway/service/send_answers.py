"""What a send meets before it is accepted: its account's limits (``SendAdmission``), and how a scenario answers
it, the fault it raises and its latency on the gateway's clock.

An account's send rate is measured on the host's monotonic clock, not the gateway clock: it protects the process
from the load a client puts on it, which happens in real time even while a test holds virtual time still.

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
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from mockgateway.clock import Clock
from mockgateway.domain.errors import Forbidden, GatewayError, ProviderFailure, QuotaExceeded, RateLimited, Unauthorized
from mockgateway.domain.model import Account
from mockgateway.scenario.model import OnSend
from mockgateway.service.ports import Store

Sleep = Callable[[float], Awaitable[None]]
#: (due at, order of arrival, resumes the send, set once the send has finished what it resumed)
_Parked = tuple[float, int, "asyncio.Future[None]", "asyncio.Future[None]"]
_REFUSALS: dict[int, type[GatewayError]] = {401: Unauthorized, 403: Forbidden}


@dataclass(slots=True)
class _Bucket:
    """A token bucket: one token per send, refilled at the rate, holding at most a second's worth."""

    tokens: float
    at: float


class SendAdmission:
    def __init__(self, store: Store, *, now: Callable[[], float] = time.monotonic) -> None:
        self._store = store
        self._now = now
        self._buckets: dict[str, _Bucket] = {}

    async def admit(self, account: Account, messages: int) -> None:
        """Raise ``RateLimited`` or ``QuotaExceeded`` when ``account`` may not send ``messages`` now."""
        limits = account.limits
        if limits.send_rate is not None:
            self._take(account.name, limits.send_rate)
        if limits.max_messages is not None:
            kept = await self._store.count_messages(account.name)
            if kept + messages > limits.max_messages:
                raise QuotaExceeded(
                    f"account {account.name!r} keeps {kept} of at most {limits.max_messages} messages; delete some "
                    "or wait for retention to make room"
                )

    def _take(self, name: str, rate: float) -> None:
        now = self._now()
        capacity = max(1.0, rate)
        bucket = self._buckets.setdefault(name, _Bucket(tokens=capacity, at=now))
        bucket.tokens = min(capacity, bucket.tokens + (now - bucket.at) * rate)
        bucket.at = now
        if bucket.tokens < 1.0:
            wait = (1.0 - bucket.tokens) / rate
            raise RateLimited(
                f"account {name!r} may send at most {rate:g} requests per second", retry_after=max(1, math.ceil(wait))
            )
        bucket.tokens -= 1.0


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

    def release(self, error: GatewayError) -> None:
        """At shutdown: every parked send is answered ``error`` at once. None was accepted yet, so none is lost."""
        parked, self._parked = self._parked, []
        for _, _, resumed, _ in parked:
            if not resumed.done():
                resumed.set_exception(error)

    async def wake(self, now: float) -> None:
        """Resume every send parked until ``now``, in order, each finishing before the next resumes."""
        while self._parked and self._parked[0][0] <= now:
            _, _, resumed, finished = heapq.heappop(self._parked)
            if not resumed.done():  # a send whose client went away was cancelled meanwhile
                resumed.set_result(None)
            await finished
