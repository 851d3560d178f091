"""The SQLite store's columns, and one converter pair per value (state values included): the struct to its
columns and back.

The only place that knows the order of a table's columns. Repeating compound fields (callback targets,
options, attempts) are msgspec JSON text; enum members go in as their values. ``insert`` and ``where_clause``
build the statements' column lists and WHERE clauses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias

import msgspec

from mockgateway.domain.job import Job
from mockgateway.domain.model import (
    Attempt,
    CallbackTarget,
    Delivery,
    DeliveryState,
    Encoding,
    HttpCall,
    Message,
    MessageStatus,
    MoMessage,
    Notification,
    OAuth2Credentials,
    Options,
)
from mockgateway.domain.state import Grant, OptOut, OptOutVia, TargetOverride

Row: TypeAlias = tuple[Any, ...]

#: A message's, a notification's and an MO's columns are its fields, in order.
MESSAGE_COLUMNS = Message.__struct_fields__
NOTIFICATION_COLUMNS = Notification.__struct_fields__
MO_COLUMNS = MoMessage.__struct_fields__
JOB_COLUMNS = ("key", "message_id", "due_at", "part_index", "status", "reason", "code", "text", "sender")
DELIVERY_COLUMNS = (
    "id", "account", "kind", "subject_id", "message_id", "method", "url", "body", "content_type", "oauth2",
    "created_at", "state", "attempts", "next_attempt_at", "delivered_at", "kept_from",
)  # fmt: skip
OPT_OUT_COLUMNS = ("account", "number", "at", "via")
TARGET_COLUMNS = ("account", "provider", "status", "mo")
GRANT_COLUMNS = (
    "access_token", "refresh_token", "account", "scope", "client", "issued_at", "expires_at", "refresh_expires_at",
    "refresh_spent",
)  # fmt: skip
#: The key of an account-wide override: a column of a primary key cannot be NULL.
_ACCOUNT_WIDE = ""

_encode = msgspec.json.Encoder().encode
_target = msgspec.json.Decoder(CallbackTarget).decode
_targets = msgspec.json.Decoder(tuple[CallbackTarget, ...]).decode
_options = msgspec.json.Decoder(Options).decode
_attempts = msgspec.json.Decoder(tuple[Attempt, ...]).decode
_oauth2 = msgspec.json.Decoder(OAuth2Credentials).decode


def _json(value: object) -> str | None:
    return _encode(value).decode() if value else None


def insert(table: str, columns: Sequence[str], verb: str = "INSERT") -> str:
    """``<verb> INTO <table> (<columns>) VALUES (?, ...)``, one placeholder per column."""
    return f"{verb} INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def where_clause(conditions: Sequence[tuple[str, Any]]) -> tuple[str, list[Any]]:
    """The WHERE clause of the conditions whose value is given, and its arguments; a list fills an ``IN (...)``."""
    clauses: list[str] = []
    args: list[Any] = []
    for clause, value in conditions:
        if value is not None:
            clauses.append(clause)
            args.extend(value if isinstance(value, list) else [value])
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


# -- messages -------------------------------------------------------------------------------------
def message_row(m: Message) -> Row:
    return (
        m.id, m.account, m.provider, m.destination, m.origin, m.text, m.encoding.value, " ".join(m.part_ids),
        m.created_at, m.status.value, m.client_ref, m.validity_s, int(m.handset_ack), _json(m.callbacks),
        _json(m.options), m.scenario, m.status_at, m.reason,
        " ".join(m.part_statuses) if m.part_statuses else None, m.revision,
    )  # fmt: skip


def row_message(row: Row) -> Message:
    m = dict(zip(MESSAGE_COLUMNS, row, strict=True))
    m.update(
        encoding=Encoding(m["encoding"]),
        part_ids=tuple(m["part_ids"].split(" ")),
        status=MessageStatus(m["status"]),
        handset_ack=bool(m["handset_ack"]),
        callbacks=_targets(m["callbacks"]) if m["callbacks"] else (),
        options=_options(m["options"]) if m["options"] else (),
        part_statuses=tuple(map(MessageStatus, m["part_statuses"].split(" "))) if m["part_statuses"] else (),
    )
    return Message(**m)


# -- notifications and MOs ------------------------------------------------------------------------
#: A notification's or an MO's fields as they are: SQLite keeps a bool as 0 or 1, and a ``StrEnum`` as its text.
notification_row = msgspec.structs.astuple
mo_row = msgspec.structs.astuple


def row_notification(row: Row) -> Notification:
    n = dict(zip(NOTIFICATION_COLUMNS, row, strict=True))
    n.update(status=MessageStatus(n["status"]), retriable=None if n["retriable"] is None else bool(n["retriable"]))
    return Notification(**n)


def row_mo(row: Row) -> MoMessage:
    return MoMessage(**dict(zip(MO_COLUMNS, row, strict=True)))


# -- callback deliveries --------------------------------------------------------------------------
def delivery_row(d: Delivery, kept_from: float | None) -> Row:
    call = d.call
    return (
        d.id, d.account, d.kind, d.subject_id, d.message_id, call.method, call.url, call.body, call.content_type,
        _json(call.oauth2), d.created_at, d.state.value, _json(d.attempts), d.next_attempt_at, d.delivered_at,
        kept_from,
    )  # fmt: skip


def row_delivery(row: Row) -> Delivery:
    d = dict(zip(DELIVERY_COLUMNS, row, strict=True))
    call = {column: d.pop(column) for column in ("method", "url", "body", "content_type", "oauth2")}
    call["oauth2"] = _oauth2(call["oauth2"]) if call["oauth2"] else None
    del d["kept_from"]  # the store's own column
    d.update(
        call=HttpCall(**call),
        state=DeliveryState(d["state"]),
        attempts=_attempts(d["attempts"]) if d["attempts"] else (),
    )
    return Delivery(**d)


# -- pending jobs ----------------------------------------------------------------------------------
def job_to_record(job: Job) -> Row:
    # Its status, a StrEnum, is kept as its text.
    return (job.key, job.message_id, job.due_at, job.part_index, job.status, job.reason, job.code, job.text, job.sender)


def record_to_job(record: Row) -> Job:
    job = dict(zip(JOB_COLUMNS, record, strict=True))
    key = job.pop("key")
    job.update(
        step=int(key.rpartition(":")[2]),  # the key is "<message id>:<step>"
        due_at=float(job["due_at"]),
        status=None if job["status"] is None else MessageStatus(job["status"]),
    )
    return Job(**job)


# -- state: opt-outs, callback targets, grants ----------------------------------------------------
def opt_out_to_row(opt_out: OptOut) -> Row:
    return (opt_out.account, opt_out.number, opt_out.at, opt_out.via.value)


def row_to_opt_out(row: Row) -> OptOut:
    account, number, at, via = row
    return OptOut(account=account, number=number, at=float(at), via=OptOutVia(via))


def override_to_row(override: TargetOverride) -> Row:
    provider = _ACCOUNT_WIDE if override.provider is None else override.provider
    return (override.account, provider, _json(override.status), _json(override.mo))


def row_to_override(row: Row) -> TargetOverride:
    account, provider, status, mo = row
    return TargetOverride(
        account=account,
        provider=None if provider == _ACCOUNT_WIDE else provider,
        status=_target(status) if status else None,
        mo=_target(mo) if mo else None,
    )


def grant_to_row(grant: Grant) -> Row:
    return tuple(getattr(grant, column) for column in GRANT_COLUMNS)  # SQLite keeps a bool as 0 or 1


def row_to_grant(row: Row) -> Grant:
    grant = dict(zip(GRANT_COLUMNS, row, strict=True))
    grant.update(
        {column: float(grant[column]) for column in ("issued_at", "expires_at", "refresh_expires_at")},
        refresh_spent=bool(grant["refresh_spent"]),
    )
    return Grant(**grant)
