"""The Redis store's command batcher: a turn's commands written together, each answer to its own caller, in
order, nothing lost on close, a lost connection made again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from uuid import uuid4

import hiredis
import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError

from mockgateway.storage.redis_batch import Address, RedisBatch, Script
from tests.conftest import next_turn
from tests.redis_server import redis_url

#: Sets KEYS[1] to ARGV[1]; answers the value it replaced.
SET_AND_TELL = Script("local was = redis.call('GET', KEYS[1]); redis.call('SET', KEYS[1], ARGV[1]); return was")


class RecordingServer(asyncio.Protocol):
    """Speaks just enough RESP: ``ECHO n`` answers the integer n, ``FAIL`` an error; keeps each read's commands."""

    def __init__(self, reads: list[list[list[bytes]]]) -> None:
        self._reads = reads
        self._parser = hiredis.Reader()  # a command is an array of bulk strings, as a reply can be
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        self._parser.feed(data)
        commands = []
        while (command := self._parser.gets()) is not False:
            commands.append(command)
        self._reads.append(commands)
        assert self._transport is not None
        for command in commands:
            self._transport.write(b"-ERR refused\r\n" if command[0] == b"FAIL" else b":%s\r\n" % command[1])


class HoldingServer(RecordingServer):
    """Answers nothing until ``release`` is set: what the client writes meanwhile is read but not answered."""

    def __init__(self, reads: list[list[list[bytes]]], release: asyncio.Event) -> None:
        super().__init__(reads)
        self._held = b""
        self._release = release
        self._waiter: asyncio.Task[None] | None = None

    def data_received(self, data: bytes) -> None:
        if self._release.is_set():
            super().data_received(data)
            return
        self._held += data
        self._reads.append([])  # one read, its commands filled in once answered
        if self._waiter is None:
            self._waiter = asyncio.get_running_loop().create_task(self._answer_later())

    async def _answer_later(self) -> None:
        await self._release.wait()
        held, self._held = self._held, b""
        del self._reads[-1]
        super().data_received(held)


@pytest.fixture
async def recorded() -> AsyncIterator[tuple[RedisBatch, list[list[list[bytes]]]]]:
    reads: list[list[list[bytes]]] = []
    server = await asyncio.get_running_loop().create_server(lambda: RecordingServer(reads), "127.0.0.1", 0)
    batch = RedisBatch(Address(host="127.0.0.1", port=server.sockets[0].getsockname()[1]))
    yield batch, reads
    await batch.close()
    server.close()


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url())
    yield client
    await client.aclose()


@pytest.fixture
async def batch(redis: Redis) -> AsyncIterator[RedisBatch]:
    opened = RedisBatch(Address.of(redis))
    yield opened
    await opened.close()


async def test_the_commands_of_one_turn_are_written_together_and_each_caller_gets_its_own_answer(
    recorded: tuple[RedisBatch, list[list[list[bytes]]]],
) -> None:
    batch, reads = recorded
    await batch.call("ECHO", 0)  # connected
    answers = await asyncio.gather(*(batch.call("ECHO", n) for n in range(1, 51)))
    assert answers == list(range(1, 51))
    assert reads[1:] == [[[b"ECHO", str(n).encode()] for n in range(1, 51)]]


async def test_commands_made_while_a_batch_is_unanswered_go_out_together_once_its_answers_come() -> None:
    reads: list[list[list[bytes]]] = []
    release = asyncio.Event()
    server = await asyncio.get_running_loop().create_server(lambda: HoldingServer(reads, release), "127.0.0.1", 0)
    batch = RedisBatch(Address(host="127.0.0.1", port=server.sockets[0].getsockname()[1]))
    try:
        first = asyncio.ensure_future(batch.call("ECHO", 1))
        while not reads:  # connected, and the first batch written
            await next_turn()
        later = []
        for n in range(2, 6):  # each in a turn of its own, which would each have been a batch
            later.append(asyncio.ensure_future(batch.call("ECHO", n)))
            await next_turn()
        assert len(reads) == 1
        release.set()
        assert [await first, *await asyncio.gather(*later)] == [1, 2, 3, 4, 5]
        assert reads == [[[b"ECHO", b"1"]], [[b"ECHO", str(n).encode()] for n in range(2, 6)]]
    finally:
        release.set()
        await batch.close()
        server.close()


async def test_an_error_reaches_only_the_caller_whose_command_failed(
    recorded: tuple[RedisBatch, list[list[list[bytes]]]],
) -> None:
    batch, _ = recorded
    answers = await asyncio.gather(
        batch.call("ECHO", 1), batch.call("FAIL"), batch.call("ECHO", 3), return_exceptions=True
    )
    assert answers[0] == 1
    assert isinstance(answers[1], ResponseError)
    assert str(answers[1]) == "ERR refused"
    assert answers[2] == 3


async def test_a_write_sent_without_waiting_is_seen_by_the_read_made_after_it(batch: RedisBatch) -> None:
    key = f"t{uuid4().hex}"
    batch.send(SET_AND_TELL, [key], ["first"])  # before any connection: held, then sent in order
    assert await batch.call("GET", key) == b"first"
    batch.send(SET_AND_TELL, [key], ["second"])
    assert await batch.call("GET", key) == b"second"


async def test_a_callers_compare_and_set_runs_after_its_read(batch: RedisBatch) -> None:
    keys = [f"t{uuid4().hex}" for _ in range(20)]

    async def read_then_replace(key: str) -> bytes | None:
        seen = await batch.call("GET", key)
        return await batch.run(SET_AND_TELL, [key], [b"after " + (seen or b"nothing")])  # type: ignore[no-any-return]

    assert await asyncio.gather(*(read_then_replace(k) for k in keys)) == [None] * len(keys)
    assert await asyncio.gather(*(batch.call("GET", k) for k in keys)) == [b"after nothing"] * len(keys)


async def test_close_waits_for_every_command_already_made(redis: Redis) -> None:
    key = f"t{uuid4().hex}"
    push = Script("return redis.call('RPUSH', KEYS[1], ARGV[1])")
    batch = RedisBatch(Address.of(redis))
    await batch.call("PING")
    answers = [asyncio.ensure_future(batch.run(push, [key], [n])) for n in range(100)]
    await next_turn()  # each made its command
    for n in range(100, 200):
        batch.send(push, [key], [n])
    await batch.close()
    assert [answer.result() for answer in answers] == list(range(1, 101))
    assert await redis.lrange(key, 0, -1) == [str(n).encode() for n in range(200)]
    with pytest.raises(RedisConnectionError):
        await batch.call("PING")


async def test_a_lost_connection_fails_the_commands_in_flight_and_the_next_one_connects_again(
    batch: RedisBatch, redis: Redis
) -> None:
    connection = await batch.call("CLIENT", "ID")
    waiting = asyncio.create_task(batch.call("BLPOP", f"t{uuid4().hex}", 0))  # answered only when the list fills
    for _ in range(1000):  # until Redis holds it
        if (await redis.info("clients"))["blocked_clients"]:
            break
    await redis.execute_command("CLIENT", "KILL", "ID", connection)
    with pytest.raises(RedisConnectionError):
        await waiting
    assert await batch.call("PING") == b"PONG"
    assert await batch.call("CLIENT", "ID") != connection


async def test_a_script_the_server_forgot_is_loaded_again(batch: RedisBatch, redis: Redis) -> None:
    key = f"t{uuid4().hex}"
    assert await batch.run(SET_AND_TELL, [key], ["one"]) is None
    await redis.script_flush()
    assert await batch.run(SET_AND_TELL, [key], ["two"]) == b"one"


async def test_a_plain_write_nobody_awaits_goes_in_order_and_its_error_is_logged(
    batch: RedisBatch, redis: Redis, caplog: pytest.LogCaptureFixture
) -> None:
    key, other = f"t{uuid4().hex}", f"t{uuid4().hex}"
    batch.write("SET", key, "first")  # before any connection: held, then sent in order
    assert await batch.call("GET", key) == b"first"
    batch.write("SET", key, "second")
    batch.write("INCR", key)  # refused: not a number
    assert await batch.call("GET", key) == b"second"
    assert "could not keep a write" in caplog.text
    batch.write("SET", other, "seen")
    await batch.settled()
    assert await redis.get(other) == b"seen"  # through another connection
