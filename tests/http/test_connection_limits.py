"""The server's connection limits, over real sockets on 127.0.0.1: heads and bodies bounded, slow clients cut off,
a cap on connections; none of them holds up the other clients."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import pytest
from aiohttp import web

from mockgateway.bootstrap import build_gateway
from mockgateway.config import Settings
from mockgateway.http.app import MAX_BODY_BYTES, create_app
from mockgateway.http.limits import handler_args, listen

#: How long a test waits for something that should happen after a 0.2 s timeout; only a hang reaches it.
GUARD_S = 10.0
SEND = b'{"destination":["447700900123"],"message":"hello"}'


@dataclass
class Server:
    port: int

    async def connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection("127.0.0.1", self.port)

    async def request(self, head: str, body: bytes = b"") -> tuple[int, bytes]:
        """One request on a fresh connection: the status and the body of the answer."""
        reader, writer = await self.connect()
        writer.write(head.encode() + body)
        answer = await asyncio.wait_for(reader.read(), GUARD_S)  # every answer here closes the connection
        writer.close()
        status_line, _, rest = answer.partition(b"\r\n")
        return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]

    async def token(self) -> str:
        credentials = base64.b64encode(b"demo-app-key:demo-app-secret").decode()
        form = b"grant_type=client_credentials"
        status, body = await self.request(
            "POST /api/oauth/token HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
            f"Authorization: Basic {credentials}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(form)}\r\n\r\n",
            form,
        )
        assert status == 200
        return str(json.loads(body)["access_token"])

    async def send(self, token: str) -> int:
        status, _ = await self.request(_send_head(token, len(SEND)), SEND)
        return status

    async def health(self) -> int:
        status, _ = await self.request("GET /__admin/health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        return status


def _send_head(token: str, length: int) -> str:
    return (
        f"POST /api/v2/sms HTTP/1.1\r\nHost: t\r\nConnection: close\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    )


@asynccontextmanager
async def serving(client_timeout_s: float) -> AsyncIterator[Server]:
    settings = Settings(
        clock="virtual", port=0, client_timeout_s=client_timeout_s, max_connections=4, max_header_size=2048
    )
    runner = web.AppRunner(create_app(settings, gateway=build_gateway(settings)), **handler_args(settings))
    await runner.setup()
    try:
        async with listen(runner, settings) as port:
            yield Server(port)
    finally:
        await runner.cleanup()


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    """Slow clients are cut off after 0.2 s."""
    async with serving(client_timeout_s=0.2) as running:
        yield running


@pytest.fixture
async def patient_server() -> AsyncIterator[Server]:
    """Open connections stay open for the whole test."""
    async with serving(client_timeout_s=60) as running:
        yield running


async def closed_by_server(reader: asyncio.StreamReader) -> bytes:
    """What the server sent before it closed the connection (waits for the close, guarded against a hang)."""
    return await asyncio.wait_for(reader.read(), GUARD_S)


async def test_a_header_line_too_long_is_answered_431_and_others_are_still_answered(server: Server) -> None:
    status, body = await server.request(f"GET /__admin/health HTTP/1.1\r\nHost: t\r\nX-Big: {'a' * 3000}\r\n\r\n")
    assert status == 431
    assert b"2048" in body  # the configured limit, named
    assert await server.health() == 200


async def test_too_many_header_lines_are_answered_431(server: Server) -> None:
    lines = "".join(f"X-{n}: v\r\n" for n in range(200))
    status, _ = await server.request(f"GET /__admin/health HTTP/1.1\r\nHost: t\r\n{lines}\r\n")
    assert status == 431
    assert await server.health() == 200


@pytest.mark.parametrize(
    "head",
    [
        b"GET /api/v2/sms/status HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer \x00\r\n\r\n",
        b"GET /api/\xc3\xa9 HTTP/1.1\r\nHost: t\r\n\r\n",
        b"POST /api/v2/sms HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        b"GET /__admin/health HTTP/1.1\r\n\r\n",
    ],
    ids=["control-character-in-a-header", "raw-non-ascii-url", "length-and-chunked", "no-host"],
)
async def test_malformed_http_is_answered_400_and_logged_in_one_line(
    server: Server, caplog: pytest.LogCaptureFixture, head: bytes
) -> None:
    reader, writer = await server.connect()
    writer.write(head)
    answer = await closed_by_server(reader)
    writer.close()
    assert answer.startswith(b"HTTP/1.0 400 ")
    logged = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert [(record.levelno, record.exc_info) for record in logged] == [(logging.WARNING, None)]
    assert "refused a malformed request from 127.0.0.1" in logged[0].getMessage()
    assert await server.health() == 200


async def test_a_body_too_large_is_refused_in_the_providers_format_and_others_are_still_answered(
    server: Server,
) -> None:
    token = await server.token()
    body = b"x" * (MAX_BODY_BYTES + 1)
    status, answer = await server.request(_send_head(token, len(body)), body)
    error = json.loads(answer)
    assert status == 413
    assert error["httpStatusCode"] == "413 REQUEST_ENTITY_TOO_LARGE"  # Live Link's error shape
    assert f"larger than {MAX_BODY_BYTES} bytes" in error["debugMessage"]
    assert await server.send(token) == 200


async def test_an_idle_connection_is_closed_after_the_client_timeout(server: Server) -> None:
    reader, writer = await server.connect()
    assert await closed_by_server(reader) == b""
    writer.close()


async def test_a_connection_idle_after_an_answer_is_closed_after_the_client_timeout(server: Server) -> None:
    reader, writer = await server.connect()
    writer.write(b"GET /__admin/health HTTP/1.1\r\nHost: t\r\n\r\n")  # keep-alive
    answer = await closed_by_server(reader)
    assert answer.startswith(b"HTTP/1.1 200 ")
    writer.close()


async def test_a_request_head_sent_too_slowly_is_cut_off(server: Server) -> None:
    reader, writer = await server.connect()
    writer.write(b"GET /__admin/health HTTP/1.1\r\nHost: t\r\n")  # and the rest never comes
    assert await closed_by_server(reader) == b""
    writer.close()


async def test_a_body_trickled_too_slowly_is_cut_off_while_other_sends_are_answered(server: Server) -> None:
    token = await server.token()
    reader, writer = await server.connect()
    writer.write(_send_head(token, len(SEND)).encode() + SEND[:10])  # the rest of the body never comes
    cut_off = asyncio.create_task(closed_by_server(reader))
    assert await server.send(token) == 200  # while the trickle holds its connection
    assert await cut_off == b""
    writer.close()


async def test_connections_beyond_the_cap_are_answered_503_while_open_ones_still_work(
    patient_server: Server,
) -> None:
    held = [await patient_server.connect() for _ in range(4)]
    reader, writer = await patient_server.connect()
    refused = await closed_by_server(reader)
    assert refused.startswith(b"HTTP/1.1 503 ")
    assert b"Retry-After: 1" in refused
    writer.close()
    first_reader, first_writer = held[0]
    first_writer.write(b"GET /__admin/health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    assert (await closed_by_server(first_reader)).startswith(b"HTTP/1.1 200 ")
    for _, other in held:
        other.close()
