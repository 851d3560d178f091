"""Connecting to the Redis store's server: every problem at start-up is a ``ConfigError`` naming the URL."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mockgateway.domain.errors import ConfigError

if TYPE_CHECKING:
    from redis.asyncio import Redis

#: Sorted-set ZADD GT/LT and the Lua features the store relies on; 7 is also what Debian ships.
MINIMUM_MAJOR = 7


async def connect(url: str) -> Redis:
    """A client for ``url`` whose server answered and is recent enough."""
    from redis.asyncio import Redis  # here: only this store needs redis-py
    from redis.exceptions import RedisError

    from mockgateway.storage.redis_outage import CLIENT_OPTIONS

    try:
        # RESP2: no HELLO handshake, so that a server too old for RESP3 still tells its version.
        client = Redis.from_url(url, protocol=2, **CLIENT_OPTIONS)
    except ValueError as error:
        raise ConfigError(f"store {url}: not a Redis URL ({error})") from None
    try:
        info = await client.info("server")
    except (RedisError, OSError) as error:
        await client.aclose()
        raise ConfigError(f"store {url}: Redis cannot be reached ({error})") from None
    version = str(info.get("redis_version", "0"))
    if _major(version) < MINIMUM_MAJOR:
        await client.aclose()
        raise ConfigError(f"store {url}: Redis {version} is too old; version {MINIMUM_MAJOR} or later is needed")
    return client


def _major(version: str) -> int:
    head = version.split(".", 1)[0]
    return int(head) if head.isdigit() else 0
