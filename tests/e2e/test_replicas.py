"""Three gateway processes on one Redis prefix behave as one gateway for the work they share.

Each process is a ``serve`` of its own on the real clock, with a scenario whose steps come 100 ms apart; a client
sends round-robin, its callbacks go to a receiver in the test, which counts them per message and status. Every
step runs on one process only, so each ACK arrives once; when a process is killed with SIGKILL while its
callbacks wait for their retry, the others take them over (``--takeover-after 1s``) and deliver them; and each
process stops on SIGTERM while callbacks wait for their retry and a live stream is open.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from redis.asyncio import Redis

from tests.ack_receiver import AckReceiver, receiving
from tests.e2e.cluster import REPLICAS, Cluster, expect, send_round_robin, serving, sessions_of
from tests.redis_server import redis_url

pytestmark = pytest.mark.slow

SENDS = 60
STATUSES = ("SENT", "DELIVERED")
DEADLINE_S = 60.0  #: how long the test waits for the callbacks before it fails
ACKS = {"acknowledgement": True, "ackType": "MESSAGE"}


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    with serving(tmp_path) as started:
        yield started


@pytest.fixture
async def sessions(cluster: Cluster) -> AsyncIterator[list[aiohttp.ClientSession]]:
    async with sessions_of(cluster) as opened:
        yield opened


def settled(delivery: dict[str, Any]) -> bool:
    return bool(delivery["state"] != "PENDING")


def refused_once(delivery: dict[str, Any]) -> bool:
    return bool(delivery["attempts"])


async def journal(
    http: aiohttp.ClientSession, ready: Callable[[dict[str, Any]], bool] = settled
) -> list[dict[str, Any]]:
    """Every callback delivery with its attempts, from the admin API, once each is ``ready``: the receiver
    answers an attempt before the process records the answer. Asks again until then, or the deadline."""
    deadline = asyncio.get_running_loop().time() + DEADLINE_S
    while True:
        listed = await expect(await http.get("/__admin/callbacks", params={"limit": str(10 * SENDS)}))
        deliveries: list[dict[str, Any]] = listed["callbacks"]
        done = len(deliveries) == SENDS * len(STATUSES) and all(ready(d) for d in deliveries)
        if done or asyncio.get_running_loop().time() > deadline:
            return deliveries


async def test_each_ack_is_delivered_once_whichever_process_ran_its_step(
    cluster: Cluster, sessions: list[aiohttp.ClientSession]
) -> None:
    async with receiving(AckReceiver(refuse_first=False, expected=SENDS * len(STATUSES))) as receiver:
        orders = set(await send_round_robin(sessions, SENDS, callback=receiver.url, **ACKS))
        await asyncio.wait_for(receiver.all_taken.wait(), DEADLINE_S)
        assert {order for order, _ in receiver.taken} == orders
        assert set(receiver.taken.values()) == {1}, "an ACK was delivered more than once"
        deliveries = await journal(sessions[1])
        assert len(deliveries) == SENDS * len(STATUSES)
        assert all([a["status"] for a in d["attempts"]] == [200] and d["state"] == "DELIVERED" for d in deliveries)


async def test_a_process_killed_while_holding_callbacks_loses_none_of_them(
    cluster: Cluster, sessions: list[aiohttp.ClientSession]
) -> None:
    async with receiving(AckReceiver(refuse_first=True, expected=SENDS * len(STATUSES))) as receiver:
        orders = set(await send_round_robin(sessions, SENDS, callback=receiver.url, **ACKS))
        await asyncio.wait_for(receiver.all_refused.wait(), DEADLINE_S)
        await journal(sessions[2], refused_once)  # every ACK's refusal recorded: each now waits for its retry
        killed = cluster.servers[0].process
        killed.kill()
        assert await asyncio.to_thread(killed.wait) == -9
        await asyncio.wait_for(receiver.all_taken.wait(), DEADLINE_S)
        assert {order for order, _ in receiver.taken} == orders
        deliveries = await journal(sessions[1])
        assert len(deliveries) == SENDS * len(STATUSES)
        for delivery in deliveries:
            assert delivery["state"] == "DELIVERED"
            attempts = [a["status"] for a in delivery["attempts"]]
            assert (attempts[0], attempts[-1]) == (503, 200), attempts
        redis = Redis.from_url(redis_url())
        try:
            assert await redis.scard(f"{cluster.prefix}w:replicas") == REPLICAS - 1, "the dead one was not taken over"
        finally:
            await redis.aclose()


async def test_each_process_stops_on_sigterm_with_callbacks_pending_and_a_live_stream_open(
    cluster: Cluster, sessions: list[aiohttp.ClientSession]
) -> None:
    async with receiving(AckReceiver(refuse_first=True, expected=1)) as receiver:
        streams = [await http.get("/__admin/events") for http in sessions]
        assert [stream.status for stream in streams] == [200] * REPLICAS
        await send_round_robin(sessions, SENDS, callback=receiver.url, **ACKS)
        # Stopped in the middle of the work: steps still run, the first ACK refused waits 2 s for its retry.
        await asyncio.wait_for(receiver.all_refused.wait(), DEADLINE_S)
        for server in cluster.servers:  # SIGTERM; fails when the process has not exited 15 s later
            assert await asyncio.to_thread(server.stop) == 0, "".join(server.output)
        for stream in streams:
            assert await stream.content.read() != b""  # the stream ended with its process, after what it told
            stream.close()
