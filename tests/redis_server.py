"""A private ``redis-server`` (Debian's package) for the tests: one per session, on a free port of 127.0.0.1.

Installed with apt where it is missing and the machine allows (root and apt-get), as the browser tests do with
Chromium. Where it cannot be had the Redis tests skip saying why, except in CI (``CI`` or
``MOCKGATEWAY_REQUIRE_REDIS`` set), where that is a failure.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.debian import ensure_package

PACKAGE = "redis-server"
_server: dict[str, str] = {}  #: "url" once started, "missing" with the reason it cannot be


def required() -> bool:
    return bool(os.environ.get("CI") or os.environ.get("MOCKGATEWAY_REQUIRE_REDIS"))


def ensure_redis_server() -> str | None:
    """Install Debian's redis-server where it is missing. Returns why it cannot be had, or None when it is there."""
    return ensure_package(PACKAGE, Path(shutil.which(PACKAGE) or f"/usr/bin/{PACKAGE}"))


def redis_url() -> str:
    """The URL of this session's Redis (database 0), started on first use; skips (or fails in CI) without one."""
    if "url" not in _server and "missing" not in _server:
        try:
            reason = ensure_redis_server()
        except (RuntimeError, OSError) as error:  # apt is there but failed: a broken set-up, not a reason to skip
            pytest.fail(f"could not install {PACKAGE}: {error}")
        if reason is None:
            _server["url"] = _start()
        else:
            _server["missing"] = reason
    if "missing" in _server:
        if required():
            pytest.fail(f"the Redis tests must run here: {_server['missing']}")
        pytest.skip(_server["missing"])
    return _server["url"]


@dataclass
class PrivateRedis:
    """A redis-server of a test's own, on ``port`` with its files in ``workdir``, persisting every write to its
    append-only file before it answers (``--appendfsync always``): what it acknowledged survives a SIGKILL."""

    port: int
    workdir: Path
    process: subprocess.Popen[str] | None = None
    log: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start it (again, on the same port and files), and return once it accepts connections."""
        assert self.process is None, "already running"
        command = [
            PACKAGE, "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.workdir),
            "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--logfile", "", "--daemonize", "no",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        lines = iter(self.process.stdout or ())
        for line in lines:  # its log says when it listens, its data loaded: no polling
            self.log.append(line)
            if "Ready to accept connections" in line:
                # Read the rest of its log as it comes, so that the server never blocks on a full pipe.
                threading.Thread(target=self.log.extend, args=(lines,), daemon=True).start()
                return
        raise RuntimeError(f"{PACKAGE} stopped before it was ready:\n{''.join(self.log[-20:])}")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no last write; the port is free once this returns."""
        assert self.process is not None, "not running"
        self.process.kill()
        self.process.wait(timeout=30)
        self.process = None


@contextmanager
def private_redis(workdir: Path, port: int | None = None) -> Iterator[PrivateRedis]:
    """A ``PrivateRedis`` started on ``port`` (a free one by default), always killed afterwards."""
    redis_url()  # skips (or fails in CI) where there is no redis-server, with the reason
    server = PrivateRedis(port=port or free_port(), workdir=workdir)
    server.start()
    try:
        yield server
    finally:
        if server.process is not None:
            server.kill()


def _start() -> str:
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="mockgateway-redis-")
    command = [
        PACKAGE, "--bind", "127.0.0.1", "--port", str(port), "--dir", workdir,
        "--save", "", "--appendonly", "no", "--logfile", "", "--daemonize", "no",
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    atexit.register(_stop, process, workdir)
    assert process.stdout is not None
    seen: list[str] = []
    for line in process.stdout:  # its log says when it listens: no polling
        seen.append(line)
        if "Ready to accept connections" in line:
            return f"redis://127.0.0.1:{port}/0"
    raise RuntimeError(f"{PACKAGE} stopped before it was ready:\n{''.join(seen[-20:])}")


def _stop(process: subprocess.Popen[str], workdir: str) -> None:
    process.terminate()
    process.wait(timeout=30)
    shutil.rmtree(workdir, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
