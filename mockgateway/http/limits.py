"""Connection limits: a cap on open connections, 431 for oversized heads, deadlines for idle and slow clients.

aiohttp bounds header lines and counts (answering 400) and closes a connection that sends no complete request
head within its keep-alive timeout, which it counts from the connection's start and from each answer. It has no
cap on connections and no deadline for a body: a client that sends a head and then trickles its body would hold
its connection open for ever. Here each connection is aiohttp's own protocol, made by a factory that refuses
connections beyond the cap, and one sweeper closes connections whose body is overdue: no timer per request on
the send path. What aiohttp refuses as malformed HTTP it logs in one line, where aiohttp logs a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections.abc import AsyncIterator
from typing import Any, cast

from aiohttp import web
from aiohttp.http_exceptions import BadHttpMessage, LineTooLong
from aiohttp.web_protocol import RequestHandler

from mockgateway.config import Settings

log = logging.getLogger(__name__)

#: As many header lines as aiohttp allows by default; more is answered 431 like a line too long.
MAX_HEADERS = 128

_BUSY_TEXT = b"too many open connections to the gateway; try again later"
_BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nRetry-After: 1\r\n"
    b"Connection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(_BUSY_TEXT), _BUSY_TEXT)
)


def handler_args(settings: Settings) -> dict[str, Any]:
    """What aiohttp's connection protocol is built with: its own limits, set from the settings."""
    return {
        "access_log": None,
        "keepalive_timeout": settings.client_timeout_s,  # idle, and time to send a request head
        "max_line_size": settings.max_header_size,
        "max_field_size": settings.max_header_size,
        "max_headers": MAX_HEADERS,
    }


class _GuardedHandler(RequestHandler):
    """aiohttp's protocol for one connection, answering an oversized head 431 and knowing when a body is late."""

    __slots__ = ("_body_request", "_body_since")

    def __init__(self, manager: web.Server, **kwargs: Any) -> None:
        super().__init__(manager, **kwargs)
        self._body_request: object = None
        self._body_since = 0.0

    def handle_error(
        self, request: Any, status: int = 500, exc: BaseException | None = None, message: str | None = None
    ) -> web.StreamResponse:
        if status == 400 and _head_too_large(exc):
            # One line, no traceback: anyone can send these, and a log full of them helps no one.
            log.warning("refused a request head too large from %s", request.remote)
            text = f"431 Request Header Fields Too Large: {getattr(exc, 'message', exc)}"
            response = web.Response(status=431, text=text)
            response.force_close()
            return response
        return super().handle_error(request, status, exc, message)

    def log_exception(self, *args: Any, **kw: Any) -> None:
        error = kw.get("exc_info")
        if isinstance(error, BadHttpMessage):
            # Malformed HTTP (a control character in a header, raw non-ASCII in the URL, both Content-Length and
            # chunked...), which aiohttp answers 400 before any route sees it. Anyone can send it: one line, no
            # traceback, as for a head too large.
            peer = self.transport.get_extra_info("peername") if self.transport is not None else None
            reason = str(error.message).strip().splitlines()[0] if error.message else type(error).__name__
            log.warning("refused a malformed request from %s: %s", peer[0] if peer else "?", reason)
            return
        super().log_exception(*args, **kw)

    def body_overdue(self, now: float, timeout: float) -> bool:
        """Whether the request being handled has waited for its body ``timeout`` seconds since first seen so."""
        request = self._current_request
        if request is None or request.content.is_eof():
            self._body_request = None
            return False
        if request is not self._body_request:
            self._body_request, self._body_since = request, now
            return False
        return now - self._body_since >= timeout


def _head_too_large(exc: BaseException | None) -> bool:
    return isinstance(exc, LineTooLong) or (isinstance(exc, BadHttpMessage) and "Too many headers" in exc.message)


class _Refusal(asyncio.Protocol):
    """A connection beyond the cap: answered 503 before any request is read, then closed."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        writer = cast(asyncio.WriteTransport, transport)  # uvloop's transports do not subclass it
        writer.write(_BUSY)
        writer.close()


async def _sweep(server: web.Server, overdue_after: float) -> None:
    """Close, every half ``overdue_after`` seconds, the connections whose request body is overdue."""
    loop = asyncio.get_running_loop()
    while True:
        await asyncio.sleep(overdue_after / 2)
        now = loop.time()
        for handler in server.connections:
            if isinstance(handler, _GuardedHandler) and handler.body_overdue(now, overdue_after):
                log.warning("closed a connection whose request body took over %gs", overdue_after)
                handler.force_close()


@contextlib.asynccontextmanager
async def listen(
    runner: web.AppRunner, settings: Settings, *, ssl_context: ssl.SSLContext | None = None, reuse_port: bool = False
) -> AsyncIterator[int]:
    """Serve ``runner`` (set up) on ``settings.host`` and ``settings.port`` within the connection limits, giving
    the port actually listened on (``port`` 0 lets the system pick). Leaving stops accepting connections; the
    runner's cleanup ends the open ones.

    ``reuse_port``: share the port with other processes that ask the same (SO_REUSEPORT), the kernel spreading
    connections among them.
    """
    server = runner.server
    assert server is not None, "the runner is set up first"
    loop = asyncio.get_running_loop()
    kwargs = handler_args(settings)

    def guarded() -> asyncio.Protocol:
        """Each connection's protocol: aiohttp's, guarded, within the cap."""
        if len(server.connections) >= settings.max_connections:
            return _Refusal()
        return _GuardedHandler(server, loop=loop, **kwargs)

    listener = await loop.create_server(
        guarded, settings.host, settings.port, backlog=1024, reuse_address=True, reuse_port=reuse_port, ssl=ssl_context
    )
    sweeper = loop.create_task(_sweep(server, settings.client_timeout_s))
    try:
        yield int(listener.sockets[0].getsockname()[1])
    finally:
        sweeper.cancel()
        listener.close()
