"""Retention on the gateway clock: ACKs, MOs, messages and callbacks go 72 hours after they settled."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from msgspec.structs import replace

from mockgateway.bootstrap import build_gateway
from mockgateway.clock import FakeClock
from mockgateway.config import Settings
from mockgateway.dispatch.dispatcher import CallbackDispatcher
from mockgateway.dispatch.policy import RetryPolicy
from mockgateway.dispatch.transport import HttpTransport
from mockgateway.domain.model import CallbackTarget, DeliveryState, MessageStatus, SendRequest
from mockgateway.domain.queries import EventQuery, MessageQuery
from mockgateway.service.gateway import Gateway
from mockgateway.service.ports import Store
from mockgateway.service.timekeeper import Retention
from tests.conftest import T0
from tests.storage.conftest import make_journal, make_store
from tests.storage.factories import HOUR, notification

AiohttpServer = Callable[..., Awaitable[TestServer]]
ACK_ALL = (("api", "v2"), ("ackType", "MESSAGE"), ("acknowledgement", True), ("ackTimeInGMT", True))
RETRY_AFTER_S = 10 * HOUR


@pytest.fixture
async def receiver(aiohttp_server: AiohttpServer) -> TestServer:
    """Refuses the first attempt of every callback (503), takes the next."""
    seen: set[bytes] = set()

    async def callback(request: web.Request) -> web.Response:
        body = await request.read()
        first = body not in seen
        seen.add(body)
        return web.Response(status=503 if first else 200)

    app = web.Application()
    app.router.add_post("/cb", callback)
    return await aiohttp_server(app)


@pytest.fixture
async def gateway(store_kind: str, tmp_path: Path, receiver: TestServer) -> AsyncIterator[Gateway]:
    clock = FakeClock(T0)
    store = make_store(store_kind, tmp_path)
    outbox = CallbackDispatcher(HttpTransport(), clock, store, RetryPolicy(delays=(RETRY_AFTER_S,)))
    settings = Settings(clock="virtual", seed=7)
    built = build_gateway(settings, clock=clock, store=store, journal=make_journal(store), outbox=outbox)
    await store.open()
    yield built
    await outbox.close()
    await store.close()


def request(*callbacks: str) -> SendRequest:
    return SendRequest(
        account="demo",
        provider="livelink",
        destinations=("447700900001",),
        text="Hello",
        origin="447700900999",
        callbacks=tuple(CallbackTarget(url=url) for url in callbacks),
        options=ACK_ALL if callbacks else (),
    )


async def counts(gateway: Gateway) -> tuple[int, int, int, int]:
    """(ACKs, MOs, messages, callback deliveries) the gateway still holds."""
    query = EventQuery(account="demo")
    return (
        await gateway.count_notifications(query),
        await gateway.count_mos(query),
        (await gateway.messages(MessageQuery())).total,
        len(await gateway.deliveries(EventQuery())),
    )


async def test_without_callbacks_everything_goes_72_hours_after_it_happened(gateway: Gateway) -> None:
    await gateway.send(request())  # SENT at +1 s, DELIVERED at +3 s
    await gateway.advance(10)
    await gateway.inject_mo("447700900001", "447700900999", "Thanks")  # at +10 s
    assert await counts(gateway) == (2, 1, 1, 0)
    await gateway.advance(to=T0 + 71 * HOUR)
    assert await counts(gateway) == (2, 1, 1, 0)
    await gateway.advance(to=T0 + 72 * HOUR + 1)
    assert await counts(gateway) == (1, 1, 1, 0)  # the SENT ACK went; DELIVERED (and the message) at +3 s
    await gateway.advance(to=T0 + 72 * HOUR + 3)
    assert await counts(gateway) == (0, 1, 0, 0)
    await gateway.advance(to=T0 + 72 * HOUR + 10)
    assert await counts(gateway) == (0, 0, 0, 0)


async def test_a_message_with_steps_still_to_come_outlives_the_window(gateway: Gateway) -> None:
    week = 7 * 24 * HOUR
    # the shipped validity-expiry scenario: SENT after 1 s, FAILED (DB65) once the validity period ends
    waiting = replace(request(), destinations=("447700900020",), validity_s=int(week))
    [message] = (await gateway.send(waiting)).messages
    await gateway.advance(to=T0 + 80 * HOUR)
    assert (await gateway.message(message.id)).status is MessageStatus.SENT
    await gateway.advance(to=T0 + week + 1)
    assert (await gateway.message(message.id)).status is MessageStatus.FAILED
    await gateway.advance(to=T0 + week + 72 * HOUR + 1)
    assert (await gateway.messages(MessageQuery())).total == 0


async def test_with_a_callback_retention_starts_when_it_was_delivered(gateway: Gateway, receiver: TestServer) -> None:
    await gateway.send(request(str(receiver.make_url("/cb"))))
    await gateway.advance(10)  # both ACK callbacks were refused once; they are retried 10 hours later
    deliveries = await gateway.deliveries(EventQuery())
    assert [d.state for d in deliveries] == [DeliveryState.PENDING, DeliveryState.PENDING]
    await gateway.advance(to=T0 + 72 * HOUR + 10)
    assert await counts(gateway) == (2, 0, 1, 2)  # still pullable: the callbacks went out at +10 h
    await gateway.advance(to=T0 + 72 * HOUR + RETRY_AFTER_S)
    assert await counts(gateway) == (2, 0, 1, 2)
    await gateway.advance(to=T0 + 82 * HOUR + 1)  # 72 h after the SENT callback got through
    assert await counts(gateway) == (1, 0, 1, 1)
    await gateway.advance(to=T0 + 82 * HOUR + 3)
    assert await counts(gateway) == (0, 0, 0, 0)


async def test_a_short_retention_window_is_honoured(store_kind: str, tmp_path: Path) -> None:
    clock = FakeClock(T0)
    store = make_store(store_kind, tmp_path)
    settings = Settings(clock="virtual", seed=7, retention_s=60)
    gateway = build_gateway(settings, clock=clock, store=store, journal=make_journal(store))
    await store.open()
    try:
        await gateway.send(request())
        await gateway.advance(60)
        assert (await counts(gateway))[0] == 2
        await gateway.advance(3)
        assert await counts(gateway) == (0, 0, 0, 0)
    finally:
        await store.close()


async def test_the_ticker_step_purges_in_batches_and_rests_when_idle(store: Store) -> None:
    clock = FakeClock(T0)
    for i in range(5):
        await store.add_notification(notification(f"n{i}", at=float(i)))
    retention = Retention(clock, store, window_s=HOUR, batch=2)
    clock.set(T0 + HOUR + 10)
    assert await retention.tick() is True
    assert await retention.tick() is True
    assert await retention.tick() is False  # caught up
    assert await store.count_notifications(EventQuery()) == 0
    await store.add_notification(notification("late", at=0.5))
    assert await retention.tick() is False  # resting: nothing was due a moment ago
    assert await store.count_notifications(EventQuery()) == 1
    clock.advance(1.0)
    await retention.tick()
    assert await store.count_notifications(EventQuery()) == 0


def test_a_retention_window_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        Retention(FakeClock(T0), make_store("memory", Path(".")), window_s=0)
