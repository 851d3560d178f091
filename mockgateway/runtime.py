"""The ticker: on the real clock, runs due work as time passes. The only place that sleeps for real."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from mockgateway.service.gateway import Gateway

log = logging.getLogger(__name__)

#: Longest nap between looks at the timeline: new work scheduled meanwhile waits at most this long.
MAX_NAP_S = 0.05


async def tick_forever(gateway: Gateway) -> None:
    while True:
        try:
            await gateway.run_due()
        except Exception:  # keep ticking: one bad job must not stop every lifecycle
            log.exception("a scheduled job failed")
        behind = await _purge(gateway)
        due = await gateway.next_due()
        nap = MAX_NAP_S if due is None else min(MAX_NAP_S, max(0.0, due - gateway.now()))
        await asyncio.sleep(0.0 if behind else nap)


async def _purge(gateway: Gateway) -> bool:
    """One bounded batch of retention; True when more is due right away."""
    try:
        return await gateway.purge_expired()
    except Exception:
        log.exception("purging expired entries failed")
        return False


@contextlib.asynccontextmanager
async def ticking(gateway: Gateway) -> AsyncIterator[None]:
    """Tick while the context is open, on the real clock only; the virtual clock moves by request."""
    if gateway.clock_is_virtual:
        yield
        return
    task = asyncio.create_task(tick_forever(gateway), name="mockgateway-ticker")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
