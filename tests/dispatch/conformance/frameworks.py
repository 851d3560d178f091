"""The receivers built on aiohttp's server and on the standard library's ``http.server``."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiohttp import web

from tests.conftest import next_turn
from tests.dispatch.conformance.receivers import BIG, CHUNKED, CHUNKS, SLOW, UNTIL_CLOSE, Receiver


@asynccontextmanager
async def aiohttp_server() -> AsyncIterator[Receiver]:
    """aiohttp's web server, the one the gateway itself runs on."""
    gate = asyncio.Event()
    receiver = Receiver(base="")

    async def handle(request: web.Request) -> web.StreamResponse:
        await request.read()
        transport = request.transport
        assert transport is not None
        receiver.seen.append((request.path, transport.get_extra_info("peername")[1]))
        return await _aiohttp_answer(request, gate)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    assert runner.addresses
    receiver.base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield receiver
    finally:
        gate.set()
        await runner.cleanup()


async def _aiohttp_answer(request: web.Request, gate: asyncio.Event) -> web.StreamResponse:
    path = request.path
    if path == "/hang":
        await gate.wait()
    if path in ("/chunked", "/slow"):
        stream = web.StreamResponse(status=500 if path == "/chunked" else 200)
        if path == "/chunked":
            stream.enable_chunked_encoding()
        else:
            stream.content_length = 2
        await stream.prepare(request)
        for part in CHUNKS if path == "/chunked" else (b"o", b"k"):
            await stream.write(part)
            await next_turn()  # so the client reads each part on its own
        await stream.write_eof()
        return stream
    if path == "/hang-up":
        response = web.Response(text="ok")
        await response.prepare(request)
        await response.write_eof()
        assert request.transport is not None
        request.transport.close()
        return response
    answers = {"/refuse": (422, b"destination unknown\n"), "/big": (503, BIG), "/no-content": (204, b"")}
    status, body = answers.get(
        path, (304 if path == "/not-modified" else 200, b"" if path == "/not-modified" else b"ok")
    )
    response = web.Response(status=status, body=body, headers={"ETag": '"v1"'} if status == 304 else None)
    if path == "/close":
        response.force_close()
    return response


class _Handler(BaseHTTPRequestHandler):
    """The standard library's server, HTTP/1.1 with keep-alive; one thread per connection."""

    protocol_version = "HTTP/1.1"
    receiver: Receiver
    gate: threading.Event

    def log_message(self, format: str, *args: object) -> None:
        pass  # keeps the test output clean

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        path = self.path
        self.receiver.seen.append((path, self.client_address[1]))
        if path == "/hang":
            self.gate.wait(30)
            self.close_connection = True
            return
        if path in ("/slow", "/chunked", "/until-close"):
            self.wfile.write(b"".join(SLOW) if path == "/slow" else b"HTTP/1.1 500 Oops\r\n")
            if path == "/chunked":
                self.wfile.write(CHUNKED)
            if path == "/until-close":
                self.wfile.write(b"\r\n" + UNTIL_CLOSE)
                self.close_connection = True
            return
        if path == "/early-hints":
            self.send_response_only(103)
            self.send_header("Link", "</a.css>")
            self.end_headers()
        status, body = {"/refuse": (422, b"destination unknown\n"), "/big": (503, BIG)}.get(path, (200, b"ok"))
        status = {"/no-content": 204, "/not-modified": 304}.get(path, status)
        self.send_response(status)
        if status in (204, 304):
            body = b""
            if status == 304:
                self.send_header("ETag", '"v1"')
        else:
            self.send_header("Content-Length", str(len(body)))
        if path == "/close":
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        if path == "/hang-up":
            self.close_connection = True


@asynccontextmanager
async def stdlib_server() -> AsyncIterator[Receiver]:
    receiver = Receiver(base="")
    gate = threading.Event()
    handler = type("Handler", (_Handler,), {"receiver": receiver, "gate": gate})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.block_on_close = False  # threads still reading a kept-alive connection end with the process
    # A short poll, so that shutdown() returns at once rather than after the default half second.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    receiver.base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield receiver
    finally:
        gate.set()
        await asyncio.to_thread(server.shutdown)
        server.server_close()
