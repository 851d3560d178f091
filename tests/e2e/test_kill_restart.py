"""A gateway on SQLite killed with SIGKILL in the middle of concurrent sends loses nothing it answered for.

The gateway runs as a process of its own on the virtual clock. Twenty connections send 200 Live Link messages
that ask for every ACK; once half of them are answered the process is killed (``kill -9``), mid-traffic. A new
process on the same file must then hold every message answered 200, take the token issued before the kill,
resume the clock where it stood, keep the opt-out and callback target set before the kill, and deliver each
answered message's ACKs to the receiver when time moves on.
"""

from __future__ import annotations

import asyncio
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.ack_receiver import AckReceiver, receiving
from tests.conftest import basic
from tests.packaging.process import Server, clean_environ, running

pytestmark = pytest.mark.slow

SENDS = 200
CONNECTIONS = 20
KILL_AFTER = SENDS // 2  #: answers received before the process is killed
#: A destination outside the magic numbers: the default timeline, SENT +1 s, DELIVERED +3 s, RECEIVED +6 s.
DESTINATION = "33612345678"
FINAL = "RECEIVED"
OPTED_OUT = "447700900555"
MOBIVATE = {"Authorization": "Bearer demo-mobivate-key"}


def start_gateway(stack: ExitStack, store: Path) -> Server:
    argv = [sys.executable, "-m", "mockgateway", "serve", "--host", "127.0.0.1", "--port", "0"]
    argv += ["--clock", "virtual", "--seed", "7", "--store", f"sqlite:{store}"]
    return stack.enter_context(running(argv, clean_environ()))


async def expect(response: aiohttp.ClientResponse, status: int = 200) -> Any:
    body = await response.read()
    assert response.status == status, body
    return await response.json(content_type=None)


async def send_until_killed(url: str, token: str, callback: str, server: Server) -> set[str]:
    """Send ``SENDS`` messages over ``CONNECTIONS`` connections; SIGKILL the gateway after ``KILL_AFTER`` answers.

    Returns the order ids of every send answered 200 (requests cut short by the kill fail, and are not counted)."""
    answered: set[str] = set()
    killed = asyncio.Event()
    body = {
        "destination": [DESTINATION],
        "message": "Hello",
        "acknowledgement": True,
        "ackType": "MESSAGE",
        "callback": callback,
    }
    connector = aiohttp.TCPConnector(limit=CONNECTIONS)
    async with aiohttp.ClientSession(url, connector=connector) as http:

        async def send_one() -> None:
            try:
                response = await http.post("/api/v2/sms", json=body, headers={"Authorization": f"Bearer {token}"})
                answer = await response.json()
            except (TimeoutError, aiohttp.ClientError):
                assert killed.is_set(), "a send failed before the gateway was killed"
                return
            assert response.status == 200, answer
            answered.update(answer["livelinkOrderIds"][0]["livelinkOrderId"])
            if len(answered) == KILL_AFTER and not killed.is_set():
                killed.set()
                server.process.kill()  # SIGKILL: no shutdown, no flush

        await asyncio.gather(*(send_one() for _ in range(SENDS)))
    assert killed.is_set(), "the gateway was not killed: it answered too few sends"
    return answered


async def test_every_send_answered_before_a_kill_is_kept_and_its_acks_delivered(tmp_path: Path) -> None:
    store = tmp_path / "state.db"
    async with receiving(AckReceiver()) as receiver:
        callback = receiver.url
        with ExitStack() as first_run:
            first = await asyncio.to_thread(start_gateway, first_run, store)
            async with aiohttp.ClientSession(first.url) as http:
                grant = await expect(
                    await http.post(
                        "/api/oauth/token",
                        data={"grant_type": "client_credentials"},
                        headers=basic("demo-app-key", "demo-app-secret"),
                    )
                )
                moved = await expect(await http.post("/__admin/clock/advance", json={"seconds": 5}))
                await expect(await http.post("/addressbook/optout", json={"mobile": OPTED_OUT}, headers=MOBIVATE))
                targets = {"mo_callback": f"{callback}/mo"}
                await expect(await http.put("/__admin/accounts/demo/callbacks/livelink", json=targets))
            answered = await send_until_killed(first.url, grant["access_token"], callback, first)
            assert await asyncio.to_thread(first.process.wait) == -9
        assert len(answered) >= KILL_AFTER
        assert not receiver.statuses, "no ACK was due before the kill"

        with ExitStack() as second_run:
            second = await asyncio.to_thread(start_gateway, second_run, store)
            async with aiohttp.ClientSession(second.url) as http:
                clock = await expect(await http.get("/__admin/clock"))
                assert clock["now"] == moved["now"], "the virtual clock did not resume where it stood"
                listed = await expect(await http.get("/__admin/messages", params={"limit": str(SENDS)}))
                kept = {part for message in listed["messages"] for part in message["parts"]}
                assert answered <= kept, f"answered but lost: {sorted(answered - kept)}"
                opted_out = await expect(await http.get("/addressbook/optout", headers=MOBIVATE))
                assert [entry["mobile"] for entry in opted_out] == [OPTED_OUT]
                accounts = (await expect(await http.get("/__admin/accounts")))["accounts"]
                demo = next(account for account in accounts if account["name"] == "demo")
                assert demo["provider_callbacks"]["livelink"]["mo_callback"]["url"] == f"{callback}/mo"
                token = {"Authorization": f"Bearer {grant['access_token']}"}
                again = {"destination": [DESTINATION], "message": "After the restart"}
                await expect(await http.post("/api/v2/sms", json=again, headers=token))
                await expect(await http.post("/__admin/clock/advance", json={"seconds": 60}))
        missing = sorted(order for order in answered if FINAL not in receiver.statuses.get(order, []))
        assert not missing, f"{len(missing)} answered sends got no {FINAL} ACK, e.g. {missing[:5]}"
        assert all(receiver.statuses[order] == ["SENT", "DELIVERED", FINAL] for order in answered)
