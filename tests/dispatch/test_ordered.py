"""``OrderedTransport``: one attempt in flight per receiver URL, the others waiting their turn in order."""

from __future__ import annotations

import asyncio

from mockgateway.bootstrap import build_gateway
from mockgateway.config import Settings
from mockgateway.dispatch.transport import OrderedTransport, TransportResult
from mockgateway.domain.model import HttpCall
from tests.internals import transport_of

A = "http://127.0.0.1:9/a"
B = "http://127.0.0.1:9/b"


class Gated:
    """A transport whose every attempt waits until the test answers it; tells the test each one that starts."""

    def __init__(self) -> None:
        self.started: asyncio.Queue[str] = asyncio.Queue()
        self.answers: dict[str, asyncio.Future[TransportResult]] = {}

    async def send(self, call: HttpCall, timeout_s: float) -> TransportResult:
        name = call.body.decode()
        self.answers[name] = asyncio.get_running_loop().create_future()
        self.started.put_nowait(name)
        return await self.answers[name]

    def answer(self, name: str) -> None:
        self.answers[name].set_result(TransportResult(status=200, error=None, latency_ms=1.0))

    async def close(self) -> None:
        return None


async def test_a_receiver_gets_its_next_callback_only_after_answering_the_one_before() -> None:
    gated = Gated()
    ordered = OrderedTransport(gated)
    calls = [("a1", A), ("a2", A), ("b1", B), ("a3", A)]
    sends = [
        asyncio.create_task(ordered.send(HttpCall(method="POST", url=url, body=name.encode()), 5.0))
        for name, url in calls
    ]
    assert await gated.started.get() == "a1"
    assert await gated.started.get() == "b1"  # another receiver does not wait; a2 does
    gated.answer("a1")
    assert await gated.started.get() == "a2"
    gated.answer("b1")
    gated.answer("a2")
    assert await gated.started.get() == "a3"
    gated.answer("a3")
    assert [result.status for result in await asyncio.gather(*sends)] == [200, 200, 200, 200]
    assert gated.started.empty()


def test_seeded_virtual_runs_deliver_in_order_and_the_others_in_parallel() -> None:
    def transport(settings: Settings) -> object:
        return transport_of(build_gateway(settings))

    assert isinstance(transport(Settings(clock="virtual", seed=7)), OrderedTransport)
    assert not isinstance(transport(Settings(clock="virtual")), OrderedTransport)
    assert not isinstance(transport(Settings(seed=7)), OrderedTransport)
