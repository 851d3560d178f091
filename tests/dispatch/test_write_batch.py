"""Requests are written once per turn of the event loop, together, and an exchange never waits on a lost write."""

from __future__ import annotations

import asyncio

import pytest

from mockgateway.dispatch.wire import Connection, ConnectionFailed, WriteBatch


class FakeTransport:
    """Records writes, in order, across every connection that shares ``log``."""

    def __init__(self, name: str, log: list[tuple[str, bytes]], *, broken: bool = False) -> None:
        self.name, self.log, self.broken, self.closing = name, log, broken, False

    def write(self, data: bytes) -> None:
        if self.broken:
            raise OSError("broken pipe")
        self.log.append((self.name, data))

    def is_closing(self) -> bool:
        return self.closing

    def abort(self) -> None:
        self.closing = True

    def close(self) -> None:
        self.closing = True


async def next_turn() -> None:
    """Return once the event loop has run what was scheduled before this call: the batch's write, if any."""
    loop = asyncio.get_running_loop()
    turn = loop.create_future()
    loop.call_soon(turn.set_result, None)  # behind the batch's flush in the loop's queue
    await turn


def connect(name: str, batch: WriteBatch, log: list[tuple[str, bytes]], *, broken: bool = False) -> Connection:
    connection = Connection(name, lambda _: None, batch)
    connection.connection_made(FakeTransport(name, log, broken=broken))  # type: ignore[arg-type]
    return connection


async def test_requests_made_in_one_turn_are_written_together_in_the_next() -> None:
    batch, log = WriteBatch(), list[tuple[str, bytes]]()
    a, b = connect("a", batch, log), connect("b", batch, log)
    a.exchange(b"GET /1 HTTP/1.1\r\n\r\n", deadline=float("inf"))
    b.exchange(b"GET /2 HTTP/1.1\r\n\r\n", deadline=float("inf"))
    assert log == []  # nothing written while the turn that made them runs
    await next_turn()
    assert log == [("a", b"GET /1 HTTP/1.1\r\n\r\n"), ("b", b"GET /2 HTTP/1.1\r\n\r\n")]
    a.exchange(b"GET /3 HTTP/1.1\r\n\r\n", deadline=float("inf"))  # a later turn: a batch of its own
    await next_turn()
    assert log[-1] == ("a", b"GET /3 HTTP/1.1\r\n\r\n")


async def test_a_failed_write_fails_its_exchange_and_not_the_others() -> None:
    batch, log = WriteBatch(), list[tuple[str, bytes]]()
    broken, fine = connect("broken", batch, log, broken=True), connect("fine", batch, log)
    lost = broken.exchange(b"GET / HTTP/1.1\r\n\r\n", deadline=float("inf"))
    fine.exchange(b"GET / HTTP/1.1\r\n\r\n", deadline=float("inf"))
    await next_turn()
    with pytest.raises(ConnectionFailed, match="writing to broken failed: broken pipe"):
        await lost
    assert log == [("fine", b"GET / HTTP/1.1\r\n\r\n")]
    assert not broken.usable()


async def test_an_exchange_that_ended_before_its_turn_writes_nothing() -> None:
    batch, log = WriteBatch(), list[tuple[str, bytes]]()
    connection = connect("a", batch, log)
    waiter = connection.exchange(b"GET / HTTP/1.1\r\n\r\n", deadline=float("inf"))
    connection.time_out()
    await next_turn()
    assert log == []
    with pytest.raises(TimeoutError):
        await waiter
