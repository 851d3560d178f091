"""One callback at a time per receiver, in the order they were handed over: what a replayed run needs.

Attempts that fall due together go out in parallel, and over parallel connections a receiver may see them in
any order. A seeded run on the virtual clock promises the same callbacks in the same order on every run, so
there each receiver URL gets its next callback only once it has answered the one before (callbacks to other
receivers still go meanwhile). Waiters take their turn first come, first served, as ``asyncio.Lock`` serves them.
"""

from __future__ import annotations

import asyncio

from mockgateway.dispatch.transport import Transport, TransportResult
from mockgateway.domain.model import HttpCall


class OrderedTransport:
    """Wraps a ``Transport`` so that each URL has at most one attempt in flight, in the order they came."""

    def __init__(self, inner: Transport) -> None:
        self._inner = inner
        self._turns: dict[str, tuple[asyncio.Lock, int]] = {}  #: url -> (its lock, attempts holding or waiting)

    async def send(self, call: HttpCall, timeout_s: float) -> TransportResult:
        url = call.url
        lock, users = self._turns.get(url) or (asyncio.Lock(), 0)
        self._turns[url] = (lock, users + 1)
        try:
            async with lock:
                return await self._inner.send(call, timeout_s)
        finally:
            lock, users = self._turns[url]
            if users > 1:
                self._turns[url] = (lock, users - 1)
            else:  # nobody else waits for this receiver: forget it, so the table holds only busy receivers
                del self._turns[url]

    async def close(self) -> None:
        await self._inner.close()
