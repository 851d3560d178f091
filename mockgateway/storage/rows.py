"""Messages as flat tuples of str/int/float/None.

Such tuples are untracked by Python's cyclic garbage collector once it has seen them, so a store holding
hundreds of thousands of them adds nothing to collection pauses; SQLite stores the same rows.

Columns that repeat from message to message because they come from a client's configuration (options,
callback targets, origin, part statuses) are interned: rows then share one string instead of holding a copy
each. Interned strings are freed with their last row.
"""

from __future__ import annotations

from functools import lru_cache
from sys import intern
from typing import Any, TypeAlias

import orjson

from mockgateway.domain import lifecycle
from mockgateway.domain.model import (
    ENCODINGS,
    STATUSES,
    VALUE_OF,
    CallbackTarget,
    Message,
    MessageStatus,
    OAuth2Credentials,
    Options,
)

Row: TypeAlias = tuple[str | int | float | None, ...]
_ACCEPTED = MessageStatus.ACCEPTED  # a plain name: ``MessageStatus.X`` is a Python-level call on Python 3.11

COLUMNS = (
    "id", "account", "provider", "destination", "origin", "text", "encoding", "part_ids", "created_at",
    "status", "client_ref", "validity_s", "handset_ack", "callbacks", "options", "scenario", "status_at",
    "reason", "part_statuses",
)  # fmt: skip
ACCOUNT, PART_IDS, CREATED_AT, STATUS, HANDSET_ACK, STATUS_AT, REASON, PART_STATUSES = map(
    COLUMNS.index,
    ("account", "part_ids", "created_at", "status", "handset_ack", "status_at", "reason", "part_statuses"),
)


def message_to_row(m: Message) -> Row:
    # Unpacked, not read field by field: a named tuple's field is a descriptor lookup, and there are 19.
    (id_, account, provider, destination, origin, text, encoding, part_ids, created_at, status, client_ref,
     validity_s, handset_ack, callbacks, options, scenario, status_at, reason, part_statuses) = m  # fmt: skip
    return (
        id_, account, provider, destination, _intern(origin), text, VALUE_OF[encoding], " ".join(part_ids),
        created_at, VALUE_OF[status], client_ref, validity_s, int(handset_ack), _dump_callbacks(callbacks),
        intern(orjson.dumps(options).decode()) if options else None, scenario, status_at, reason,
        intern(" ".join(part_statuses)) if part_statuses else None,
    )  # fmt: skip


def row_to_message(row: Row) -> Message:
    # The columns are as ``message_to_row`` wrote them (SQLite gives the same types back), so they go into the
    # message as they are: a due notification reads its message every time, and 19 conversions add up.
    columns: Any = row
    (id_, account, provider, destination, origin, text, encoding, part_ids, created_at, status, client_ref,
     validity_s, handset_ack, callbacks, options, scenario, status_at, reason, part_statuses) = columns  # fmt: skip
    return Message(  # positional: the columns are the fields, in the same order
        id_, account, provider, destination, origin, text, ENCODINGS[encoding], _split(part_ids), created_at or 0.0,
        STATUSES[status], client_ref, validity_s, bool(handset_ack), _load_callbacks(callbacks) if callbacks else (),
        _load_options(options) if options else (), scenario, status_at, reason,
        _load_statuses(part_statuses) if part_statuses else (),
    )  # fmt: skip


def with_part_status(row: Row, index: int, status: MessageStatus, at: float, reason: str | None) -> Row | None:
    """``row`` after part ``index`` moved to ``status`` at ``at``; ``None`` when the lifecycle does not allow it.

    The message's status follows from its parts; a ``reason`` replaces the stored one. The other columns are
    the row's own, so a status change costs neither decoding nor encoding the message.
    """
    raw = row[PART_STATUSES]
    parts = _load_statuses(str(raw)) if raw else (_ACCEPTED,) * (str(row[PART_IDS]).count(" ") + 1)
    if not lifecycle.allowed(parts[index], status, bool(row[HANDSET_ACK])):
        return None
    if len(parts) == 1:  # most messages: the part's status is the message's, and its value is the whole column
        overall = joined = VALUE_OF[status]
    else:
        parts = (*parts[:index], status, *parts[index + 1 :])
        overall, joined = VALUE_OF[lifecycle.overall(parts)], intern(" ".join(parts))
    # status_at, reason and part_statuses are the last three columns
    return (*row[:STATUS], overall, *row[STATUS + 1 : STATUS_AT], at, reason or row[REASON], joined)


def _split(part_ids: str) -> tuple[str, ...]:
    return (part_ids,) if " " not in part_ids else tuple(part_ids.split(" "))


@lru_cache(maxsize=1024)
def _load_statuses(raw: str) -> tuple[MessageStatus, ...]:
    return tuple(STATUSES[part] for part in raw.split(" "))


def _intern(value: str | None) -> str | None:
    return None if value is None else intern(value)


# id(targets) -> (targets, their JSON). A client's requests share one targets tuple (the dialects cache them), so
# identity finds it without hashing the targets (a Python-level dataclass hash); holding it keeps the id unique.
_DUMPED: dict[int, tuple[tuple[CallbackTarget, ...], str]] = {}


def _dump_callbacks(targets: tuple[CallbackTarget, ...]) -> str | None:
    if not targets:
        return None
    known = _DUMPED.get(id(targets))
    if known is not None and known[0] is targets:
        return known[1]
    dumped = _dump_some_callbacks(targets)
    if len(_DUMPED) >= 1024:
        _DUMPED.clear()
    _DUMPED[id(targets)] = (targets, dumped)
    return dumped


# Targets hold only strings, so equal keys are equal values; a client sends the same few again and again.
@lru_cache(maxsize=1024)
def _dump_some_callbacks(targets: tuple[CallbackTarget, ...]) -> str:
    return intern(
        orjson.dumps(
            [
                [t.url, *((t.oauth2.client_id, t.oauth2.client_secret, t.oauth2.token_url) if t.oauth2 else ())]
                for t in targets
            ]
        ).decode()
    )


# Keyed by the stored JSON text, so equal keys always mean equal values (options mix bools and ints,
# which a cache keyed by the decoded tuples would confuse: True == 1). The results are immutable.
@lru_cache(maxsize=1024)
def _load_callbacks(raw: str) -> tuple[CallbackTarget, ...]:
    targets = []
    for url, *oauth in orjson.loads(raw):
        targets.append(CallbackTarget(url, OAuth2Credentials(*oauth) if oauth else None))
    return tuple(targets)


@lru_cache(maxsize=1024)
def _load_options(raw: str) -> Options:
    return tuple((str(key), value) for key, value in orjson.loads(raw))
