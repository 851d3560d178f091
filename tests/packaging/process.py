"""A gateway started as a separate process, read line by line without sleeping."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

LISTENING = re.compile(r"^mockgateway listening on (https?://127\.0\.0\.1:(\d+))$")
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0


@dataclass
class Server:
    process: subprocess.Popen[str]
    url: str = ""
    port: int = 0
    output: list[str] = field(default_factory=list)

    def stop(self) -> int:
        """SIGTERM, as ``docker stop`` sends; returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError("the gateway did not stop on SIGTERM:\n" + "".join(self.output)) from None


def clean_environ(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment without settings that would leak into the server or change its imports."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("MOCKGATEWAY_") and key not in ("PYTHONPATH", "PYTHONHOME")
    }
    environ.update(extra or {})
    return environ


@contextmanager
def running(argv: Sequence[str], env: Mapping[str, str]) -> Iterator[Server]:
    """Start ``argv``, wait for its 'listening on' line, and always stop it afterwards."""
    process = subprocess.Popen(
        list(argv), env=dict(env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    )
    server = Server(process)
    lines: queue.Queue[str | None] = queue.Queue()
    reader = threading.Thread(target=_pump, args=(process, lines), daemon=True)
    reader.start()
    try:
        _await_listening(server, lines)
        yield server
    finally:
        server.stop()
        reader.join(timeout=STOP_TIMEOUT_S)


def _pump(process: subprocess.Popen[str], lines: queue.Queue[str | None]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        lines.put(line)
    lines.put(None)  # end of output: the process exited


def _await_listening(server: Server, lines: queue.Queue[str | None]) -> None:
    while True:
        try:
            line = lines.get(timeout=START_TIMEOUT_S)
        except queue.Empty:
            raise AssertionError("no 'listening' line in time:\n" + "".join(server.output)) from None
        if line is None:
            raise AssertionError("the gateway exited before listening:\n" + "".join(server.output))
        server.output.append(line)
        match = LISTENING.match(line.strip())
        if match:
            server.url, server.port = match.group(1), int(match.group(2))
            return


def closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on (freed just now, so no one else is likely to take it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
