"""The Redis store's key names and value codecs.

Everything lives under one prefix. ``{prefix}d:`` holds the data ``Store.clear`` forgets (messages, events,
deliveries, pending jobs); ``{prefix}s:`` the state port's keys; ``{prefix}m:`` counters that outlive a clear.
Times are sorted-set scores on the gateway clock, so retention and due jobs are range queries on scores.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar, cast

import msgspec

from mockgateway.domain.job import Job
from mockgateway.domain.model import Delivery, Message, MoMessage, Notification
from mockgateway.domain.state import Grant, OptOut, TargetOverride

T = TypeVar("T")
_encoder = msgspec.msgpack.Encoder()


class Codec(Generic[T]):
    """One value type to msgpack bytes and back."""

    def __init__(self, kind: type[T]) -> None:
        self._decoder = msgspec.msgpack.Decoder(kind)

    @staticmethod
    def encode(value: T) -> bytes:
        return _encoder.encode(value)

    def decode(self, raw: Any) -> T:
        """``raw``: a reply of redis-py, bytes without ``decode_responses`` whatever its annotations say."""
        return self._decoder.decode(cast(bytes, raw))


MESSAGE = Codec(Message)
NOTIFICATION = Codec(Notification)
MO = Codec(MoMessage)
DELIVERY = Codec(Delivery)
JOB = Codec(Job)
OPT_OUT = Codec(OptOut)
TARGETS = Codec(TargetOverride)
GRANT = Codec(Grant)


class Keys:
    """Key names under ``prefix``; methods name the per-account and per-order keys."""

    def __init__(self, prefix: str) -> None:
        data = f"{prefix}d:"
        self.data_pattern = _glob_escaped(data) + "*"
        # -- messages: a hash per message (encoded value and revision), newest-first order, retention
        self.message_prefix = f"{data}msg:"
        self.message_order = f"{data}msgs"  #: message ids scored by arrival sequence
        self.message_kept = f"{data}msgs:kept"  #: message ids scored by their retention start
        self.message_parked = f"{data}msgs:parked"  #: ids with pending jobs, scored by their retention start
        self.message_account_prefix = f"{data}msgs:a:"
        # -- notifications and MOs: values by arrival member, time-ordered series, retention by id
        self.notifications = EventKeys(f"{data}ntf:")
        self.mos = EventKeys(f"{data}mo:")
        # -- callback deliveries
        self.deliveries = f"{data}dlv"  #: hash id -> value
        self.delivery_order = f"{data}dlv:order"  #: ids scored by first-save sequence
        self.delivery_kept = f"{data}dlv:kept"  #: finished ids scored by their retention start
        self.delivery_account_prefix = f"{data}dlv:a:"
        self.delivery_message_prefix = f"{data}dlv:m:"
        # -- pending jobs: an entry per message, claimable later by a script popping the earliest from ``jobs_due``
        self.jobs_due = f"{data}jobs:due"  #: message ids scored by their next job's due time
        self.jobs_of_prefix = f"{data}jobs:of:"  #: per message: hash "<due time> <step>" -> its job's value
        self.jobs_of_pattern = _glob_escaped(self.jobs_of_prefix) + "*"
        # -- counters kept across a clear
        self.sequence = f"{prefix}m:seq"
        self.numeric_high = f"{prefix}m:high"  #: sorted set of one member: raised with ZADD GT
        self.generation = f"{prefix}m:generation"
        # -- the state port
        self.opt_outs = f"{prefix}s:optouts"  #: hash account\\0number -> value
        self.targets = f"{prefix}s:targets"  #: hash account\\0provider -> value
        self.target_order = f"{prefix}s:targets:order"  #: fields scored by save sequence
        self.grants = f"{prefix}s:grants"  #: hash token -> value
        self.grant_expiry = f"{prefix}s:grants:until"  #: tokens scored by when the grant may go
        self.clock = f"{prefix}s:clock"  #: sorted set of one member: raised with ZADD GT
        # -- work shared by replicas: claimed jobs, leased callbacks, heartbeats (``redis_work``)
        self.replicas = f"{prefix}w:replicas"  #: ids of the replicas that hold or held work
        self.clock_kind = f"{prefix}w:clock"  #: "real" or "virtual": the clock the replicas now running share
        self.alive_prefix = f"{prefix}w:alive:"  #: per replica: its heartbeat, gone when it stops beating
        self.running_prefix = f"{data}jobs:run:"  #: per replica: the message ids it claimed, scored by due time
        self.owned_prefix = f"{data}dlv:own:"  #: per replica: the pending deliveries it holds
        self.released = f"{data}dlv:released"  #: pending deliveries no replica holds
        # -- replicas sharing the store: their notes to each other, one clock advance at a time, tokens read
        self.notes = f"{prefix}c:notes"  #: the pub/sub channel of every replica (see ``redis_notes``)
        self.clock_turn = f"{prefix}s:clock:turn"  #: the lock an advance holds
        self.grant_refresh = f"{prefix}s:grants:refresh"  #: hash unspent refresh token -> its access token
        # -- what providers' APIs count per account, one count for every replica
        self.handed_out = f"{prefix}s:handed"  #: account\0pull\0id, scored by when it was handed out
        self.credits_spent = f"{prefix}s:credits"  #: hash provider\0account -> credits spent

    def message(self, message_id: str) -> str:
        return self.message_prefix + message_id

    def messages_of(self, account: str) -> str:
        return self.message_account_prefix + account

    def deliveries_of(self, account: str) -> str:
        return self.delivery_account_prefix + account

    def deliveries_for(self, message_id: str) -> str:
        return self.delivery_message_prefix + message_id

    def jobs_of(self, message_id: str) -> str:
        return self.jobs_of_prefix + message_id

    def alive(self, replica: str) -> str:
        return self.alive_prefix + replica

    def running(self, replica: str) -> str:
        return self.running_prefix + replica

    def owned(self, replica: str) -> str:
        return self.owned_prefix + replica


class EventKeys:
    """Notifications or MOs: members are zero-padded arrival numbers, so equal times list in arrival order."""

    def __init__(self, base: str) -> None:
        self.values = f"{base}v"  #: hash member -> value
        self.members = f"{base}ids"  #: hash id -> member
        self.kept = f"{base}kept"  #: ids scored by retention start
        self.all = f"{base}all"  #: members scored by time
        self._account = f"{base}a:"
        self._status = f"{base}s:"
        self._order = f"{base}o:"

    def of(self, account: str) -> str:
        return self._account + account

    def with_status(self, account: str, status: str) -> str:
        return f"{self._status}{account}\0{status}"

    def of_order(self, part_id: str) -> str:
        return self._order + part_id


def names(found: Any) -> list[bytes]:
    """A reply listing members or fields: redis-py's annotations cover every reply mode, and without
    ``decode_responses`` these are bytes."""
    return cast(list[bytes], found)


def scored(found: Any) -> list[tuple[bytes, float]]:
    """A ``withscores`` reply."""
    return cast(list[tuple[bytes, float]], found)


def pair(first: str, second: str | None) -> str:
    """One hash field for two names (NUL cannot occur in either)."""
    return f"{first}\0{second or ''}"


def _glob_escaped(text: str) -> str:
    return "".join("\\" + c if c in "*?[]\\" else c for c in text)
