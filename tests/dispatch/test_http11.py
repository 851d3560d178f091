"""The lean HTTP/1.1 client behind plain ``http://`` callbacks, against real servers on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from mockgateway.dispatch import http11
from mockgateway.dispatch.http11 import Http11Client
from mockgateway.dispatch.transport import HttpTransport
from mockgateway.dispatch.wire import ConnectionFailed, InvalidResponse
from mockgateway.domain.model import HttpCall

AiohttpServer = Callable[..., Awaitable[TestServer]]
BODY = b'{"messageId":"1000000001","status":"DELIVERED"}'


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    peer: tuple[str, int]


@dataclass
class Server:
    """An aiohttp receiver: what it saw, and answers scripted per path."""

    server: TestServer | None = None
    seen: list[Seen] = field(default_factory=list)
    gate: asyncio.Event = field(default_factory=asyncio.Event)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def url(self, path: str) -> str:
        assert self.server is not None
        return str(self.server.make_url(path))

    async def handle(self, request: web.Request) -> web.StreamResponse:
        peer = request.transport.get_extra_info("peername") if request.transport else ("", 0)
        self.seen.append(Seen(request.method, request.raw_path, dict(request.headers), await request.read(), peer))
        self.arrived.set()
        if request.path == "/hang":
            await self.gate.wait()
        if request.path == "/refuse":
            return web.Response(status=422, text="destination unknown\n")
        if request.path == "/fail":
            return web.Response(status=503, text="x" * 500)
        if request.path == "/close":
            response = web.Response(text="ok")
            response.force_close()
            return response
        if request.path == "/chunked":
            stream = web.StreamResponse(status=500)
            stream.enable_chunked_encoding()
            await stream.prepare(request)
            for part in (b"first part, ", b"second part"):
                await stream.write(part)
            await stream.write_eof()
            return stream
        return web.Response(status=204 if request.path == "/empty" else 200, text="thanks")


@pytest.fixture
async def server(aiohttp_server: AiohttpServer) -> AsyncIterator[Server]:
    receiver = Server()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", receiver.handle)
    receiver.server = await aiohttp_server(app)
    yield receiver
    receiver.gate.set()


@pytest.fixture
async def transport() -> AsyncIterator[HttpTransport]:
    made = HttpTransport(pool_size=4)
    yield made
    await made.close()


async def test_a_2xx_is_delivered_with_the_headers_a_receiver_expects(server: Server, transport: HttpTransport) -> None:
    result = await transport.send(HttpCall(method="POST", url=server.url("/acks"), body=BODY), 5)
    assert (result.status, result.error, result.ok) == (200, None, True)
    assert result.latency_ms > 0
    [seen] = server.seen
    assert (seen.method, seen.path, seen.body) == ("POST", "/acks", BODY)
    assert seen.headers["Content-Type"] == "application/json"
    assert seen.headers["Content-Length"] == str(len(BODY))
    assert server.server is not None
    assert seen.headers["Host"] == f"127.0.0.1:{server.server.port}"
    assert "Authorization" not in seen.headers


async def test_a_bearer_token_and_another_content_type_are_sent() -> None:
    received: list[bytes] = []

    async def reply(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        received.append(await reader.readuntil(b"\r\n\r\n"))
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        writer.close()

    raw = await asyncio.start_server(reply, "127.0.0.1", 0)
    port = raw.sockets[0].getsockname()[1]
    client = Http11Client()
    try:
        target = client.target("GET", f"http://127.0.0.1:{port}/status?id=7")
        assert target is not None
        answer = await client.request(target, b"", "text/plain", "tok-1", time.monotonic() + 5)
    finally:
        await client.close()
        raw.close()
    assert answer == (200, b"")
    assert received == [
        f"GET /status?id=7 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: mockgateway\r\n"
        "Content-Type: text/plain\r\nAuthorization: Bearer tok-1\r\n\r\n".encode()
    ]


async def test_refusals_keep_an_excerpt_of_the_answer(server: Server, transport: HttpTransport) -> None:
    refused = await transport.send(HttpCall(method="POST", url=server.url("/refuse"), body=BODY), 5)
    assert (refused.status, refused.error) == (422, "receiver answered 422: destination unknown")
    failed = await transport.send(HttpCall(method="POST", url=server.url("/fail"), body=BODY), 5)
    assert failed.status == 503
    assert failed.error == "receiver answered 503: " + "x" * 200


async def test_a_chunked_answer_is_read_to_its_end(server: Server, transport: HttpTransport) -> None:
    result = await transport.send(HttpCall(method="POST", url=server.url("/chunked"), body=BODY), 5)
    assert (result.status, result.error) == (500, "receiver answered 500: first part, second part")
    again = await transport.send(HttpCall(method="POST", url=server.url("/acks"), body=BODY), 5)
    assert again.ok
    assert server.seen[0].peer == server.seen[1].peer, "the chunked answer left the connection usable"


async def test_keep_alive_connections_are_reused(server: Server, transport: HttpTransport) -> None:
    for path in ("/a", "/empty", "/refuse", "/b"):
        await transport.send(HttpCall(method="POST", url=server.url(path), body=BODY), 5)
    assert len({seen.peer for seen in server.seen}) == 1


async def test_a_connection_the_receiver_closes_is_not_reused(server: Server, transport: HttpTransport) -> None:
    closed = await transport.send(HttpCall(method="POST", url=server.url("/close"), body=BODY), 5)
    after = await transport.send(HttpCall(method="POST", url=server.url("/acks"), body=BODY), 5)
    assert closed.ok
    assert after.ok
    assert server.seen[0].peer != server.seen[1].peer


async def test_no_more_connections_than_the_pool_allows(server: Server) -> None:
    transport = HttpTransport(pool_size=2)
    try:
        results = await asyncio.gather(
            *(transport.send(HttpCall(method="POST", url=server.url(f"/n{i}"), body=BODY), 5) for i in range(6))
        )
    finally:
        await transport.close()
    assert all(result.ok for result in results)
    assert len({seen.peer for seen in server.seen}) <= 2


async def test_connection_refused_is_an_error_result(refused_url: str, transport: HttpTransport) -> None:
    result = await transport.send(HttpCall(method="POST", url=refused_url, body=BODY), 5)
    assert result.status is None
    assert result.error is not None
    assert result.error.startswith("connection failed: cannot connect to 127.0.0.1:"), result.error


async def test_a_silent_receiver_times_out_and_its_connection_is_dropped(
    server: Server, transport: HttpTransport
) -> None:
    result = await transport.send(HttpCall(method="POST", url=server.url("/hang"), body=BODY), 0.2)
    assert (result.status, result.error) == (None, "timed out after 0.2 s")
    assert result.latency_ms >= 190
    server.gate.set()
    after = await transport.send(HttpCall(method="POST", url=server.url("/acks"), body=BODY), 5)
    assert after.ok
    assert server.seen[0].peer != server.seen[1].peer, "the timed-out connection's state was unknown"


async def test_a_deadline_that_passed_while_connecting_is_a_timeout(server: Server) -> None:
    client = Http11Client()
    target = client.target("POST", server.url("/acks"))
    assert target is not None
    with pytest.raises(TimeoutError):
        await client.request(target, BODY, None, None, time.monotonic() - 1)
    await client.close()


async def raw_answer(answer: bytes) -> tuple[asyncio.Server, str]:
    """A server that reads one request, writes ``answer`` and closes the connection."""

    async def reply(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(answer)
        await writer.drain()
        writer.close()

    raw = await asyncio.start_server(reply, "127.0.0.1", 0)
    return raw, f"http://127.0.0.1:{raw.sockets[0].getsockname()[1]}/cb"


@pytest.mark.parametrize(
    ("answer", "status", "error"),
    [
        (b"HTTP/1.1 500 Oops\r\n\r\nbody until the close", 500, "receiver answered 500: body until the close"),
        (b"HTTP/1.0 202 Accepted\r\n\r\n", 202, None),
        (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 200, None),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nok", None, "connection failed: 127.0.0.1:{port} closed "
         "the connection in the middle of its answer"),
        (b"", None, "connection failed: 127.0.0.1:{port} closed the connection before answering"),
        (b"SMTP ready\r\n\r\n", None, "invalid answer from 127.0.0.1:{port}: "),
        (b"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n", None,
         "invalid answer from 127.0.0.1:{port}: it switched protocols"),
    ],
)  # fmt: skip
async def test_answers_framed_every_way_or_not_at_all(answer: bytes, status: int | None, error: str | None) -> None:
    raw, url = await raw_answer(answer)
    transport = HttpTransport()
    try:
        result = await transport.send(HttpCall(method="POST", url=url, body=BODY), 5)
    finally:
        await transport.close()
        raw.close()
    assert result.status == status
    if error is None:
        assert result.error is None
    else:
        port = url.split(":")[2].split("/")[0]
        assert result.error is not None
        assert result.error.startswith(error.format(port=port)), result.error


async def test_the_request_line_is_the_one_aiohttp_sends(server: Server) -> None:
    url = server.url("/cb") + "?date=01%2F01%2F2026&time=00%3A00%3A33&text=a%20b"
    for lean in (True, False):
        transport = HttpTransport(lean=lean)
        try:
            assert (await transport.send(HttpCall(method="GET", url=url, body=b"", content_type=None), 5)).ok
        finally:
            await transport.close()
    lean_seen, aiohttp_seen = server.seen
    assert lean_seen.path == aiohttp_seen.path
    assert lean_seen.headers["Host"] == aiohttp_seen.headers["Host"]
    assert "Content-Length" not in lean_seen.headers


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("POST", "https://127.0.0.1/cb"),
        ("POST", "http://user:secret@127.0.0.1/cb"),
        ("HEAD", "http://127.0.0.1/cb"),
        ("POST", "http://[::1/cb"),
    ],
)
def test_what_the_lean_client_leaves_to_aiohttp(method: str, url: str) -> None:
    assert Http11Client().target(method, url) is None


def test_the_lean_client_takes_plain_http() -> None:
    client = Http11Client()
    target = client.target("POST", "http://Receiver.example:8080/a/b?c=d#fragment")
    assert target is not None
    assert target.head == b"POST /a/b?c=d HTTP/1.1\r\nHost: receiver.example:8080\r\nUser-Agent: mockgateway\r\n"
    assert client.target("POST", "http://Receiver.example:8080/a/b?c=d#fragment") is target


async def test_a_closed_client_refuses_requests(server: Server) -> None:
    client = Http11Client()
    target = client.target("POST", server.url("/acks"))
    assert target is not None
    await client.close()
    with pytest.raises(RuntimeError, match="closed"):
        await client.request(target, BODY, None, None, time.monotonic() + 5)


def test_the_errors_are_what_the_transport_maps() -> None:
    assert issubclass(ConnectionFailed, ConnectionError)
    assert not issubclass(InvalidResponse, ConnectionError)


async def test_idle_connections_are_closed_after_a_while(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http11, "IDLE_S", 0.05)
    closed = asyncio.Event()

    async def keep_alive(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        with contextlib.suppress(ConnectionError):
            await reader.read()  # until the client hangs up
        closed.set()
        writer.close()

    raw = await asyncio.start_server(keep_alive, "127.0.0.1", 0)
    client = Http11Client()
    try:
        target = client.target("POST", f"http://127.0.0.1:{raw.sockets[0].getsockname()[1]}/cb")
        assert target is not None
        assert await client.request(target, BODY, None, None, time.monotonic() + 5) == (200, b"")
        async with asyncio.timeout(5):  # a guard against a hang: the idle timer closes it after 0.05 s
            await closed.wait()
    finally:
        await client.close()
        raw.close()


async def test_each_request_carries_its_own_content_type(server: Server) -> None:
    client = Http11Client()
    target = client.target("POST", server.url("/acks"))
    assert target is not None
    try:
        for content_type in ("application/json", "application/x-www-form-urlencoded", None, "application/json"):
            assert await client.request(target, b"a=1", content_type, None, time.monotonic() + 5) == (200, b"")
    finally:
        await client.close()
    assert [seen.headers.get("Content-Type") for seen in server.seen] == [
        "application/json",
        "application/x-www-form-urlencoded",
        None,
        "application/json",
    ]
