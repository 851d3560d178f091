"""``serve --workers``: the supervisor's decisions, with fake workers in place of processes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from mockgateway.workers import Worker, supervise
from tests.conftest import next_turn


class FakeWorker:
    def __init__(self, pid: int, *, obeys_stop: bool = True) -> None:
        self.pid = pid
        self.obeys_stop = obeys_stop
        self.stopped = False
        self.killed = False
        loop = asyncio.get_running_loop()
        self._started: asyncio.Future[bool] = loop.create_future()
        self._exited: asyncio.Future[int] = loop.create_future()
        self._exit_watched = False

    async def started(self) -> bool:
        return await self._started

    async def exited(self) -> int:
        # Once only, as with a process: a second watcher of its sentinel would replace the first.
        assert not self._exit_watched, "exited() is awaited once per worker"
        self._exit_watched = True
        return await self._exited

    def serve(self) -> None:
        self._started.set_result(True)

    def exit(self, code: int) -> None:
        if not self._started.done():
            self._started.set_result(False)  # as the real one: its report pipe ends unread
        if not self._exited.done():
            self._exited.set_result(code)

    def stop(self) -> None:
        self.stopped = True
        if self.obeys_stop:
            self.exit(0)

    def kill(self) -> None:
        self.killed = True
        self.exit(137)


class Pool:
    """Starts fake workers for ``supervise`` and records what it announced."""

    def __init__(self, *, obeys_stop: bool = True) -> None:
        self.workers: list[FakeWorker] = []
        self.announced: list[list[int]] = []
        self.stop = asyncio.Event()
        self._obeys_stop = obeys_stop

    def spawn(self, index: int) -> Worker:
        worker = FakeWorker(1000 + index, obeys_stop=self._obeys_stop)
        self.workers.append(worker)
        return worker

    def on_serving(self, workers: list[Worker]) -> None:
        self.announced.append([worker.pid for worker in workers])

    def run(self, count: int, stop_timeout_s: float = 10.0) -> asyncio.Task[int]:
        running = supervise(self.spawn, count, self.stop, on_serving=self.on_serving, stop_timeout_s=stop_timeout_s)
        return asyncio.ensure_future(running)


async def turns(count: int = 5) -> None:
    for _ in range(count):
        await next_turn()


async def finished(task: Awaitable[int]) -> int:
    return await asyncio.wait_for(task, timeout=10)


async def test_announces_once_every_worker_serves_and_stops_them_all_when_asked() -> None:
    pool = Pool()
    task = pool.run(3)
    await turns()
    pool.workers[0].serve()
    pool.workers[1].serve()
    await turns()
    assert pool.announced == []  # the third is still starting
    pool.workers[2].serve()
    await turns()
    assert pool.announced == [[1000, 1001, 1002]]
    assert not any(worker.stopped for worker in pool.workers)
    pool.stop.set()
    assert await finished(task) == 0
    assert all(worker.stopped and not worker.killed for worker in pool.workers)


async def test_a_worker_that_dies_while_starting_stops_the_others_with_its_exit_code() -> None:
    pool = Pool()
    task = pool.run(2)
    await turns()
    pool.workers[0].serve()
    pool.workers[1].exit(2)  # e.g. an unusable store
    assert await finished(task) == 2
    assert pool.announced == []
    assert pool.workers[0].stopped


async def test_a_worker_killed_while_starting_is_a_failure_too() -> None:
    pool = Pool()
    task = pool.run(1)
    await turns()
    pool.workers[0].exit(0)  # gone without ever serving, whatever its code
    assert await finished(task) == 1


async def test_a_worker_that_dies_while_serving_stops_the_others() -> None:
    pool = Pool()
    task = pool.run(2)
    await turns()
    for worker in pool.workers:
        worker.serve()
    await turns()
    pool.workers[1].exit(137)
    assert await finished(task) == 1
    assert pool.workers[0].stopped
    assert pool.announced == [[1000, 1001]]


async def test_asked_to_stop_while_workers_start() -> None:
    pool = Pool()
    task = pool.run(2)
    await turns()
    pool.stop.set()
    assert await finished(task) == 0
    assert pool.announced == []
    assert all(worker.stopped for worker in pool.workers)


async def test_a_worker_that_ignores_the_stop_is_killed() -> None:
    pool = Pool(obeys_stop=False)
    task = pool.run(2, stop_timeout_s=0)
    await turns()
    for worker in pool.workers:
        worker.serve()
    pool.stop.set()
    assert await finished(task) == 0
    assert all(worker.stopped and worker.killed for worker in pool.workers)
