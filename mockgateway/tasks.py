"""Stopping a background task for sure.

Cancelling a task that loops (the ticker, a heartbeat, a reader) is not enough on Python 3.11: its
``asyncio.wait_for`` returns the awaited result instead of raising when a cancellation arrives in the very turn
that result comes in (fixed in 3.12), and redis-py wraps every write of a command in ``wait_for`` when a socket
timeout is set. A loop whose cancellation fell into that turn carries on as if nothing happened, and whoever
waits for it to end waits for ever: a ``serve`` that does not stop on SIGTERM.
"""

from __future__ import annotations

import asyncio
from typing import Any

#: How long a cancelled task may take to end before it is cancelled again (it lost the cancellation).
RECANCEL_AFTER_S = 0.1


async def stop(task: asyncio.Task[Any]) -> None:
    """Cancel ``task`` and wait until it ended, cancelling it again while it carries on; what it raised on its
    way out (its cancellation included) is not raised here."""
    while not task.done():
        task.cancel()
        await asyncio.wait((task,), timeout=RECANCEL_AFTER_S)
    if not task.cancelled():
        task.exception()  # retrieved: a task that ended failing is not reported as never retrieved
