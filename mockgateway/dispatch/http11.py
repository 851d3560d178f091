"""A lean HTTP/1.1 client for callbacks to plain ``http://`` receivers.

aiohttp's client spends about 170 µs of CPU on each callback, which caps delivery at a few thousand per second
on one core. Callbacks need far less: one request at a time per kept-alive connection, no TLS, redirects,
cookies, compression or proxies. Here each connection is an asyncio ``Protocol`` whose answers are parsed by
httptools (the llhttp C parser), and the request bytes up to the headers that vary are built once per URL.

Deadlines are not one timer per request (``asyncio.timeout`` costs more than the rest of a request on
uvloop): each busy connection carries its deadline, and a single timer wakes at the earliest one. Deadlines
are ``time.monotonic()`` values, the clock both asyncio's and uvloop's ``loop.time()`` read, but without the
running-loop lookup (a ``getpid`` system call on Python 3.11) that getting the loop costs.

Anything this client does not handle (``https://``, user info in the URL, unusual methods) is left to aiohttp:
``target()`` returns ``None`` for it.

It is the default because the dispatcher delivers 2-3 times as many callbacks per second through it as a
bare aiohttp client does. ``tests/dispatch/conformance/`` holds it to what receivers really do: one table of
cases (length-framed, chunked and close-delimited bodies, 1xx, 204 and 304 answers, connections the server
closes, slow, oversized and malformed answers, timeouts) run against aiohttp's server, the standard library's
``http.server``, an h11 server and scripted bytes. ``bench/README.md`` has the figures behind the choice.
"""

from __future__ import annotations

import asyncio
import math
import time

from yarl import URL

from mockgateway.dispatch.http11_pool import Pool
from mockgateway.dispatch.sandbox import AddressPolicy
from mockgateway.dispatch.wire import ClosedBeforeAnswer, Connection, WriteBatch

#: Idle connections are closed after this long, as aiohttp's default keep-alive does.
IDLE_S = 15.0
#: Methods whose answers are framed the usual way (never HEAD: its answer has a length but no body).
_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
#: Methods sent without Content-Length when they carry no body, as aiohttp does (RFC 9110, section 8.6).
_BODYLESS = frozenset({"GET", "DELETE", "OPTIONS"})


class Target:
    """Where one URL goes: its connection pool and the fixed head of every request to it."""

    __slots__ = ("bodyless", "head", "pool", "typed", "typed_as")

    def __init__(self, pool: Pool, head: bytes, bodyless: bool) -> None:
        self.pool = pool
        self.head = head  #: request line, Host and User-Agent
        self.bodyless = bodyless  #: no Content-Length when there is no body
        self.typed_as: str | None = None  #: the content type last sent here, and the head with it
        self.typed = head

    def head_for(self, content_type: str | None) -> bytes:
        if content_type is None:
            return self.head
        if content_type != self.typed_as:
            self.typed_as = content_type
            self.typed = self.head + b"Content-Type: %s\r\n" % content_type.encode("latin-1")
        return self.typed


class Http11Client:
    def __init__(self, *, per_host: int = 64, sandbox: AddressPolicy | None = None) -> None:
        if per_host < 1:
            raise ValueError(f"per_host must be at least 1, got {per_host}")
        self._per_host = per_host
        self.sandbox = sandbox  #: checked on the address of every connection opened
        self._targets: dict[tuple[str, str], Target | None] = {}
        self._pools: dict[tuple[str, int], Pool] = {}
        self._busy: set[Connection] = set()
        self.batch = WriteBatch()  #: requests to write at the next turn of the loop
        self._timer: asyncio.TimerHandle | None = None
        self.timer_at = math.inf
        self.closed = False

    def target(self, method: str, url: str) -> Target | None:
        """Where ``method url`` goes, or ``None`` when this client does not handle it."""
        key = (method, url)
        try:
            return self._targets[key]
        except KeyError:
            pass
        found = self._target(method, url)
        if len(self._targets) >= 4096:  # a bound for receivers that put a fresh token in every URL
            self._targets.clear()
        self._targets[key] = found
        return found

    async def request(
        self, target: Target, body: bytes, content_type: str | None, token: str | None, deadline: float
    ) -> tuple[int, bytes]:
        """``(status, body excerpt)``; the excerpt is empty for a 2xx. ``deadline`` is a ``time.monotonic()``.

        Raises ``ConnectionFailed``, ``InvalidResponse`` or ``TimeoutError``; a cancelled or failed exchange
        closes its connection, whose state is then unknown.
        """
        if self.closed:
            raise RuntimeError("the transport is closed")
        head = target.typed if content_type == target.typed_as else target.head_for(content_type)
        if token is not None:
            head += b"Authorization: Bearer %s\r\n" % token.encode("latin-1")
        if body or not target.bodyless:
            data = b"%bContent-Length: %d\r\n\r\n%b" % (head, len(body), body)
        else:
            data = head + b"\r\n"
        pool = target.pool
        connection = pool.take()
        reused = connection is not None
        if connection is None:
            connection = await pool.acquire(deadline)
        busy = self._busy
        busy.add(connection)
        try:
            waiter = connection.exchange(data, deadline)
            if deadline < self.timer_at:
                self.wake_at(deadline)
            answer = await waiter
        except BaseException as error:
            connection.abort()
            busy.discard(connection)
            pool.release(connection)
            if reused and isinstance(error, ClosedBeforeAnswer):
                # A kept-alive connection the receiver closed as the request went out: once more on another.
                # Were the request seen after all, the receiver gets it twice, as a retried attempt would.
                return await self.request(target, body, content_type, token, deadline)
            raise
        busy.discard(connection)
        pool.release(connection)
        return answer

    async def close(self) -> None:
        self.closed = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        for pool in self._pools.values():
            pool.close()
        self._pools.clear()

    def _target(self, method: str, url: str) -> Target | None:
        if method not in _METHODS or not url.startswith("http://"):
            return None
        try:
            # yarl, as aiohttp uses it: the request line and Host header come out byte for byte as aiohttp's.
            parsed = URL(url)
            host, port, netloc = parsed.raw_host, parsed.port, parsed.host_port_subcomponent
            path = parsed.raw_path_qs
        except ValueError:
            return None
        if not host or port is None or not netloc or parsed.raw_user is not None or parsed.raw_password is not None:
            return None  # user info in the URL means Basic auth: aiohttp's job
        pool = self._pools.get((host, port))
        if pool is None:
            pool = self._pools[(host, port)] = Pool(self, host, port, self._per_host)
        head = f"{method} {path} HTTP/1.1\r\nHost: {netloc}\r\nUser-Agent: mockgateway\r\n".encode("ascii")
        return Target(pool, head, method in _BODYLESS)

    # -- the one timer: deadlines of busy connections, and idle connections to close ------------------
    def wake_at(self, at: float) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self.timer_at = at
        self._timer = asyncio.get_running_loop().call_at(at, self._tick)

    def went_idle(self, since: float) -> None:
        """A connection went idle at ``since``: the timer wakes in time to close it."""
        if since + IDLE_S < self.timer_at:  # nothing due before this one may be closed
            self.wake_at(since + IDLE_S)

    def _tick(self) -> None:
        self._timer, self.timer_at = None, math.inf
        now = time.monotonic()
        earliest = math.inf
        for connection in list(self._busy):
            if connection.deadline <= now:
                self._busy.discard(connection)
                connection.time_out()
            else:
                earliest = min(earliest, connection.deadline)
        for pool in self._pools.values():
            pool.close_idle(now - IDLE_S)
            if pool.idle:
                earliest = min(earliest, pool.idle[0].idle_since + IDLE_S)
        if earliest < math.inf and not self.closed:
            self.wake_at(earliest)
