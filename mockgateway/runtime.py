"""The ticker: on the real clock, runs due work as time passes. The only place that sleeps for real.

While the store is unavailable the ticker logs it once, naps longer (backing off to a second) and carries on;
the jobs that could not run stay planned and run once the store is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable
from typing import TypeVar

from mockgateway.domain.errors import StoreUnavailable
from mockgateway.outages import Backoff, OutageLog
from mockgateway.service.gateway import Gateway
from mockgateway.tasks import stop

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Longest nap between looks at the timeline: new work scheduled meanwhile waits at most this long.
MAX_NAP_S = 0.05
#: Shortest nap between two ticks that ran work: a step runs at most this late, and the steps falling due
#: within it run in one tick, sharing its round trips to the store (``bench/README.md``, "Fewer round trips").
MIN_NAP_S = 0.005


async def tick_forever(gateway: Gateway) -> None:
    outage, backoff = OutageLog(log, "running due work"), Backoff(first=MAX_NAP_S)
    while True:
        ran, started = 0, gateway.now()
        try:
            ran = await _guarded(gateway.run_due(), "a scheduled job failed", 0)  # how many jobs ran
            # One bounded batch of retention; True when more is due right away.
            behind = await _guarded(gateway.purge_expired(), "purging expired entries failed", False)
            due = await gateway.next_due()
        except StoreUnavailable as error:
            outage.failed(error)
            await asyncio.sleep(backoff.next_delay())
            continue
        except Exception:  # keep ticking, whatever went wrong this time
            log.exception("the ticker failed")
            await asyncio.sleep(MAX_NAP_S)
            continue
        outage.recovered()
        backoff.reset()
        await asyncio.sleep(0.0 if behind else nap(ran=ran, due=due, started=started, now=gateway.now()))


def nap(*, ran: int, due: float | None, started: float, now: float) -> float:
    """How long to wait before the next tick, which began at ``started``, ran ``ran`` jobs and left the next
    due at ``due``."""
    if due is None or (ran == 0 and due <= started):  # nothing due, or due but not ours: another process runs it
        return MAX_NAP_S
    return min(MAX_NAP_S, max(MIN_NAP_S if ran else 0.0, due - now))


async def _guarded(work: Awaitable[T], failure: str, otherwise: T) -> T:
    """``work``'s result; a failure other than the store's is logged and answered ``otherwise``: one bad job must
    not stop every lifecycle."""
    try:
        return await work
    except StoreUnavailable:
        raise
    except Exception:
        log.exception(failure)
        return otherwise


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
        await stop(task)
