"""Independent HTTP/1.1 servers (here asyncio streams and h11; aiohttp and the standard library in
``frameworks.py``) on 127.0.0.1 that answer the same paths the same way.

Each one records the path and the client's port of every request it reads (so a test can tell whether a
connection was reused) and answers per path:

- ``/ok``: 200 with a length; ``/refuse``: 422 with a length; ``/big``: 503 with a 1 MiB body;
- ``/chunked``: 500, chunked in two parts; ``/until-close``: 500 whose body runs until the server closes;
- ``/no-content``: 204; ``/not-modified``: 304 with an ETag; ``/early-hints``: 103, then 200;
- ``/close``: 200 with ``Connection: close``; ``/hang-up``: 200 kept alive, then the server closes anyway;
- ``/slow``: 200 written in pieces that split the head mid-line; ``/hang``: no answer until the test ends;
  ``/stall``: the head and part of the body, then nothing more.

Not every server can do each of these (aiohttp always frames its answers, h11 chunks rather than end a body
at the close): ``test_conformance.SERVERS`` says which each does. The raw server also writes scripted malformed bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field

import h11

from tests.conftest import next_turn

BIG = b"x" * (1 << 20)
CHUNKS = (b"first part, ", b"second part")
CHUNKED = b"Transfer-Encoding: chunked\r\n\r\nc\r\nfirst part, \r\nb\r\nsecond part\r\n0\r\n\r\n"
UNTIL_CLOSE = b"body until the close"
#: A 200 kept alive, split so that no piece ends where a line does.
SLOW = (b"HTTP/1.1 200 OK\r\nContent-Le", b"ngth: 2\r\nX-Pad: 1\r", b"\n\r\no", b"k")
COMMON = frozenset(
    {"/ok", "/refuse", "/big", "/chunked", "/no-content", "/not-modified", "/close", "/hang-up", "/slow", "/hang"}
)


@dataclass
class Receiver:
    base: str
    seen: list[tuple[str, int]] = field(default_factory=list)  #: (path, client port), in order of arrival

    def url(self, path: str) -> str:
        return self.base + path


Serve = Callable[[], AbstractAsyncContextManager[Receiver]]
Handle = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


def _fixed(status: int, reason: bytes, body: bytes, extra: bytes = b"") -> bytes:
    return b"HTTP/1.1 %d %s\r\nContent-Length: %d\r\n%s\r\n%s" % (status, reason, len(body), extra, body)


#: What the raw server writes per path, and whether it then closes the connection.
RAW: dict[str, tuple[bytes, bool]] = {
    "/ok": (_fixed(200, b"OK", b"ok"), False),
    "/refuse": (_fixed(422, b"Unprocessable", b"destination unknown\n"), False),
    "/big": (_fixed(503, b"Unavailable", BIG), False),
    "/chunked": (b"HTTP/1.1 500 Oops\r\n" + CHUNKED, False),
    "/until-close": (b"HTTP/1.1 500 Oops\r\n\r\n" + UNTIL_CLOSE, True),
    "/no-content": (b"HTTP/1.1 204 No Content\r\n\r\n", False),
    "/not-modified": (b'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\n\r\n', False),
    "/early-hints": (b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n" + _fixed(200, b"OK", b"ok"), False),
    "/close": (_fixed(200, b"OK", b"ok", b"Connection: close\r\n"), True),
    "/hang-up": (_fixed(200, b"OK", b"ok"), True),
    "/http10": (b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", True),
    "/not-http": (b"SMTP ready\r\n\r\n", False),
    "/bad-length": (b"HTTP/1.1 200 OK\r\nContent-Length: two\r\n\r\nok", False),
    "/bad-chunk": (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nok\r\n0\r\n\r\n", False),
    "/truncated": (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nok", True),
    "/silent-close": (b"", True),
    "/switch": (b"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n", False),
    "/huge-head": (b"HTTP/1.1 200 OK\r\nX-Pad: " + BIG + b"\r\nContent-Length: 2\r\n\r\nok", False),
    "/extra-bytes": (_fixed(200, b"OK", b"ok") + b"HTTP/1.1 200 OK\r\nContent-Le", False),
}  # fmt: skip


@asynccontextmanager
async def _serving(serve: Handle, gate: asyncio.Event) -> AsyncIterator[str]:
    """An asyncio server on 127.0.0.1 whose connections all end with it, and its base URL."""
    tasks: set[asyncio.Task[None]] = set()

    async def tracked(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        tasks.add(task)
        try:
            await serve(reader, writer)
        finally:
            writer.close()

    server = await asyncio.start_server(tracked, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    finally:
        gate.set()
        server.close()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _pieces(writer: asyncio.StreamWriter, pieces: tuple[bytes, ...]) -> None:
    for piece in pieces:
        writer.write(piece)
        await writer.drain()
        await next_turn()  # so the client reads each piece on its own


@asynccontextmanager
async def raw_server() -> AsyncIterator[Receiver]:
    """asyncio streams writing the bytes scripted in ``RAW``: what no well-behaved server would send."""
    gate = asyncio.Event()
    receiver = Receiver(base="")

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        port = writer.get_extra_info("peername")[1]
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1].decode()
                length = [int(line[15:]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")]
                await reader.readexactly(length[0] if length else 0)
                receiver.seen.append((path, port))
                if path in ("/hang", "/stall"):
                    if path == "/stall":
                        await _pieces(writer, (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nok",))
                    await gate.wait()
                    break
                if path == "/slow":
                    await _pieces(writer, SLOW)
                    continue
                answer, close = RAW[path]
                writer.write(answer)
                await writer.drain()
                if close:
                    break
        writer.close()

    async with _serving(serve, gate) as base:
        receiver.base = base
        yield receiver


@asynccontextmanager
async def h11_server() -> AsyncIterator[Receiver]:
    """An asyncio server whose HTTP is done by h11, a pure-Python implementation written apart from the others."""
    gate = asyncio.Event()
    receiver = Receiver(base="")

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        port = writer.get_extra_info("peername")[1]
        connection = h11.Connection(h11.SERVER)
        with contextlib.suppress(ConnectionError):
            while connection.our_state is h11.IDLE or connection.our_state is h11.DONE:
                if connection.our_state is h11.DONE:
                    connection.start_next_cycle()
                request = await _h11_next(connection, reader)
                if not isinstance(request, h11.Request):
                    break
                while not isinstance(await _h11_next(connection, reader), h11.EndOfMessage):
                    pass
                path = request.target.decode()
                receiver.seen.append((path, port))
                if path == "/hang":
                    await gate.wait()
                    break
                pieces = [connection.send(event) or b"" for event in _h11_answer(path)]
                if path == "/slow":
                    await _pieces(writer, tuple(pieces))
                else:
                    writer.write(b"".join(pieces))
                    await writer.drain()
                if path == "/hang-up":
                    break
        writer.close()

    async with _serving(serve, gate) as base:
        receiver.base = base
        yield receiver


async def _h11_next(connection: h11.Connection, reader: asyncio.StreamReader) -> object:
    while True:
        event = connection.next_event()
        if event is not h11.NEED_DATA:
            return event
        connection.receive_data(await reader.read(65536))


def _h11_answer(path: str) -> list[h11.Event]:
    if path == "/chunked":
        head = h11.Response(status_code=500, headers=[("Transfer-Encoding", "chunked")])
        return [head, *(h11.Data(data=part) for part in CHUNKS), h11.EndOfMessage()]
    early: list[h11.Event] = []
    if path == "/early-hints":
        early = [h11.InformationalResponse(status_code=103, headers=[("Link", "</a.css>")])]
    status, body = {"/refuse": (422, b"destination unknown\n"), "/big": (503, BIG)}.get(path, (200, b"ok"))
    status = {"/no-content": 204, "/not-modified": 304}.get(path, status)
    headers = [("ETag", '"v1"')] if status == 304 else [] if status == 204 else [("Content-Length", str(len(body)))]
    if path == "/close":
        headers.append(("Connection", "close"))
    if status in (204, 304):
        return [*early, h11.Response(status_code=status, headers=headers), h11.EndOfMessage()]
    return [*early, h11.Response(status_code=status, headers=headers), h11.Data(data=body), h11.EndOfMessage()]
