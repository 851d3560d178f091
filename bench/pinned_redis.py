"""The benchmarks' private redis-server: Debian's, without persistence, on 127.0.0.1 (``redis_scale.py`` runs it
beside the gateway; ``redis_step_cost.py`` and ``redis_send_floor.py`` pin it to cpu 1 and measure its CPU)."""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import redis

from tests.redis_server import PACKAGE, ensure_redis_server, free_port


@dataclass(frozen=True)
class PinnedRedis:
    client: redis.Redis
    pid: int  #: the server's, for its CPU time in /proc


def redis_command(port: int, workdir: Path | str, cpu: str | None = None) -> list[str]:
    """The command line of a redis-server that keeps nothing on disk, on ``cpu`` when one is given."""
    pin = [] if cpu is None else ["taskset", "-c", cpu]
    return [*pin, PACKAGE, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(workdir), "--save", "",
            "--appendonly", "no", "--logfile", ""]  # fmt: skip


@contextlib.contextmanager
def pinned_redis(name: str) -> Iterator[PinnedRedis]:
    """Debian's redis-server without persistence, on a free port of 127.0.0.1, stopped on the way out."""
    missing = ensure_redis_server()
    if missing is not None:
        raise SystemExit(missing)
    port = free_port()
    with tempfile.TemporaryDirectory(prefix=f"{name}.") as tmp:
        server = subprocess.Popen(redis_command(port, tmp, cpu="1"), stdout=subprocess.DEVNULL)
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
