"""``serve --workers N``: N processes serving one port (SO_REUSEPORT), supervised by this one.

The kernel spreads connections among the workers. They share state only through the store, so more than one
needs a store they all reach (see ``config.workers_problem``). The parent holds the port (picking it for
``--port 0``), makes the directory where prometheus-client's multiprocess mode keeps each worker's figures,
starts the workers, prints the "listening" line once every one serves, and stops them all on SIGTERM or
SIGINT. A worker that dies stops the others: the parent exits non-zero, for whoever runs it to restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import functools
import logging
import multiprocessing
import os
import signal
import socket
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, Protocol

from mockgateway.cli import ListenError, announce, serve
from mockgateway.config import Settings
from mockgateway.http.metrics import MULTIPROC_DIR

log = logging.getLogger(__name__)

#: Seconds a worker has to stop after SIGTERM before it is killed.
STOP_TIMEOUT_S = 10.0
_PR_SET_PDEATHSIG = 1  #: prctl(2): the signal a process gets when its parent dies


class Worker(Protocol):
    """One started worker process, as the supervisor sees it."""

    @property
    def pid(self) -> int: ...

    async def started(self) -> bool:
        """True once it serves; False when it exited first."""
        ...

    async def exited(self) -> int:
        """Its exit code, once it has exited."""
        ...

    def stop(self) -> None:
        """Ask it to stop (SIGTERM)."""

    def kill(self) -> None:
        """Stop it now (SIGKILL)."""


#: Starts worker number ``index`` (from 0).
Spawn = Callable[[int], Worker]


async def supervise(
    spawn: Spawn,
    count: int,
    stop: asyncio.Event,
    *,
    on_serving: Callable[[list[Worker]], None],
    stop_timeout_s: float = STOP_TIMEOUT_S,
) -> int:
    """Run ``count`` workers until ``stop`` is set (0) or one exits (non-zero); every worker is stopped after."""
    workers = [spawn(index) for index in range(count)]
    exits: dict[asyncio.Future[int], Worker] = {asyncio.ensure_future(w.exited()): w for w in workers}
    stopping: asyncio.Future[Any] = asyncio.ensure_future(stop.wait())
    try:
        code = await _until_started(exits, stopping)
        if code is not None:
            return code
        on_serving(workers)
        return await _until_stopped(exits, stopping)
    finally:
        stopping.cancel()
        await _stop_all(exits, stop_timeout_s)


async def _until_started(exits: dict[asyncio.Future[int], Worker], stopping: asyncio.Future[Any]) -> int | None:
    """None once every worker serves; an exit code when one exited first, or 0 when asked to stop meanwhile."""
    starting: dict[asyncio.Future[Any], asyncio.Future[int]] = {
        asyncio.ensure_future(worker.started()): exited for exited, worker in exits.items()
    }
    try:
        while starting:
            done, _ = await asyncio.wait([*starting, stopping], return_when=asyncio.FIRST_COMPLETED)
            if stopping in done:
                return 0
            for task in done:
                exited = starting.pop(task)
                if not task.result():
                    code = await exited
                    pid = exits[exited].pid
                    log.error("worker pid %d exited with code %d while starting; stopping the others", pid, code)
                    return code if code > 0 else 1
        return None
    finally:
        for task in starting:
            task.cancel()


async def _until_stopped(exits: dict[asyncio.Future[int], Worker], stopping: asyncio.Future[Any]) -> int:
    done, _ = await asyncio.wait([*exits, stopping], return_when=asyncio.FIRST_COMPLETED)
    if stopping in done:
        return 0
    for task in done:
        if task in exits:
            log.error("worker pid %d exited with code %d; stopping the others", exits[task].pid, task.result())
    return 1


async def _stop_all(exits: dict[asyncio.Future[int], Worker], timeout_s: float) -> None:
    running = {task: worker for task, worker in exits.items() if not task.done()}
    for worker in running.values():
        worker.stop()
    if not running:
        return
    _, late = await asyncio.wait(running, timeout=timeout_s)
    for task in late:
        log.error("worker pid %d did not stop within %gs: killed", running[task].pid, timeout_s)
        running[task].kill()
    await asyncio.gather(*running, return_exceptions=True)


# -- worker processes ---------------------------------------------------------------------------------------
class ProcessWorker:
    """A worker in a process of its own, which reports on a pipe once it serves."""

    def __init__(self, process: BaseProcess, ready: Connection) -> None:
        self._process = process
        self._ready = ready

    @property
    def pid(self) -> int:
        return self._process.pid or 0

    async def started(self) -> bool:
        await _readable(self._ready.fileno())  # a report, or the end of the pipe: the worker exited
        try:
            self._ready.recv()
        except EOFError:
            return False
        finally:
            self._ready.close()
        return True

    async def exited(self) -> int:
        await _readable(self._process.sentinel)
        self._process.join()
        code = self._process.exitcode or 0
        return 128 - code if code < 0 else code  # killed by signal N: 128 + N, as a shell reports it

    def stop(self) -> None:
        self._process.terminate()

    def kill(self) -> None:
        self._process.kill()


async def _readable(fd: int) -> None:
    loop = asyncio.get_running_loop()
    readable: asyncio.Future[None] = loop.create_future()

    def wake() -> None:
        if not readable.done():
            readable.set_result(None)

    loop.add_reader(fd, wake)
    try:
        await readable
    finally:
        loop.remove_reader(fd)


def process_spawner(settings: Settings) -> Spawn:
    """Workers in fresh interpreters ("spawn"): nothing of this process's state, threads or loop is copied."""
    context = multiprocessing.get_context("spawn")

    def spawn(index: int) -> Worker:
        ready, report = context.Pipe(duplex=False)
        process = context.Process(
            target=run_worker, args=(settings, report, os.getpid()), name=f"mockgateway-worker-{index}"
        )
        process.start()
        report.close()  # the worker holds the only writing end: it closes when the worker exits
        return ProcessWorker(process, ready)

    return spawn


def run_worker(settings: Settings, report: Connection, parent: int) -> None:
    """A worker's whole life: serve until SIGTERM, having reported the port it serves."""
    # Ctrl-C reaches the whole process group; the parent answers it by stopping each worker with SIGTERM.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if not _stops_with(parent):
        sys.exit(0)
    sys.exit(serve(settings, ready=report.send))


def _stops_with(parent: int) -> bool:
    """Ask Linux for SIGTERM when ``parent`` dies: killed with SIGKILL, it cannot stop its workers, which would
    go on holding the port. ``False`` when it is already gone. Elsewhere the parent's stop is relied on."""
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    return os.getppid() == parent  # checked after asking, so a death in between is not missed


# -- the parent -------------------------------------------------------------------------------------------
def serve_workers(settings: Settings) -> int:
    """Serve with ``settings.workers`` processes until SIGTERM or SIGINT; the exit code of ``mockgateway serve``."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    count = settings.workers or 1
    try:
        with held_port(settings.host, settings.port) as port, metrics_dir() as figures:
            each = replace(settings, port=port, workers=None)
            serving = functools.partial(_announce_workers, each, port, figures)
            return asyncio.run(_supervise_until_signalled(process_spawner(each), count, serving))
    except ListenError as error:
        print(f"mockgateway: {error}", file=sys.stderr)
        return 1


async def _supervise_until_signalled(spawn: Spawn, count: int, on_serving: Callable[[list[Worker]], None]) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return await supervise(spawn, count, stop, on_serving=on_serving)


def _announce_workers(settings: Settings, port: int, figures: Path, workers: list[Worker]) -> None:
    pids = ", ".join(str(worker.pid) for worker in workers)
    print(f"mockgateway workers serving: {len(workers)} (pids {pids}); metrics kept in {figures}", flush=True)
    announce(settings, port)


@contextlib.contextmanager
def held_port(host: str, port: int) -> Iterator[int]:
    """The port every worker listens on: ``port``, or the one the system picks for 0.

    Bound here with SO_REUSEPORT and never listened on, so it takes no connections: it keeps the port for the
    workers, and a port another program holds is reported before any worker starts.
    """
    with contextlib.ExitStack() as closing:
        try:
            family, kind, proto, _, address = socket.getaddrinfo(
                host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
            )[0]
            holder = closing.enter_context(socket.socket(family, kind, proto))
            holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            holder.bind(address)
        except OSError as error:  # most often: the port is taken
            raise ListenError(f"cannot listen on {host}:{port}: {error.strerror or error}") from error
        yield int(holder.getsockname()[1])


@contextlib.contextmanager
def metrics_dir() -> Iterator[Path]:
    """A fresh directory for the workers' metrics files, named to them by the environment they inherit."""
    with tempfile.TemporaryDirectory(prefix="mockgateway-metrics-", ignore_cleanup_errors=True) as directory:
        before = os.environ.get(MULTIPROC_DIR)
        os.environ[MULTIPROC_DIR] = directory
        try:
            yield Path(directory)
        finally:
            if before is None:
                os.environ.pop(MULTIPROC_DIR, None)
            else:
                os.environ[MULTIPROC_DIR] = before
