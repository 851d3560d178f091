"""Connecting to the Redis store's server: every problem at start-up is a ``ConfigError`` naming the URL."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from mockgateway.domain.errors import ConfigError

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from mockgateway.storage.redis_keys import Keys

#: Sorted-set ZADD GT/LT and the Lua features the store relies on; 7 is also what Debian ships.
MINIMUM_MAJOR = 7


_PASSWORD_PARAMETER = re.compile(r"((?:^|&)password=)[^&]*")
#: A path naming the database: none, or its number.
_DATABASE = re.compile(r"/?(?:[0-9]+)?")


async def connect(url: str) -> Redis:
    """A client for ``url`` whose server answered and is recent enough."""
    from redis.asyncio import Redis  # here: only this store needs redis-py
    from redis.exceptions import RedisError

    from mockgateway.storage.redis_outage import CLIENT_OPTIONS

    shown = shown_url(url)
    try:
        if not _DATABASE.fullmatch(urlsplit(url).path):
            raise ValueError("the path must be the database's number, such as /0")
        # RESP2: no HELLO handshake, so that a server too old for RESP3 still tells its version.
        client = Redis.from_url(url, protocol=2, **CLIENT_OPTIONS)
    except ValueError as error:
        raise ConfigError(f"store {shown}: not a Redis URL ({error})") from None
    try:
        info = await client.info("server")
    except TypeError as error:  # redis-py hands the query's parameters to the connection, which knows only its own
        await client.aclose()
        raise ConfigError(f"store {shown}: a query parameter is not a Redis connection option ({error})") from None
    except (RedisError, OSError) as error:
        await client.aclose()
        raise ConfigError(f"store {shown}: Redis cannot be reached ({error})") from None
    version = str(info.get("redis_version", "0"))
    if _major(version) < MINIMUM_MAJOR:
        await client.aclose()
        raise ConfigError(f"store {shown}: Redis {version} is too old; version {MINIMUM_MAJOR} or later is needed")
    return client


async def join_clock(client: Redis, keys: Keys, kind: str) -> None:
    """Note that a replica on the ``kind`` clock uses these keys, unless a live one runs on the other: a real
    clock would run the virtual one's planned steps as the host's time passes them, and the virtual one would
    stand still under the real one's sends. Once none of them is alive, the next to start may choose again."""
    raw = await client.get(keys.clock_kind)
    noted = None if raw is None else _text(raw)
    if noted is not None and noted != kind:
        replicas = [_text(replica) for replica in await client.smembers(keys.replicas)]
        alive = await client.exists(*(keys.alive(replica) for replica in replicas)) if replicas else 0
        if alive:
            raise ConfigError(
                f"clock: {alive} replica(s) on this Redis prefix run the {noted} clock; every replica "
                f"sharing it must too (or use another redis_prefix)"
            )
    await client.set(keys.clock_kind, kind)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def shown_url(url: str) -> str:
    """``url`` as logs and errors may show it: its password, before the host or as a ``password=`` parameter
    (redis-py reads both), masked."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return _PASSWORD_PARAMETER.sub(r"\1***", url.split("@", 1)[-1])  # unreadable: nothing before a host
    if password:
        parts = parts._replace(netloc=f"{parts.username or ''}:***@{parts.netloc.rsplit('@', 1)[1]}")
    return parts._replace(query=_PASSWORD_PARAMETER.sub(r"\1***", parts.query)).geturl()


def _major(version: str) -> int:
    head = version.split(".", 1)[0]
    return int(head) if head.isdigit() else 0
