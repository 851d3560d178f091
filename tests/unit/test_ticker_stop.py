"""The ticker stops when its context closes, even when Python 3.11's ``asyncio.wait_for`` (which redis-py wraps
around each write) loses the cancellation because the awaited answer came in the same turn."""

from __future__ import annotations

import asyncio
from typing import cast

from mockgateway.runtime import ticking
from mockgateway.service.gateway import Gateway
from mockgateway.tasks import stop
from tests.conftest import next_turn
from tests.unit.ticker_fakes import IdleGateway

#: Guards against a hang only: a ticker that lost its cancellation and is not cancelled again never ends.
GUARD_S = 10.0


class AnsweringGateway(IdleGateway):
    """Each tick waits through ``wait_for`` for an answer that the test gives."""

    def __init__(self) -> None:
        self.answers: list[asyncio.Future[None]] = []
        self.asked = asyncio.Event()

    async def run_due(self) -> int:
        answer = asyncio.get_running_loop().create_future()
        self.answers.append(answer)
        self.asked.set()
        await asyncio.wait_for(answer, 60.0)
        return 0


async def test_a_ticker_whose_cancellation_was_lost_is_stopped_all_the_same() -> None:
    gateway = AnsweringGateway()

    async def tick_then_stop() -> None:
        async with ticking(cast(Gateway, gateway)):
            await gateway.asked.wait()
            gateway.answers[0].set_result(None)  # comes in the turn the ticker is cancelled

    stopping = asyncio.create_task(tick_then_stop())
    await asyncio.wait((stopping,), timeout=GUARD_S)
    assert stopping.done(), "the ticker did not stop"
    assert len(gateway.answers) > 1, "the first cancellation was not lost: this test shows nothing"


async def test_stopping_a_task_that_failed_on_its_way_out_does_not_raise() -> None:
    async def failing_when_cancelled() -> None:
        try:
            await asyncio.get_running_loop().create_future()
        finally:
            raise RuntimeError("cleaning up failed")

    task = asyncio.create_task(failing_when_cancelled())
    await next_turn()  # it waits
    await stop(task)
    assert isinstance(task.exception(), RuntimeError)
