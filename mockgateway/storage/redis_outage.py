"""A Redis that cannot be reached, met once at the adapter's edge.

redis-py reconnects by itself and retries a blip (``CLIENT_OPTIONS``); what still fails with a lost connection, a
timeout or a server loading its append-only file becomes the domain's ``StoreUnavailable``, which every provider
renders as its own 503 and the admin API as its JSON error.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

from redis.asyncio.retry import Retry
from redis.backoff import ExponentialWithJitterBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from mockgateway.domain.errors import StoreUnavailable

#: What an outage raises in redis-py; its ``BusyLoadingError`` (the server still loading its data) is a
#: ``ConnectionError``.
OUTAGE = (RedisConnectionError, RedisTimeoutError)

#: Connections that fail fast when Redis is gone, retry a blip three times within half a second, and check an
#: idle connection before using it again (a server restarted meanwhile closed it).
CLIENT_OPTIONS: dict[str, Any] = {
    "socket_connect_timeout": 2.0,
    "socket_timeout": 5.0,
    "socket_keepalive": True,
    "health_check_interval": 15,
    "retry": Retry(ExponentialWithJitterBackoff(base=0.02, cap=0.25), retries=3, supported_errors=OUTAGE),
}

T = TypeVar("T")
P = ParamSpec("P")
R = TypeVar("R")


def translating_outages(cls: type[T]) -> type[T]:
    """``cls`` with each public coroutine method raising ``StoreUnavailable`` for an outage of Redis."""
    for name, member in list(vars(cls).items()):
        if not name.startswith("_") and inspect.iscoroutinefunction(member):
            setattr(cls, name, _translated(member))
    return cls


def _translated(method: Callable[P, Coroutine[Any, Any, R]]) -> Callable[P, Coroutine[Any, Any, R]]:
    @functools.wraps(method)
    async def call(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await method(*args, **kwargs)
        except OUTAGE as error:
            raise StoreUnavailable() from error

    return call
