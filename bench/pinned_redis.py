"""A private redis-server pinned to cpu 1, for the benchmarks that measure Redis's own CPU
(``redis_step_cost.py``, ``redis_send_floor.py``)."""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass

import redis

from tests.redis_server import PACKAGE, ensure_redis_server, free_port


@dataclass(frozen=True)
class PinnedRedis:
    client: redis.Redis
    pid: int  #: the server's, for its CPU time in /proc


@contextlib.contextmanager
def pinned_redis(name: str) -> Iterator[PinnedRedis]:
    """Debian's redis-server without persistence, on a free port of 127.0.0.1, stopped on the way out."""
    missing = ensure_redis_server()
    if missing is not None:
        raise SystemExit(missing)
    port = free_port()
    with tempfile.TemporaryDirectory(prefix=f"{name}.") as tmp:
        server = subprocess.Popen(["taskset", "-c", "1", PACKAGE, "--port", str(port), "--bind", "127.0.0.1",
                                   "--dir", tmp, "--save", "", "--appendonly", "no", "--logfile", ""],
                                  stdout=subprocess.DEVNULL)  # fmt: skip
        try:
            client = redis.Redis(port=port)
            deadline = time.monotonic() + 10
            while not _ready(client):
                if time.monotonic() > deadline:
                    raise SystemExit("redis-server did not start")
                time.sleep(0.05)
            yield PinnedRedis(client=client, pid=server.pid)
        finally:
            server.terminate()
            server.wait()


def _ready(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False
