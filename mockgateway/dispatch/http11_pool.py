"""The connections the lean HTTP/1.1 client keeps to one receiver (see ``http11``)."""

from __future__ import annotations

import asyncio
import math
import socket
import time
from collections import deque
from typing import TYPE_CHECKING

from mockgateway.dispatch.wire import Connection, ConnectionFailed

if TYPE_CHECKING:
    from mockgateway.dispatch.http11 import Http11Client


class Pool:
    """The connections to one (host, port): at most ``limit`` open, idle ones reused newest first."""

    def __init__(self, client: Http11Client, host: str, port: int, limit: int) -> None:
        self.client = client
        self.host = host
        self.port = port
        self.limit = limit
        self.size = 0  #: connections open or being opened
        self.idle: list[Connection] = []  #: oldest first
        self.waiters: deque[asyncio.Future[Connection | None]] = deque()
        self.closed = False

    def take(self) -> Connection | None:
        """An idle connection, without waiting, if there is one."""
        while self.idle:
            connection = self.idle.pop()
            if connection.usable():
                return connection
            self.size -= 1  # it closed while idle
        return None

    async def acquire(self, deadline: float) -> Connection:
        """A connection once one is free or opened; ``take()`` found none idle."""
        async with asyncio.timeout_at(deadline):  # rare: every connection busy, or a new one to open
            if self.size >= self.limit:
                waiter: asyncio.Future[Connection | None] = asyncio.get_running_loop().create_future()
                self.waiters.append(waiter)
                try:
                    handed = await waiter
                except BaseException:
                    if waiter in self.waiters:
                        self.waiters.remove(waiter)
                    elif waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                        # Handed a connection, or the right to open one, just as the wait ended: pass it on.
                        handed = waiter.result()
                        if handed is None:
                            self._wake(None)
                        else:
                            self.release(handed)
                    raise
                if handed is not None:
                    return handed
            self.size += 1  # counted before connecting, so concurrent callers respect the limit
            try:
                return await self._connect()
            except BaseException:
                self.size -= 1
                self._wake(None)
                raise

    async def _connect(self) -> Connection:
        loop = asyncio.get_running_loop()
        try:
            address = self.host
            if self.client.sandbox is not None:  # resolved here, so the address checked is the one connected to
                infos = await loop.getaddrinfo(self.host, self.port, type=socket.SOCK_STREAM)
                address = self.client.sandbox.first_allowed(self.host, [str(info[4][0]) for info in infos])
            _, protocol = await loop.create_connection(
                lambda: Connection(f"{self.host}:{self.port}", self.forget, self.client.batch), address, self.port
            )
        except OSError as error:
            reason = error.strerror or str(error) or type(error).__name__
            raise ConnectionFailed(f"cannot connect to {self.host}:{self.port}: {reason}") from None
        return protocol

    def release(self, connection: Connection) -> None:
        """Back after an exchange: kept for the next request if it can take one, else forgotten."""
        if connection.usable() and not self.closed:
            if self.waiters and self._wake(connection):
                return
            connection.idle_since = time.monotonic()
            self.idle.append(connection)
            self.client.went_idle(connection.idle_since)
            return
        connection.abort()
        self.size -= 1
        self._wake(None)

    def _wake(self, connection: Connection | None) -> bool:
        """Hand ``connection`` (or, with ``None``, the right to open one) to the first caller waiting."""
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(connection)
                return True
        return False

    def forget(self, connection: Connection) -> None:
        """An idle connection closed by the receiver."""
        if connection in self.idle:
            self.idle.remove(connection)
            self.size -= 1

    def close_idle(self, before: float) -> None:
        while self.idle and self.idle[0].idle_since < before:
            self.idle.pop(0).close()
            self.size -= 1

    def close(self) -> None:
        self.closed = True
        self.close_idle(math.inf)
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_exception(RuntimeError("the transport is closed"))
