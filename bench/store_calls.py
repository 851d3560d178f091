#!/usr/bin/env python3
"""What one store call costs: a message and its notification added, and one account page of 10 read.

    .venv/bin/python bench/store_calls.py [--count 5000] [--redis redis://127.0.0.1:6379/0]

Memory against Redis. Without ``--redis`` it starts a private redis-server as the test suite does. Reports wall
time and this process's CPU per message and notification, and the Redis server's own CPU (from INFO) for them.
The keys go under a prefix of their own, cleared before the run.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for tests.redis_server and its factories

from redis.asyncio import Redis

from mockgateway.domain.queries import EventQuery
from mockgateway.service.ports import Store
from mockgateway.storage.memory import InMemoryStore
from mockgateway.storage.redis_store import RedisStore
from tests.storage.factories import message, notification


async def _server_cpu(store: Store) -> float:
    if not isinstance(store, RedisStore):
        return 0.0
    client = Redis.from_url(store.url)
    info = await client.info("cpu")
    await client.aclose()
    return float(info["used_cpu_sys"]) + float(info["used_cpu_user"])


async def measure(name: str, store: Store, count: int) -> None:
    await store.open()
    await store.clear()
    server, wall, cpu = await _server_cpu(store), time.perf_counter(), time.process_time()
    for i in range(count):
        await store.add_messages([message(str(1_000_000_000 + i))])
        await store.add_notification(notification(f"n{i}", at=i * 0.01))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    server = await _server_cpu(store) - server
    started = time.perf_counter()
    for page in range(200):
        await store.list_notifications(EventQuery(account="demo", offset=page * 10, limit=10))
    paged = (time.perf_counter() - started) / 200
    await store.clear()
    await store.close()
    print(
        f"{name:6}  add message + notification: {wall / count * 1e6:6.0f} us wall, {cpu / count * 1e6:5.0f} us CPU"
        f" (server {server / count * 1e6:4.0f} us)   page of 10: {paged * 1e6:5.0f} us"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--redis", help="a Redis URL (default: a private redis-server)")
    args = parser.parse_args()
    if args.redis is None:
        from tests.redis_server import redis_url

        args.redis = redis_url()
    asyncio.run(measure("memory", InMemoryStore(), args.count))
    asyncio.run(measure("redis", RedisStore(args.redis, prefix="bench:store_calls:"), args.count))


if __name__ == "__main__":
    main()
