"""A provider request's body as the dialect gets it: taken as it came when it came whole with its head, read
through aiohttp otherwise, and refused in the provider's format past the most accepted, either way, or when its
Content-Encoding does not decode."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from typing import Any, cast
from unittest import mock

import pytest
from aiohttp import web
from aiohttp.streams import StreamReader
from aiohttp.test_utils import TestClient, make_mocked_request

from mockgateway.dialects.base import Endpoint, WireRequest, WireResponse
from mockgateway.domain.errors import GatewayError
from mockgateway.http.app import mount
from tests.conftest import next_turn

MOST = 16  #: bytes a body may have here


class EchoDialect:
    """Answers a body with itself; an error with its status and message."""

    name = "echo"
    path_roots = ("/echo",)

    def endpoints(self) -> Sequence[Endpoint]:
        return (Endpoint("POST", "/echo", self.echo),)

    async def echo(self, request: WireRequest) -> WireResponse:
        return WireResponse(200, request.body, "application/octet-stream")

    def render_error(self, error: GatewayError) -> WireResponse:
        return WireResponse(error.http_status, str(error).encode(), "text/plain")


@pytest.fixture
async def client(aiohttp_client: Any) -> TestClient[Any, Any]:
    app = web.Application(client_max_size=MOST)
    mount(app, EchoDialect(), MOST)
    return await aiohttp_client(app)  # type: ignore[no-any-return]


async def _in_pieces(*pieces: bytes) -> AsyncIterator[bytes]:
    for piece in pieces:
        yield piece


@pytest.mark.parametrize("body", [b"", b"{}", b"x" * MOST])
async def test_a_body_that_came_whole_is_given_as_it_came(client: TestClient[Any, Any], body: bytes) -> None:
    answer = await client.post("/echo", data=body)
    assert answer.status == 200
    assert await answer.read() == body


async def test_a_body_sent_in_chunks_is_given_whole(client: TestClient[Any, Any]) -> None:
    answer = await client.post("/echo", data=_in_pieces(b"12345", b"67890"))  # chunked transfer encoding
    assert answer.status == 200
    assert await answer.read() == b"1234567890"


@pytest.mark.parametrize("pieces", [(b"x" * (MOST + 1),), (b"x" * MOST, b"y")])
async def test_a_body_past_the_most_accepted_is_refused_in_the_dialects_format(
    client: TestClient[Any, Any], pieces: tuple[bytes, ...]
) -> None:
    data = pieces[0] if len(pieces) == 1 else _in_pieces(*pieces)
    answer = await client.post("/echo", data=data)
    assert answer.status == 413
    assert f"larger than {MOST} bytes" in await answer.text()


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
async def test_a_body_its_content_encoding_does_not_inflate_is_refused_in_the_dialects_format(
    client: TestClient[Any, Any], caplog: pytest.LogCaptureFixture, encoding: str
) -> None:
    answer = await client.post("/echo", data=b"not packed", headers={"Content-Encoding": encoding})
    assert answer.status == 400
    assert "body: the request body cannot be read" in await answer.text()
    assert answer.headers["Connection"] == "close"  # where a next request would start is unknown
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    again = await client.post("/echo", data=b"{}")
    assert (again.status, await again.read()) == (200, b"{}")


@pytest.mark.parametrize(("pieces", "status"), [((b"12345", b"67890"), 200), ((b"x" * MOST, b"y"), 413)])
async def test_a_body_still_arriving_is_read_to_its_end(pieces: tuple[bytes, ...], status: int) -> None:
    app = web.Application(client_max_size=MOST)
    mount(app, EchoDialect(), MOST)
    (route,) = [route for route in app.router.routes() if route.resource and route.resource.canonical == "/echo"]
    payload = StreamReader(mock.Mock(_reading_paused=False), 2**16, loop=asyncio.get_running_loop())
    request = make_mocked_request("POST", "/echo", payload=payload, app=app, client_max_size=MOST)
    answering = asyncio.create_task(route.handler(request))
    payload.feed_data(pieces[0])
    await next_turn()  # the handler now waits for the rest
    assert not answering.done()
    for piece in pieces[1:]:
        payload.feed_data(piece)
    payload.feed_eof()
    answer = await answering
    assert answer.status == status
    if status == 200:
        assert cast("web.Response", answer).body == b"".join(pieces)
