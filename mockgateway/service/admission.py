"""Whether an account may send now: its send rate and its cap on kept messages (``Account.limits``).

The rate is measured on the host's monotonic clock, not the gateway clock: it protects the process from the
load a client puts on it, which happens in real time even while a test holds virtual time still.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from mockgateway.domain.errors import QuotaExceeded, RateLimited
from mockgateway.domain.model import Account
from mockgateway.service.ports import Store


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
