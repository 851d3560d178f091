"""A Redis killed with SIGKILL under a gateway in the middle of sends, and started again on the same port and
files, loses nothing the gateway answered 200.

The gateway runs as a ``serve`` process of its own on the virtual clock with the Redis store; the Redis keeps an
append-only file written before each answer (``--appendfsync always``). Twenty connections send Live Link
messages that ask for every ACK. Once some are answered the Redis is killed; the sends meanwhile must each get
Live Link's own 503 (never a 500, never a dropped connection); then the Redis is started again, and the same
process must answer 200 again by itself. Every send answered 200, before or after, must be listed by the admin
API, and get its ACKs when time moves on.
"""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from uuid import uuid4

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from tests.ack_receiver import AckReceiver
from tests.conftest import basic
from tests.e2e.test_kill_restart import DESTINATION, FINAL, expect
from tests.packaging.process import Server, clean_environ, running
from tests.redis_server import PrivateRedis, private_redis

pytestmark = pytest.mark.slow

CONNECTIONS = 20
KILL_AFTER = 100  #: sends answered 200 before Redis is killed
OUTAGE_ANSWERS = CONNECTIONS  #: sends answered while Redis is away before it is started again
AFTER = 100  #: sends answered 200 once it is back, before the load stops
#: A bound on the whole load, far above what it takes: a gateway that never serves again fails, not hangs.
LOAD_GUARD_S = 120


@dataclass
class Load:
    """What the sends got, phase by phase."""

    answered: set[str] = field(default_factory=set)  #: order ids of every send answered 200
    refusals: list[tuple[int, str]] = field(default_factory=list)  #: (status, body) of every other answer
    answered_after: int = 0
    killed: asyncio.Event = field(default_factory=asyncio.Event)
    dead: asyncio.Event = field(default_factory=asyncio.Event)  #: the killed Redis has exited, its port free
    back: asyncio.Event = field(default_factory=asyncio.Event)
    done: asyncio.Event = field(default_factory=asyncio.Event)


def start_gateway(stack: ExitStack, redis: PrivateRedis, prefix: str) -> Server:
    argv = [sys.executable, "-m", "mockgateway", "serve", "--host", "127.0.0.1", "--port", "0"]
    argv += ["--clock", "virtual", "--seed", "7", "--store", redis.url, "--redis-prefix", prefix]
    return stack.enter_context(running(argv, clean_environ()))


async def send_through_an_outage(url: str, token: str, callback: str, redis: PrivateRedis) -> Load:
    load = Load()
    body = {"destination": [DESTINATION], "message": "Hello", "acknowledgement": True, "ackType": "MESSAGE"}
    body["callback"] = callback
    headers = {"Authorization": f"Bearer {token}"}

    async def restart() -> None:
        # The refusals can come before the killed process has been reaped: start it again only after that.
        await load.dead.wait()
        try:
            await asyncio.to_thread(redis.start)
        except BaseException:
            load.done.set()  # the senders stop, and the error is raised below rather than the load running on
            raise
        load.back.set()

    async def sender(http: aiohttp.ClientSession) -> None:
        while not load.done.is_set():
            sent_after_restart = load.back.is_set()
            response = await http.post("/api/v2/sms", json=body, headers=headers)
            text = await response.text()
            if response.status != 200:
                load.refusals.append((response.status, text))
                if len(load.refusals) == OUTAGE_ANSWERS:
                    restarting.append(asyncio.create_task(restart()))
                continue
            load.answered.update((await response.json())["livelinkOrderIds"][0]["livelinkOrderId"])
            if len(load.answered) >= KILL_AFTER and not load.killed.is_set():
                load.killed.set()
                await asyncio.to_thread(redis.kill)  # SIGKILL: no shutdown, no last write
                load.dead.set()
            if sent_after_restart:
                load.answered_after += 1
                if load.answered_after >= AFTER:
                    load.done.set()

    restarting: list[asyncio.Task[None]] = []
    connector = aiohttp.TCPConnector(limit=CONNECTIONS)
    async with aiohttp.ClientSession(url, connector=connector) as http, asyncio.timeout(LOAD_GUARD_S):
        await asyncio.gather(*(sender(http) for _ in range(CONNECTIONS)))
    await asyncio.gather(*restarting)  # raises what stopped Redis from starting again
    return load


async def test_every_send_answered_200_survives_a_redis_killed_and_restarted(tmp_path: Path) -> None:
    receiver = AckReceiver()
    receiver_server = TestServer(receiver.app, host="127.0.0.1")
    await receiver_server.start_server()
    callback = str(receiver_server.make_url("/acks"))
    try:
        with private_redis(tmp_path) as redis, ExitStack() as run:
            gateway = await asyncio.to_thread(start_gateway, run, redis, f"t{uuid4().hex}:")
            async with aiohttp.ClientSession(gateway.url) as http:
                grant = await expect(
                    await http.post(
                        "/api/oauth/token",
                        data={"grant_type": "client_credentials"},
                        headers=basic("demo-app-key", "demo-app-secret"),
                    )
                )
                load = await send_through_an_outage(gateway.url, grant["access_token"], callback, redis)

                assert load.killed.is_set()
                assert load.back.is_set()
                assert Counter(status for status, _ in load.refusals) == {503: len(load.refusals)}, load.refusals[:3]
                assert all('"httpStatusCode":"503 SERVICE_UNAVAILABLE"' in text for _, text in load.refusals)
                assert load.answered_after >= AFTER, "the gateway did not serve again once Redis was back"
                assert (await http.get("/__admin/health")).status == 200

                listed = await expect(await http.get("/__admin/messages", params={"limit": "1000"}))
                assert listed["total"] < 1000
                kept = {part for message in listed["messages"] for part in message["parts"]}
                assert load.answered <= kept, f"answered 200 but lost: {sorted(load.answered - kept)[:5]}"
                await expect(await http.post("/__admin/clock/advance", json={"seconds": 60}))
            assert gateway.process.poll() is None, "the gateway died with its Redis"
        missing = sorted(order for order in load.answered if FINAL not in receiver.statuses.get(order, []))
        assert not missing, f"{len(missing)} answered sends got no {FINAL} ACK, e.g. {missing[:5]}"
        assert all(receiver.statuses[order] == ["SENT", "DELIVERED", FINAL] for order in load.answered)
    finally:
        await receiver_server.close()
