"""Replicas sharing a Redis store: one pub/sub connection and one task per replica read every note
(``redis_notes``) in order and apply the other replicas' changes, events and clock moves."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from mockgateway.clock import iso
from mockgateway.domain.errors import ReplicaTimeout, StoreUnavailable
from mockgateway.outages import Backoff, OutageLog
from mockgateway.service.cluster_ports import PeerChanges
from mockgateway.service.events import Event
from mockgateway.storage.redis_keys import Keys
from mockgateway.storage.redis_notes import (
    Answers,
    GrantSaved,
    Happened,
    Hello,
    Here,
    Listening,
    Move,
    Moved,
    Note,
    OptedIn,
    OptedOut,
    OptOutsCleared,
    Ping,
    Roll,
    TargetsForgotten,
    TargetsSaved,
    decode,
    encode,
)
from mockgateway.storage.redis_outage import OUTAGE, translating_outages
from mockgateway.storage.redis_state import RedisState
from mockgateway.tasks import stop

if TYPE_CHECKING:
    from redis.asyncio import Redis
    from redis.asyncio.client import PubSub

    from mockgateway.service.cluster_ports import Peers

_log = logging.getLogger(__name__)

#: How long (wall clock) an advance waits for every replica to finish one step before it fails.
STEP_TIMEOUT_S = 60.0
#: How long an advance may hold the clock before another may take it (a replica that died holding it).
TURN_TIMEOUT_S = 600.0


@translating_outages
class RedisPeers:
    def __init__(self, redis: Callable[[], Redis], keys: Keys, replica: str, state: RedisState) -> None:
        self._redis = redis
        self._keys = keys
        self.replica = replica
        self._state = state
        self._changes: PeerChanges | None = None
        self._pubsub: PubSub | None = None
        self._reader: asyncio.Task[None] | None = None
        self._outgoing: list[bytes] = []
        self._sender: asyncio.Task[None] | None = None
        self._send_outage = OutageLog(_log, "telling the other replicas what happens here")
        self._pings: dict[str, asyncio.Future[None]] = {}
        self._steps: dict[str, Answers] = {}
        self._listening: frozenset[str] = frozenset()  #: what this replica's listeners want
        self._others: dict[str, frozenset[str]] = {}  #: replica -> what its listeners want

    @property
    def shared(self) -> bool:
        """Only once joined: a gateway that did not open through ``Gateway.open`` moves its own clock alone."""
        return self._changes is not None

    # -- lifetime ---------------------------------------------------------------------------------------
    async def join(self, changes: PeerChanges) -> None:
        self._changes = changes
        pubsub = self._redis().pubsub()
        await pubsub.subscribe(self._keys.notes)
        subscribed = asyncio.get_running_loop().create_future()
        self._pubsub = pubsub
        self._reader = asyncio.create_task(self._read(pubsub, subscribed), name="mockgateway-peers")
        await subscribed  # from here on every note reaches this replica
        self._send(Hello(sender=self.replica))

    async def leave(self) -> None:
        if self._reader is None:
            return
        self._send(Listening(sender=self.replica, kinds=frozenset()))
        with contextlib.suppress(*OUTAGE):  # a Redis that is away hears of it no more
            await self._sent()
        self._changes = None
        await stop(self._reader)
        self._reader = None
        if self._pubsub is not None:
            with contextlib.suppress(*OUTAGE):
                await self._pubsub.aclose()
            self._pubsub = None

    # -- events -----------------------------------------------------------------------------------------
    def forward(self, event: Event) -> None:
        self._send(Happened(sender=self.replica, event=event))

    def listen(self, kinds: frozenset[str]) -> None:
        self._listening = kinds
        self._send(Listening(sender=self.replica, kinds=kinds))

    async def caught_up(self) -> None:
        await self._state.flush()
        await self._sent()
        token = secrets.token_hex(8)
        back = self._pings[token] = asyncio.get_running_loop().create_future()
        try:
            await self._redis().publish(self._keys.notes, encode(Ping(sender=self.replica, token=token)))
            await back
        finally:
            del self._pings[token]

    # -- the clock --------------------------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def clock_turn(self) -> AsyncIterator[None]:
        try:
            async with self._redis().lock(self._keys.clock_turn, timeout=TURN_TIMEOUT_S):
                yield
        except OUTAGE as error:
            raise StoreUnavailable() from error

    async def move_all(self, at: float, *, last: bool) -> list[float | None]:
        def move(step: str) -> Move:
            return Move(sender=self.replica, step=step, at=at, last=last)

        answers = await self._ask_all(move, f"finished moving the clock to {iso(at)}", moves_clock=at)
        if not answers and self._changes is not None:
            # Not even this replica heard it (its subscription is reconnecting after an outage): move here.
            return [await self._changes.clock_moved(at, last=last)]
        return answers

    async def heard_by_all(self) -> None:
        await self._ask_all(lambda step: Roll(sender=self.replica, step=step), "answered")

    async def _ask_all(
        self, ask: Callable[[str], Note], doing: str, moves_clock: float | None = None
    ) -> list[float | None]:
        """Publish ``ask`` and wait for every replica's answer (each one's next due time, for a move)."""
        step = secrets.token_hex(8)
        answers = self._steps[step] = Answers()
        try:
            await self._sent()  # what this replica said before goes first
            async with self._redis().pipeline(transaction=True) as pipe:
                if moves_clock is not None:  # where a replica starting from now on begins
                    pipe.zadd(self._keys.clock, {"clock": moves_clock}, gt=True)
                pipe.publish(self._keys.notes, encode(ask(step)))
                told = (await pipe.execute())[-1]
            answers.expect(int(told))
            try:
                await asyncio.wait_for(asyncio.shield(answers.done), STEP_TIMEOUT_S)
            except TimeoutError:
                got = len(answers.next_due)
                raise ReplicaTimeout(f"{got} of {told} replicas {doing} within {STEP_TIMEOUT_S:g} s") from None
            return answers.next_due
        finally:
            del self._steps[step]

    # -- reading the notes ------------------------------------------------------------------------------
    async def _read(self, pubsub: PubSub, subscribed: asyncio.Future[None]) -> None:
        """Apply the notes as they come; a lost connection is logged once and listened to again (redis-py
        subscribes anew on reconnecting): the notes published meanwhile are lost, so the state they announce is
        read again once subscribed."""
        outage, backoff = OutageLog(_log, "hearing the other replicas"), Backoff()
        while True:
            try:
                async for message in pubsub.listen():
                    outage.recovered()
                    backoff.reset()
                    await self._take(message, subscribed)
            except OUTAGE as error:
                outage.failed(error)
                await asyncio.sleep(backoff.next_delay())

    async def _take(self, message: dict[str, Any], subscribed: asyncio.Future[None]) -> None:
        if message["type"] == "subscribe":
            if subscribed.done():  # again, after a lost connection
                await self._rejoined()
            else:
                subscribed.set_result(None)
        elif message["type"] == "message":
            try:
                await self._apply(decode(message["data"]))
            except Exception:  # one bad note must not stop the others
                _log.exception("a note from another replica could not be applied")

    async def _rejoined(self) -> None:
        """What the notes missed while the connection was lost said is read from Redis; the others hear again
        what this replica's listeners want, and tell again what theirs do."""
        assert self._changes is not None  # joined before reading
        self._send(Listening(sender=self.replica, kinds=self._listening))
        self._send(Hello(sender=self.replica))
        try:
            await self._changes.rejoined()
        except Exception:  # the next notes still apply
            _log.exception("what the other replicas changed could not be read again")

    async def _apply(self, note: Note) -> None:
        changes = self._changes
        assert changes is not None  # joined before reading
        if isinstance(note, Move):
            next_due = await self._moved(note, changes)
            self._send(Moved(sender=self.replica, step=note.step, next_due=next_due))
        elif isinstance(note, Roll):
            self._send(Here(sender=self.replica, step=note.step))
        elif isinstance(note, Moved | Here):
            answers = self._steps.get(note.step)
            if answers is not None:
                answers.add(note.next_due if isinstance(note, Moved) else None)
        elif isinstance(note, Ping):
            back = self._pings.get(note.token)
            if back is not None and not back.done():
                back.set_result(None)
        elif note.sender != self.replica:
            self._apply_theirs(note, changes)

    @staticmethod
    async def _moved(move: Move, changes: PeerChanges) -> float | None:
        try:
            return await changes.clock_moved(move.at, last=move.last)
        except Exception:  # answered all the same: the advance must not wait for this replica in vain
            _log.exception("moving the clock to %s failed on this replica", iso(move.at))
            return None

    def _apply_theirs(self, note: Note, changes: PeerChanges) -> None:
        if isinstance(note, Happened):
            changes.happened(note.event)
        elif isinstance(note, OptedOut):
            changes.opted_out(note.opt_out)
        elif isinstance(note, OptedIn):
            changes.opted_in(note.account, note.number)
        elif isinstance(note, OptOutsCleared):
            changes.opt_outs_cleared()
        elif isinstance(note, TargetsSaved):
            changes.targets_saved(note.override)
        elif isinstance(note, TargetsForgotten):
            changes.targets_forgotten(note.account)
        elif isinstance(note, GrantSaved):
            changes.grant_saved(note.grant)
        elif isinstance(note, Listening):
            self._heard_listening(note, changes)
        elif isinstance(note, Hello):
            self._send(Listening(sender=self.replica, kinds=self._listening))

    def _heard_listening(self, note: Listening, changes: PeerChanges) -> None:
        if note.kinds:
            self._others[note.sender] = note.kinds
        else:
            self._others.pop(note.sender, None)
        changes.others_listen(frozenset().union(*self._others.values()))

    # -- sending ----------------------------------------------------------------------------------------
    def _send(self, note: Note) -> None:
        """Publish ``note`` soon, in order with this replica's other notes (a turn's notes go in one round trip)."""
        if self._changes is None:  # not joined, or left: the others do not count on this replica
            return
        self._outgoing.append(encode(note))
        if self._sender is None or self._sender.done():
            self._sender = asyncio.get_running_loop().create_task(self._send_all())

    async def _sent(self) -> None:
        while self._sender is not None and not self._sender.done():
            await asyncio.shield(self._sender)

    async def _send_all(self) -> None:
        while self._outgoing:
            batch, self._outgoing = self._outgoing, []
            try:
                async with self._redis().pipeline(transaction=False) as pipe:
                    for raw in batch:
                        pipe.publish(self._keys.notes, raw)
                    await pipe.execute()
            except OUTAGE as error:  # the others miss these events; this replica goes on
                self._send_outage.failed(error)
            except Exception:
                _log.exception("notes to the other replicas could not be published")
            else:
                self._send_outage.recovered()


if TYPE_CHECKING:

    def _is_peers(peers: RedisPeers) -> Peers:
        return peers  # mypy proves the class fits the port
