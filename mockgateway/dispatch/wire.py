"""One kept-alive HTTP/1.1 client connection: an asyncio ``Protocol`` whose answers httptools parses.

The llhttp C parser (httptools, as uvicorn uses it) reads status, headers and body; this side keeps only what
a callback attempt needs: the status, and for a refusal the start of the body. Answers framed by length, by
chunks or by the end of the connection all work; an interim 1xx answer is skipped. A head over
``HEAD_LIMIT`` is refused, and a connection is not reused after bytes beyond its answer.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from typing import cast

import httptools

#: How much of a non-2xx answer's body is kept (to show why the receiver refused).
EXCERPT = 200
#: The most an answer's status line and headers may take (aiohttp's client allows 8 KiB per line).
HEAD_LIMIT = 64 * 1024


def refusal(who: str, status: int, body: bytes) -> str:
    """``<who> answered <status>: <the start of the body>``, for a non-2xx answer."""
    excerpt = body[:EXCERPT].decode("utf-8", "replace").strip()
    return f"{who} answered {status}" + (f": {excerpt}" if excerpt else "")


class WriteBatch:
    """Requests written together once per turn of the event loop, rather than each one as it is made.

    On loopback, a write that finds the receiving process asleep wakes it, and on a virtual machine that
    wake-up (an interrupt to the other processor) is the dearest part of the system call. The requests made
    in one turn of the loop (every answer read lets its worker make the next request) are written back to back
    at the start of the next turn: the receiver, woken by the first, is still reading when the others arrive.
    That made each write about a third cheaper, for a wait of one turn of the loop.
    """

    __slots__ = ("_queued",)

    def __init__(self) -> None:
        self._queued: list[tuple[Connection, bytes]] = []

    def add(self, connection: Connection, data: bytes, loop: asyncio.AbstractEventLoop) -> None:
        if not self._queued:
            loop.call_soon(self._flush)
        self._queued.append((connection, data))

    def _flush(self) -> None:
        queued, self._queued = self._queued, []
        for connection, data in queued:
            connection.write_now(data)


class ConnectionFailed(ConnectionError):
    """No answer: the connection could not be made, or broke before the answer was complete."""


class ClosedBeforeAnswer(ConnectionFailed):
    """The receiver closed the connection without a whole head of an answer.

    On a kept-alive connection this is most often a receiver that closed it while idle, its close crossing
    the request on the wire: worth one more try on a new connection.
    """


class InvalidResponse(Exception):
    """The receiver answered something that is not HTTP/1.x."""


class Connection(asyncio.Protocol):
    """One keep-alive connection; at most one exchange at a time."""

    def __init__(self, label: str, forget: Callable[[Connection], None], batch: WriteBatch) -> None:
        self._label = label  #: host:port, for messages
        self._forget = forget  #: told when the connection closes while idle
        self._batch = batch  #: where requests wait to be written
        self._transport: asyncio.Transport | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._parser = httptools.HttpResponseParser(self)
        self._waiter: asyncio.Future[tuple[int, bytes]] | None = None
        self._status = 0
        self._excerpt = b""
        self._framed = False  #: the answer has a length or is chunked: the end of the stream is not its end
        self._headers_done = False
        self._head_size = 0  #: bytes read while the head was incomplete
        self._reusable = True
        self.deadline = math.inf
        self.idle_since = 0.0

    def usable(self) -> bool:
        return self._reusable and self._transport is not None and not self._transport.is_closing()

    def exchange(self, request: bytes, deadline: float) -> asyncio.Future[tuple[int, bytes]]:
        transport, loop = self._transport, self._loop
        if transport is None or loop is None or transport.is_closing():
            raise ConnectionFailed(f"the connection to {self._label} is closed")
        waiter: asyncio.Future[tuple[int, bytes]] = loop.create_future()
        self._waiter = waiter
        self.deadline = deadline
        self._status = 0
        self._excerpt = b""
        self._framed = self._headers_done = False
        self._head_size = 0
        self._batch.add(self, request, loop)
        return waiter

    def write_now(self, request: bytes) -> None:
        """Write the request ``exchange`` queued, unless the exchange ended meanwhile (cancelled, timed out)."""
        transport = self._transport
        if self._waiter is None or transport is None or transport.is_closing():
            return  # whatever ended the exchange has answered its waiter
        try:
            transport.write(request)
        except Exception as error:  # the waiter must hear of it: nobody else is waiting on this write
            self._fail(ConnectionFailed(f"writing to {self._label} failed: {error or type(error).__name__}"))

    def time_out(self) -> None:
        self._fail(TimeoutError())

    def abort(self) -> None:
        """Drop the connection at once: its state is unknown (a failed or abandoned exchange)."""
        self._reusable = False
        if self._transport is not None:
            self._transport.abort()

    def close(self) -> None:
        """Hang up an idle connection in the usual way."""
        self._reusable = False
        if self._transport is not None:
            self._transport.close()

    # -- asyncio.Protocol -----------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)  # uvloop's transports do not subclass it
        self._loop = asyncio.get_running_loop()

    def data_received(self, data: bytes) -> None:
        if self._waiter is None:  # nothing was asked: whatever this is, the connection cannot be trusted
            self.abort()
            return
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as error:
            self._fail(InvalidResponse(f"from {self._label}: {error}"))
        except httptools.HttpParserUpgrade:  # 101 Switching Protocols: nothing a callback can use
            self._fail(InvalidResponse(f"from {self._label}: it switched protocols"))
        if not self._headers_done and self._waiter is not None:  # an endless head must not fill the memory
            self._head_size += len(data)
            if self._head_size > HEAD_LIMIT:
                self._fail(InvalidResponse(f"from {self._label}: the head of its answer is over {HEAD_LIMIT} bytes"))

    def eof_received(self) -> bool:
        self._reusable = False
        return False  # close our side too

    def connection_lost(self, _exc: Exception | None) -> None:
        self._transport = None
        self._reusable = False
        if self._waiter is None:
            self._forget(self)
        elif self._headers_done and not self._framed:  # the answer's body ran until the close
            self._finish()
        elif self._headers_done:
            self._fail(ConnectionFailed(f"{self._label} closed the connection in the middle of its answer"))
        else:
            self._fail(ClosedBeforeAnswer(f"{self._label} closed the connection before answering"))

    # -- httptools callbacks --------------------------------------------------------------------
    def on_message_begin(self) -> None:
        if self._waiter is None:  # bytes beyond the answer: what follows them on this connection is unknown
            self._reusable = False

    def on_header(self, name: bytes, value: bytes) -> None:
        # The length test first: most headers are neither, and it saves lower-casing each of them.
        if len(name) in (14, 17) and not self._framed and name.lower() in (b"content-length", b"transfer-encoding"):
            self._framed = True

    def on_headers_complete(self) -> None:
        self._status = self._parser.get_status_code()
        self._headers_done = True

    def on_body(self, body: bytes) -> None:
        if not 200 <= self._status < 300 and len(self._excerpt) < EXCERPT:
            self._excerpt = (self._excerpt + body)[:EXCERPT]

    def on_message_complete(self) -> None:
        if 100 <= self._status < 200:  # an interim answer (such as 100 Continue): the real one follows
            self._status = self._head_size = 0
            self._framed = self._headers_done = False
            return
        if not self._parser.should_keep_alive():
            self._reusable = False
        self._finish()

    def _finish(self) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result((self._status, self._excerpt))

    def _fail(self, error: BaseException) -> None:
        """End the exchange with ``error`` and drop the connection, whose state is then unknown."""
        waiter, self._waiter = self._waiter, None
        self.abort()
        if waiter is not None and not waiter.done():
            waiter.set_exception(error)
