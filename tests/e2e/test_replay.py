"""Byte-identical replay: the same seed, start time and requests give the same callbacks, run after run.

The gateway runs twice, each time in a process of its own on the virtual clock; a receiver per run records every
callback it gets. Both runs take the same mixed traffic through all four providers (delivered, slow, retried,
failed, multipart, replies, a callback answered 503 then retried), and each receiver path's transcript must be
the same bytes in the same order. The transcript is a request's method, path and query, headers (all but
``Host``, which names the receiver's own port) and body.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from tests.conftest import basic
from tests.dialects.textapp.conftest import send_params
from tests.packaging.process import clean_environ, running

pytestmark = pytest.mark.slow

SEED = "20260101"
#: Paths whose first callback the receiver refuses with 503, so that the gateway's retry is in the transcript too.
REFUSED_ONCE = ("/livelink/acks", "/textapp/status", "/mobivate/receipts", "/smsmode/status")
#: Headers left out of a transcript: the receiver's own address, which differs between runs.
NOT_TRANSCRIBED = frozenset({"host"})


class Receiver:
    """Answers every callback (the first one on each ``REFUSED_ONCE`` path with 503) and transcribes it."""

    def __init__(self) -> None:
        self.transcripts: dict[str, list[bytes]] = defaultdict(list)
        self.app = web.Application()
        self.app.router.add_route("*", "/{tail:.*}", self.handle)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = b"".join(
            f"{name}: {value}\n".encode()
            for name, value in request.headers.items()
            if name.lower() not in NOT_TRANSCRIBED
        )
        seen = self.transcripts[request.path]
        seen.append(f"{request.method} {request.raw_path}\n".encode() + headers + b"\n" + body)
        if request.path in REFUSED_ONCE and len(seen) == 1:
            return web.Response(status=503)
        return web.Response(text="OK")


#: What differs between the two runs' hosts: string hashing (so set and dict order of strings) and the local zone.
HOSTS = ({"PYTHONHASHSEED": "1", "TZ": "UTC"}, {"PYTHONHASHSEED": "2", "TZ": "Pacific/Auckland"})


@contextmanager
def gateway_process(host: dict[str, str]) -> Iterator[str]:
    argv = [sys.executable, "-m", "mockgateway", "serve", "--host", "127.0.0.1", "--port", "0"]
    with running([*argv, "--clock", "virtual", "--seed", SEED], clean_environ(host)) as server:
        yield server.url


async def expect(response: aiohttp.ClientResponse, status: int = 200) -> bytes:
    body = await response.read()
    assert response.status == status, body
    return body


async def send_mixed_traffic(http: aiohttp.ClientSession, receiver: str) -> list[bytes]:
    """The same requests on every run; returns the gateway's answers, which must repeat too."""
    answers = [
        await expect(
            await http.put(
                "/__admin/accounts/demo/callbacks",
                json={"status_callback": f"{receiver}/account/status", "mo_callback": f"{receiver}/account/mo"},
            )
        )
    ]
    answers += await send_livelink(http, receiver)
    answers.append(await send_textapp(http, receiver))
    answers += await send_mobivate(http, receiver)
    answers += await send_smsmode(http, receiver)
    for step in (1, 60, 7200):  # statuses, retries and replies fall due in between
        answers.append(await expect(await http.post("/__admin/clock/advance", json={"seconds": step})))
    mo = {"from": "+447700900123", "to": "12345", "text": "Hello from a handset"}
    answers.append(await expect(await http.post("/__admin/mo", json=mo), 201))
    answers.append(await expect(await http.post("/__admin/clock/advance", json={"seconds": 3600})))
    return answers


async def send_livelink(http: aiohttp.ClientSession, receiver: str) -> list[bytes]:
    token_answer = await http.post(
        "/api/oauth/token", data={"grant_type": "client_credentials"}, headers=basic("demo-app-key", "demo-app-secret")
    )
    token = (await token_answer.json())["access_token"]
    request = {
        "destination": ["447700900001", "447700900003", "447700900017", "447700900031", "447700900050"],
        "message": "Your code is 1234",
        "acknowledgement": True,
        "ackType": "MESSAGE",
        "ackFinalStatus": True,
        "callback": f"{receiver}/livelink/acks",
    }
    auth = {"Authorization": f"Bearer {token}"}
    multipart = {**request, "destination": ["447700900060"], "message": "long " * 40}
    return [
        await expect(await http.post("/api/v2/sms", json=request, headers=auth)),
        await expect(await http.post("/api/v2/sms", json=multipart, headers=auth)),
    ]


async def send_textapp(http: aiohttp.ClientSession, receiver: str) -> bytes:
    params = send_params(
        destinations="+447700900001,+447700900010,+447700900030",
        body="Your parcel is on its way",
        replyMethodID="5",
        replyData=f"{receiver}/textapp/replies",
        statusNotificationUrl=f"{receiver}/textapp/status",
    )
    return await expect(await http.post("/webservice/httpservice.aspx?method=SendSMS", data=params))


async def send_mobivate(http: aiohttp.ClientSession, receiver: str) -> list[bytes]:
    auth = {"Authorization": "Bearer demo-mobivate-key"}
    answers = []
    for recipient in ("447700900003", "447700900016", "447700900031"):
        single = {
            "originator": "MyShop",
            "recipient": recipient,
            "body": "Appointment tomorrow at 10:00",
            "routeId": "mglobal",
            "callbackURL": f"{receiver}/mobivate/receipts",
        }
        answers.append(await expect(await http.post("/send/single", json=single, headers=auth)))
    return answers


async def send_smsmode(http: aiohttp.ClientSession, receiver: str) -> list[bytes]:
    query = {
        "accessToken": "demo-smsmode1",
        "message": "Bonjour",
        "numero": "447700900002,447700900032",
        "emetteur": "MaBoutique",
        "notification_url": f"{receiver}/smsmode/status",
        "notification_url_reponse": f"{receiver}/smsmode/replies",
    }
    rest: dict[str, Any] = {
        "recipient": {"to": "+447700900018"},
        "body": {"text": "Votre code est 123456"},
        "callbackUrlStatus": f"{receiver}/smsmode/rest-status",
        "callbackUrlMo": f"{receiver}/smsmode/rest-mo",
    }
    return [
        await expect(await http.get("/http/1.6/sendSMS.do", params=query)),
        await expect(
            await http.post("/sms/v1/messages", json=rest, headers={"X-Api-Key": "demo-smsmode-api-key"}), 201
        ),
    ]


async def one_run(host: dict[str, str]) -> tuple[dict[str, list[bytes]], list[bytes]]:
    receiver = Receiver()
    server = TestServer(receiver.app, host="127.0.0.1")
    await server.start_server()
    try:
        receiver_url = str(server.make_url("")).rstrip("/")
        with gateway_process(host) as gateway_url:
            async with aiohttp.ClientSession(gateway_url) as http:
                answers = await send_mixed_traffic(http, receiver_url)
        # Answers that echo a callback URL name the receiver's port, which is not the same in both runs.
        return dict(receiver.transcripts), [answer.replace(receiver_url.encode(), b"<receiver>") for answer in answers]
    finally:
        await server.close()


async def test_the_same_seed_and_requests_give_byte_identical_callbacks_in_two_processes() -> None:
    first, first_answers = await one_run(HOSTS[0])
    second, second_answers = await one_run(HOSTS[1])
    # Every kind of receiver was called, and the refused ones were retried: the traffic is as mixed as meant.
    assert set(first) == {*REFUSED_ONCE, "/account/mo", "/textapp/replies", "/smsmode/replies", "/smsmode/rest-status"}
    assert all(len(first[path]) > 1 for path in REFUSED_ONCE)
    assert first_answers == second_answers
    assert sorted(first) == sorted(second)
    for path, transcript in first.items():
        assert b"\n=====\n".join(second[path]) == b"\n=====\n".join(transcript), path
