"""``GET /__admin/events``: the UI's live feed of what the gateway does, as Server-Sent Events."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import orjson
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from mockgateway.config import Settings
from mockgateway.http import ui
from mockgateway.http.app import create_app
from mockgateway.service.events import Event
from mockgateway.service.gateway import Gateway
from tests.internals import listener_count
from tests.ui.harness import Receiver

AiohttpServer = Callable[..., Awaitable[TestServer]]
WAIT_S = 5.0  # generous upper bound for one read; reads return as soon as the data is there


async def next_frame(stream: aiohttp.StreamReader) -> bytes:
    return await asyncio.wait_for(stream.readuntil(b"\n\n"), WAIT_S)


async def next_event(stream: aiohttp.StreamReader) -> tuple[str, dict[str, Any]]:
    """The next event, skipping comments (keep-alives)."""
    while True:
        frame = (await next_frame(stream)).decode()
        lines = dict(line.split(": ", 1) for line in frame.strip().splitlines() if not line.startswith(":"))
        if "event" in lines:
            return lines["event"], orjson.loads(lines["data"])


def listeners(gateway: Gateway) -> int:
    """Listeners on the gateway's event hub (other parts of the app listen too, for good)."""
    return listener_count(gateway)


async def open_stream(client: TestClient[Any, Any]) -> aiohttp.ClientResponse:
    response = await client.get("/__admin/events")
    assert response.status == 200
    assert response.content_type == "text/event-stream"
    assert response.headers["Cache-Control"] == "no-cache"
    assert await next_frame(response.content) == b"retry: 2000\n: connected\n\n"
    return response


def test_frame_format() -> None:
    assert ui.frame(Event(kind="mo", id="42", account="demo")) == b'event: mo\ndata: {"id":"42","account":"demo"}\n\n'
    assert ui.frame(Event(kind="clock")) == b'event: clock\ndata: {"id":"","account":null}\n\n'


async def test_a_send_shows_up_on_the_stream(client: TestClient[Any, Any], auth: dict[str, str]) -> None:
    stream = await open_stream(client)
    sent = await client.post("/api/v2/sms", json={"destination": ["447700900123"], "message": "hi"}, headers=auth)
    assert sent.status == 200
    order_id = (await sent.json())["livelinkOrderIds"][0]["livelinkOrderId"][0]
    assert await next_event(stream.content) == ("message", {"id": order_id, "account": "demo"})
    await client.post("/__admin/clock/advance", json={"seconds": 1})
    kind, data = await next_event(stream.content)
    assert kind == "notification"
    [note] = (await (await client.get(f"/__admin/notifications?message={order_id}")).json())["notifications"]
    assert data == {"id": note["id"], "account": "demo"}
    assert await next_event(stream.content) == ("clock", {"id": "", "account": None})


async def test_mo_and_reset_events(client: TestClient[Any, Any]) -> None:
    stream = await open_stream(client)
    injected = await client.post("/__admin/mo", json={"from": "+447700900123", "to": "ACME", "text": "hello"})
    assert injected.status == 201
    mo = await injected.json()
    assert await next_event(stream.content) == ("mo", {"id": mo["id"], "account": "demo"})
    assert (await client.delete("/__admin/state")).status == 200
    assert await next_event(stream.content) == ("reset", {"id": "", "account": None})


async def test_callback_attempts_show_up_on_the_stream(
    client: TestClient[Any, Any], auth: dict[str, str], aiohttp_server: AiohttpServer
) -> None:
    receiver = Receiver()
    url = str((await aiohttp_server(receiver.app(), host="127.0.0.1")).make_url("/mo"))
    assert (await client.put("/__admin/accounts/demo/callbacks", json={"mo_callback": url})).status == 200
    stream = await open_stream(client)
    await client.post("/__admin/mo", json={"from": "+447700900123", "to": "ACME", "text": "hello"})
    assert (await next_event(stream.content))[0] == "mo"
    kind, data = await next_event(stream.content)
    assert kind == "callback"
    delivery = await (await client.get(f"/__admin/callbacks/{data['id']}")).json()
    assert delivery["kind"] == "mo"
    assert delivery["state"] == "DELIVERED"
    assert [a["status"] for a in delivery["attempts"]] == [200]
    assert receiver.arrived("/mo").is_set()


async def test_keep_alive_comments_while_idle(client: TestClient[Any, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ui, "KEEPALIVE_S", 0.01)
    stream = await open_stream(client)
    assert await next_frame(stream.content) == b": keep-alive\n\n"


async def test_a_departed_client_is_unsubscribed(client: TestClient[Any, Any], gateway: Gateway) -> None:
    streams = client.app[ui.STREAMS]
    before = listeners(gateway)
    stream = await open_stream(client)
    assert len(streams) == 1
    assert listeners(gateway) == before + 1
    stream.close()
    await asyncio.wait_for(streams.wait_idle(), WAIT_S)
    assert listeners(gateway) == before


@pytest.fixture
async def production_server(settings: Settings, gateway: Gateway) -> AsyncIterator[tuple[web.AppRunner, str]]:
    """Served as ``mockgateway serve`` does: handlers are not cancelled when their client leaves."""
    runner = web.AppRunner(create_app(settings, gateway=gateway), handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield runner, f"http://{host}:{port}"
    finally:
        await runner.cleanup()


async def test_a_departed_client_is_noticed_by_the_next_write(
    production_server: tuple[web.AppRunner, str], gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ui, "KEEPALIVE_S", 0.01)
    runner, base = production_server
    streams = runner.app[ui.STREAMS]
    before = listeners(gateway)
    async with aiohttp.ClientSession() as session:
        response = await session.get(f"{base}/__admin/events")
        await next_frame(response.content)
        assert listeners(gateway) == before + 1
        response.close()
    await asyncio.wait_for(streams.wait_idle(), WAIT_S)
    assert listeners(gateway) == before


async def test_shutdown_ends_open_streams(production_server: tuple[web.AppRunner, str]) -> None:
    """An open stream must not hold shutdown for the server's whole grace period."""
    runner, base = production_server
    async with aiohttp.ClientSession() as session:
        response = await session.get(f"{base}/__admin/events")
        await next_frame(response.content)
        await asyncio.wait_for(runner.cleanup(), WAIT_S)
        assert await asyncio.wait_for(response.content.read(), WAIT_S) == b""
        assert response.content.at_eof()
