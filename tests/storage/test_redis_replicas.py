"""Gateways sharing one Redis prefix: each planned step runs once, and each callback is held by one of them,
taken over when the one holding it dies (its heartbeat key is deleted here, which is how a test kills it)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from uuid import uuid4

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from redis.asyncio import Redis

from mockgateway.bootstrap import build_gateway
from mockgateway.clock import FakeClock
from mockgateway.config import Settings
from mockgateway.domain.model import CallbackTarget, DeliveryState, MessageStatus, SendRequest
from mockgateway.domain.queries import EventQuery
from mockgateway.service.gateway import Gateway
from mockgateway.storage.redis_store import RedisStore
from tests.conftest import T0
from tests.internals import job_queue_of, store_of
from tests.redis_server import redis_url
from tests.storage.test_gateway_retention import ACK_ALL

AiohttpServer = Callable[..., Awaitable[TestServer]]
HOUR = 3600.0
TAKEN = web.AppKey("taken", Counter[bytes])
#: Two steps each (SENT after 1 s, DELIVERED after 3 s); more than two claim batches fall due at once, so
#: replicas running what is due together share them.
MESSAGES = 1200


class Replicas:
    """Gateways on one Redis prefix and one virtual clock; started and stopped by the test."""

    def __init__(self) -> None:
        self.clock = FakeClock(T0)
        callbacks = {"retry_delays": ["1h"]}
        self.settings = Settings(
            clock="virtual", store=redis_url(), redis_prefix=f"t{uuid4().hex}:", extra={"callbacks": callbacks}
        )
        self.started: list[Gateway] = []

    async def start(self) -> Gateway:
        gateway = build_gateway(self.settings, clock=self.clock)
        await gateway.open()
        self.started.append(gateway)
        return gateway

    async def kill(self, gateway: Gateway) -> None:
        """Its heartbeat goes, as when its process dies: the others may take its work over."""
        store = store_of(gateway)
        assert isinstance(store, RedisStore)
        redis = Redis.from_url(redis_url())
        await redis.delete(store.keys.alive(store.replica))
        await redis.aclose()

    async def run_due_everywhere_at(self, seconds: float, gateways: list[Gateway]) -> int:
        return sum(await self.run_due_on_each_at(seconds, gateways))

    async def run_due_on_each_at(self, seconds: float, gateways: list[Gateway]) -> list[int]:
        """How many jobs each of ``gateways`` ran, all running what is due at once."""
        self.clock.set(T0 + seconds)
        ran = await asyncio.gather(*(g.run_due() for g in gateways))
        await asyncio.gather(*(g.drain() for g in gateways))
        return list(ran)


@pytest.fixture
async def replicas() -> AsyncIterator[Replicas]:
    made = Replicas()
    yield made
    for gateway in made.started:
        await gateway.close()


@pytest.fixture
async def receiver(aiohttp_server: AiohttpServer) -> TestServer:
    """Refuses the first attempt of every callback (503), takes the next; counts what it took per body."""
    seen: set[bytes] = set()
    taken: Counter[bytes] = Counter()

    async def callback(request: web.Request) -> web.Response:
        body = await request.read()
        if body not in seen:
            seen.add(body)
            return web.Response(status=503)
        taken[body] += 1
        return web.Response(status=200)

    app = web.Application()
    app[TAKEN] = taken
    app.router.add_post("/cb", callback)
    return await aiohttp_server(app)


def request(number: int, *callbacks: str) -> SendRequest:
    return SendRequest(
        account="demo",
        provider="livelink",
        destinations=(f"3361{number:07d}",),
        text="Hello",
        callbacks=tuple(CallbackTarget(url=url) for url in callbacks),
        options=ACK_ALL if callbacks else (),
    )


async def steps_run(gateway: Gateway) -> Counter[tuple[str, MessageStatus]]:
    """How often each part got each status, from the ACKs every replica recorded."""
    found = await gateway.notifications(EventQuery(limit=10 * MESSAGES))
    return Counter((n.part_id, n.status) for n in found)


async def test_every_step_runs_once_whichever_replica_runs_it(replicas: Replicas) -> None:
    first = await replicas.start()
    for number in range(MESSAGES // 2):  # planned before the other replicas start
        await first.send(request(number))
    others = [await replicas.start(), await replicas.start()]
    everyone = [first, *others]
    for number in range(MESSAGES // 2, MESSAGES):
        await everyone[number % 3].send(request(number))
    sent = await replicas.run_due_on_each_at(1, everyone)
    assert sum(1 for ran in sent if ran) >= 2, f"one replica ran every step: {sent}"
    assert sum(sent) + await replicas.run_due_everywhere_at(3, everyone) == 2 * MESSAGES
    counted = await steps_run(first)
    assert len(counted) == 2 * MESSAGES
    assert set(counted.values()) == {1}
    assert await others[0].next_due() is None


async def test_a_batch_claimed_by_a_replica_that_died_is_run_by_another(replicas: Replicas) -> None:
    dead, survivor = await replicas.start(), await replicas.start()
    for number in range(MESSAGES):
        await dead.send(request(number))
    replicas.clock.set(T0 + 1)
    claimed = await job_queue_of(dead).take_due(replicas.clock.now())  # then it dies before running them
    assert len(claimed) == MESSAGES
    await replicas.kill(dead)
    assert await replicas.run_due_everywhere_at(1, [survivor]) == 0  # claimed: not the survivor's to run
    assert await survivor.take_over() == 0  # no callbacks held; the jobs went back to the queue
    assert await replicas.run_due_everywhere_at(3, [survivor]) == 2 * MESSAGES
    counted = await steps_run(survivor)
    assert len(counted) == 2 * MESSAGES
    assert set(counted.values()) == {1}


async def test_a_message_with_a_step_claimed_by_one_replica_waits_for_it_on_the_others(replicas: Replicas) -> None:
    first, second = await replicas.start(), await replicas.start()
    await first.send(request(1))
    mine, theirs = job_queue_of(first), job_queue_of(second)
    claimed = await mine.take_due(T0 + 1)
    assert [job.status for job in claimed] == [MessageStatus.SENT]
    assert await theirs.take_due(T0 + 3) == []  # its DELIVERED step is due, but the message is busy on the first
    await mine.ran(claimed)
    assert [job.status for job in await theirs.take_due(T0 + 3)] == [MessageStatus.DELIVERED]


async def test_a_reply_run_by_a_replica_that_died_before_noting_it_ran_is_not_made_again(
    replicas: Replicas, monkeypatch: pytest.MonkeyPatch
) -> None:
    dead, survivor = await replicas.start(), await replicas.start()
    replying = SendRequest(account="demo", provider="livelink", destinations=("447700900031",), text="Hello")
    sent = (await dead.send(replying)).messages[0]  # "reply-yes": SENT, DELIVERED, then the handset replies
    monkeypatch.setattr(job_queue_of(dead), "ran", _never_told)  # it dies before telling the queue
    assert await replicas.run_due_everywhere_at(HOUR, [dead]) == 3
    await replicas.kill(dead)
    await survivor.take_over()
    await replicas.run_due_everywhere_at(HOUR, [survivor])  # what the dead one claimed is run again
    replies = await survivor.mos(EventQuery(message_id=sent.id))
    assert [mo.text for mo in replies] == ["YES please"]


async def _never_told(jobs: object) -> None:
    """A ``JobQueue.ran`` that never reaches Redis."""


async def _held_callbacks(replicas: Replicas, gateway: Gateway, receiver: TestServer, first: int) -> set[str]:
    """Sends ten messages through ``gateway``; their SENT ACK's callback is refused once, and waits an hour."""
    url = str(receiver.make_url("/cb"))
    messages = [(await gateway.send(request(number, url))).messages[0] for number in range(first, first + 10)]
    await replicas.run_due_everywhere_at(replicas.clock.now() - T0 + 1, [gateway])
    held = await gateway.deliveries(EventQuery(status=DeliveryState.PENDING, limit=1000))
    assert {d.message_id for d in held} >= {m.id for m in messages}
    return {d.id for d in held if d.message_id in {m.id for m in messages}}


async def test_a_dead_replicas_callbacks_are_taken_over_and_delivered(replicas: Replicas, receiver: TestServer) -> None:
    dead, alive, taker = await replicas.start(), await replicas.start(), await replicas.start()
    held_by_dead = await _held_callbacks(replicas, dead, receiver, 0)
    held_by_alive = await _held_callbacks(replicas, alive, receiver, 100)
    await replicas.kill(dead)
    assert await taker.take_over() == len(held_by_dead)  # never the live replica's
    assert await taker.take_over() == 0
    replicas.clock.set(T0 + 2 * HOUR)
    await taker.run_due()
    await taker.drain()
    for delivery_id in held_by_dead:
        delivery = await taker.delivery(delivery_id)
        assert delivery.state is DeliveryState.DELIVERED
        assert [a.status for a in delivery.attempts] == [503, 200]
    for delivery_id in held_by_alive:
        assert (await taker.delivery(delivery_id)).state is DeliveryState.PENDING
    assert sum(receiver.app[TAKEN].values()) == len(held_by_dead)


async def test_a_restarted_replica_takes_the_callbacks_its_predecessor_released(
    replicas: Replicas, receiver: TestServer
) -> None:
    first, alive = await replicas.start(), await replicas.start()
    held = await _held_callbacks(replicas, first, receiver, 0)
    await _held_callbacks(replicas, alive, receiver, 100)
    replicas.started.remove(first)
    await first.close()  # a graceful stop releases what it held
    restarted = build_gateway(replicas.settings, clock=replicas.clock)
    restored = await restarted.open()
    replicas.started.append(restarted)
    assert restored.callbacks == len(held)  # not the live replica's
    assert await restarted.take_over() == 0
    replicas.clock.set(T0 + 2 * HOUR)
    await restarted.run_due()
    await restarted.drain()
    assert {d for d in held if (await restarted.delivery(d)).state is DeliveryState.DELIVERED} == held


async def test_a_replica_started_after_one_died_takes_its_callbacks_at_once(
    replicas: Replicas, receiver: TestServer
) -> None:
    dead, alive = await replicas.start(), await replicas.start()
    held = await _held_callbacks(replicas, dead, receiver, 0)
    await _held_callbacks(replicas, alive, receiver, 100)
    await replicas.kill(dead)
    restarted = build_gateway(replicas.settings, clock=replicas.clock)
    restored = await restarted.open()
    replicas.started.append(restarted)
    assert restored.callbacks == len(held)


async def test_retention_keeps_a_message_whose_steps_are_still_to_come(replicas: Replicas) -> None:
    gateway = await replicas.start()
    week = 7 * 24 * HOUR
    # the shipped validity-expiry scenario: SENT after 1 s, FAILED once the week's validity period ends
    waiting = SendRequest(
        account="demo", provider="livelink", destinations=("447700900020",), text="Hi", validity_s=int(week)
    )
    [message] = (await gateway.send(waiting)).messages
    await gateway.advance(to=T0 + 80 * HOUR)
    assert (await gateway.message(message.id)).status is MessageStatus.SENT
    await gateway.advance(to=T0 + week + 1)
    assert (await gateway.message(message.id)).status is MessageStatus.FAILED
