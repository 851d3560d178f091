"""The Redis store's hot commands, written together on one connection, one batch in flight at a time.

redis-py's asyncio client spends 60-120 µs of CPU on each command (a pooled connection, its lock, timeouts,
a Python-level reply parser), several times what Redis itself spends. Here the commands that concurrent
requests make are packed by hiredis and written in one go on one connection; Redis answers in the order it
was asked, so a queue of futures hands each answer, or each error, to its caller. One caller's commands run
in the order it awaits them (a compare-and-set sent after its read is answered after it). Replies come as
Redis gives them (bytes, ints, lists, ``None``): no response callbacks.

A batch is written at the end of the turn that made its first command, unless an earlier batch is still
unanswered: then it waits for those answers and goes out with whatever was made meanwhile. Each batch costs
Redis a read and a write of its socket, some 30 µs here (``bench/README.md``), more than most commands in it;
an idle connection adds no wait, and a busy one writes fewer, larger batches the busier Redis is.

A write whose answer nobody needs (``send``) does not wait for it: it goes with the next command that does,
and its error, if any, is logged. Reads through another connection first wait for those (``settled``).

A lost connection fails the commands in flight with redis-py's ``ConnectionError`` and the next command
connects again. ``close`` waits for every command already made.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import ssl
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import hiredis
from redis.exceptions import BusyLoadingError, ResponseError
from redis.exceptions import ConnectionError as RedisConnectionError

if TYPE_CHECKING:
    from redis.asyncio import Redis

_log = logging.getLogger(__name__)
Arg = bytes | str | int | float
Reply = Any  #: bytes, int, None or a list of them, as Redis answered
Command = Callable[["_Wire"], "asyncio.Future[Reply]"]  #: a command, made on whichever connection is there


@dataclass(frozen=True, slots=True, kw_only=True)
class Address:
    """Where the connection goes, as the client's URL said."""

    host: str = "127.0.0.1"
    port: int = 6379
    path: str | None = None  #: a unix socket instead of host and port
    db: int = 0
    username: str | None = None
    password: str | None = None
    tls: ssl.SSLContext | None = None
    connect_timeout: float = 5.0

    @classmethod
    def of(cls, client: Redis) -> Address:
        pool = client.connection_pool
        given = pool.connection_kwargs
        context = getattr(pool.connection_class(**given), "ssl_context", None)  # rediss://: redis-py's TLS settings
        return cls(
            host=given.get("host", "127.0.0.1"),
            port=int(given.get("port", 6379)),
            path=given.get("path"),
            db=int(given.get("db", 0)),
            username=given.get("username"),
            password=given.get("password"),
            tls=None if context is None else context.get(),
        )


class Script:
    """A Lua script run by its digest (``EVALSHA``), loaded on each connection before its first use."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.sha = hashlib.sha1(source.encode(), usedforsecurity=False).hexdigest()


class RedisBatch:
    def __init__(self, address: Address) -> None:
        self._address = address
        self._wire: _Wire | None = None
        #: Commands made while there is no connection, in order, sent once ``_reconnecting`` has made one.
        self._held: list[tuple[Command, asyncio.Future[Reply]]] = []
        self._reconnecting: asyncio.Task[None] | None = None
        self._closed = False

    async def call(self, *command: Arg) -> Reply:
        """Redis's answer to ``command``; an error reply is raised as redis-py's ``ResponseError``."""
        return await self._submit(lambda wire: wire.send(command))

    async def run(self, script: Script, keys: Sequence[str], args: Sequence[Arg]) -> Reply:
        """``script``'s answer for ``keys`` and ``args``, in one round trip."""
        try:
            return await self._submit(lambda wire: wire.evalsha(script, keys, args))
        except ResponseError as error:
            if not str(error).startswith("NOSCRIPT"):  # else the server forgot it (SCRIPT FLUSH): load it again
                raise
        return await self._submit(lambda wire: wire.evalsha(script, keys, args, again=True))

    def send(self, script: Script, keys: Sequence[str], args: Sequence[Arg]) -> None:
        """Run ``script`` without waiting for its answer: it goes out with the commands of this turn, in order."""
        self._submit(lambda wire: wire.evalsha(script, keys, args)).add_done_callback(_log_failure)

    def write(self, *command: Arg) -> None:
        """Send ``command`` without waiting for its answer (an error is logged), in order with the others."""
        wire = self._wire
        if wire is not None and wire.lost is None and not self._held:
            wire.write(command)  # no future: the common case costs a packed command and nothing else
        else:
            self._submit(lambda wire: wire.send(command)).add_done_callback(_log_failure)

    async def settled(self) -> None:
        """Wait until every command made so far has its answer (what another connection reads must see them)."""
        if self._reconnecting is not None:
            await asyncio.wait((self._reconnecting,))
        if self._wire is not None:
            await self._wire.settled()

    async def close(self) -> None:
        """Wait for the commands already made, then close the connection."""
        await self.settled()
        self._closed = True
        if self._wire is not None:
            await self._wire.finish()
            self._wire = None

    def _submit(self, command: Command) -> asyncio.Future[Reply]:
        wire = self._wire
        if wire is not None and wire.lost is None and not self._held:
            return command(wire)
        answer: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        if self._closed:
            answer.set_exception(RedisConnectionError("the Redis store is closed"))
            return answer
        self._held.append((command, answer))
        if self._reconnecting is None:
            self._reconnecting = asyncio.get_running_loop().create_task(self._reconnect())
        return answer

    async def _reconnect(self) -> None:
        try:
            wire: _Wire | None = await _open(self._address)
        except RedisConnectionError as error:
            wire, failure = None, error
        self._reconnecting = None
        held, self._held = self._held, []
        for command, answer in held:
            if wire is None:
                if not answer.done():
                    answer.set_exception(failure)
            else:
                _forward(command(wire), answer)
        self._wire = wire


def _forward(source: asyncio.Future[Reply], target: asyncio.Future[Reply]) -> None:
    def copy(done: asyncio.Future[Reply]) -> None:
        if target.done():
            return
        if done.cancelled():
            target.cancel()
        elif done.exception() is not None:
            target.set_exception(cast(BaseException, done.exception()))
        else:
            target.set_result(done.result())

    source.add_done_callback(copy)


def _log_failure(answer: asyncio.Future[Reply]) -> None:
    if not answer.cancelled() and answer.exception() is not None:
        _log.error("the Redis store could not keep a write: %s", answer.exception())


async def _open(address: Address) -> _Wire:
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(address.connect_timeout):
            if address.path is not None:
                _, wire = await loop.create_unix_connection(_Wire, address.path)
            else:
                hostname = address.host if address.tls is not None else None
                made = loop.create_connection(
                    _Wire, address.host, address.port, ssl=address.tls, server_hostname=hostname
                )
                _, wire = await made
    except (OSError, TimeoutError) as error:
        raise RedisConnectionError(f"cannot connect to Redis: {error or type(error).__name__}") from error
    try:
        if address.password is not None:
            who = () if address.username is None else (address.username,)
            await wire.send(("AUTH", *who, address.password))
        if address.db:
            await wire.send(("SELECT", address.db))
    except ResponseError as error:
        await wire.finish()
        raise RedisConnectionError(f"Redis refused the connection: {error}") from error
    return wire


class _Wire(asyncio.Protocol):
    """One connection: commands queued during a turn are written at its end; answers come back in order."""

    def __init__(self) -> None:
        self._reader = hiredis.Reader(replyError=ResponseError)
        self._transport: asyncio.Transport | None = None
        #: In the order asked: the future of each command's answer, ``None`` for a command nobody awaits.
        self._waiting: deque[asyncio.Future[Reply] | None] = deque()
        self._queued: list[bytes] = []
        self._flush_planned = False
        self._unanswered = 0  #: commands written whose answers have not come yet
        self._loaded: set[str] = set()  #: digests of the scripts loaded on this connection
        self.lost: Exception | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass: checked by type only

    def send(self, command: Sequence[Arg]) -> asyncio.Future[Reply]:
        future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        if self.lost is not None:
            future.set_exception(self.lost)
            return future
        self._queue(hiredis.pack_command(cast(Any, tuple(command))), future)  # its stub allows one item only
        return future

    def write(self, command: Sequence[Arg]) -> None:
        """``command`` whose answer nobody awaits: an error in it is logged."""
        self._queue(hiredis.pack_command(cast(Any, tuple(command))), None)

    def _queue(self, packed: bytes, future: asyncio.Future[Reply] | None) -> None:
        self._queued.append(packed)
        self._waiting.append(future)
        if not self._flush_planned and not self._unanswered:
            self._plan_flush()

    def _plan_flush(self) -> None:
        self._flush_planned = True
        asyncio.get_running_loop().call_soon(self._flush)

    def evalsha(self, script: Script, keys: Sequence[str], args: Sequence[Arg], *, again: bool = False
                ) -> asyncio.Future[Reply]:  # fmt: skip
        """``script`` by its digest, loaded first on this connection (Redis runs the two in order); ``again``:
        loaded even if it was, because the server answered that it does not know it."""
        if again or script.sha not in self._loaded:
            self._loaded.add(script.sha)
            self.send(("SCRIPT", "LOAD", script.source)).add_done_callback(_log_failure)
        return self.send(("EVALSHA", script.sha, len(keys), *keys, *args))

    def _flush(self) -> None:
        self._flush_planned = False
        queued, self._queued = self._queued, []
        if self._transport is not None and self.lost is None and queued:
            self._unanswered += len(queued)
            self._transport.write(b"".join(queued))

    def data_received(self, data: bytes) -> None:
        self._reader.feed(data)
        while (reply := self._reader.gets()) is not False:
            self._unanswered -= 1
            future = self._waiting.popleft()
            if future is None:
                if isinstance(reply, ResponseError):
                    _log.error("the Redis store could not keep a write: %s", reply)
                continue
            if future.done():  # its caller was cancelled
                continue
            if isinstance(reply, ResponseError):
                future.set_exception(_outage_or(reply))
            else:
                future.set_result(reply)
        if not self._unanswered and self._queued and not self._flush_planned:
            self._plan_flush()  # after the callers just answered, so what they make next goes in this batch

    def connection_lost(self, exc: Exception | None) -> None:
        why = f": {exc}" if exc is not None else ""
        self.lost = RedisConnectionError(f"the connection to Redis was lost{why}")
        self._queued = []
        while self._waiting:
            future = self._waiting.popleft()
            if future is not None and not future.done():
                future.set_exception(self.lost)

    async def settled(self) -> None:
        """Every command asked so far is answered: Redis answers in order, so once a ``PING`` asked now is."""
        if self._waiting:
            await asyncio.wait((self.send(("PING",)),))

    async def finish(self) -> None:
        await self.settled()
        if self._queued:  # made by callers that stopped waiting: written all the same
            self._flush()
        if self._transport is not None:
            self._transport.close()


def _outage_or(error: ResponseError) -> ResponseError | BusyLoadingError:
    """A server still loading its data answers every command with LOADING: an outage, as redis-py reports it."""
    return BusyLoadingError(str(error)) if str(error).startswith("LOADING") else error
