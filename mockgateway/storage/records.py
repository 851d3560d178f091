"""Callback deliveries and scheduled jobs as flat rows of str/int/float/bytes/None, for both stores.

Flat tuples of atomics are left alone by Python's cyclic garbage collector, and SQLite stores the same columns.
"""

from __future__ import annotations

from typing import TypeAlias

import orjson

from mockgateway.domain.model import Attempt, Delivery, DeliveryState, HttpCall, MessageStatus, OAuth2Credentials
from mockgateway.scenario.model import PlannedReply, PlannedStatus
from mockgateway.service.scheduler import Job

Record: TypeAlias = tuple[str | int | float | bytes | None, ...]

DELIVERY_COLUMNS = (
    "id", "account", "kind", "subject_id", "message_id", "method", "url", "body", "content_type", "oauth2",
    "created_at", "state", "attempts", "next_attempt_at", "delivered_at", "kept_from",
)  # fmt: skip
JOB_COLUMNS = ("key", "message_id", "due_at", "part_index", "status", "reason", "code", "text", "sender")


def delivery_kept_from(d: Delivery) -> float | None:
    """When a delivery's retention starts: once it is finished; a PENDING one is kept for good."""
    if d.state is DeliveryState.PENDING:
        return None
    if d.state is DeliveryState.DELIVERED and d.delivered_at is not None:
        return d.delivered_at
    return d.attempts[-1].at if d.attempts else d.created_at


def delivery_to_record(d: Delivery) -> Record:
    call = d.call
    oauth = call.oauth2
    return (
        d.id, d.account, d.kind, d.subject_id, d.message_id, call.method, call.url, call.body, call.content_type,
        orjson.dumps([oauth.client_id, oauth.client_secret, oauth.token_url]).decode() if oauth else None,
        d.created_at, d.state.value,
        orjson.dumps([[a.at, a.status, a.latency_ms, a.error] for a in d.attempts]).decode() if d.attempts else None,
        d.next_attempt_at, d.delivered_at, delivery_kept_from(d),
    )  # fmt: skip


def record_to_delivery(r: Record) -> Delivery:
    (id_, account, kind, subject_id, message_id, method, url, body, content_type, oauth, created_at, state,
     attempts, next_attempt_at, delivered_at, _kept) = r  # fmt: skip
    return Delivery(
        id=str(id_),
        account=str(account),
        kind=str(kind),
        subject_id=str(subject_id),
        message_id=None if message_id is None else str(message_id),
        call=HttpCall(
            method=str(method),
            url=str(url),
            body=body if isinstance(body, bytes) else str(body or "").encode(),
            content_type=None if content_type is None else str(content_type),
            oauth2=OAuth2Credentials(*orjson.loads(str(oauth))) if oauth else None,
        ),
        created_at=_float(created_at),
        state=DeliveryState(str(state)),
        attempts=tuple(Attempt(*item) for item in orjson.loads(str(attempts))) if attempts else (),
        next_attempt_at=None if next_attempt_at is None else _float(next_attempt_at),
        delivered_at=None if delivered_at is None else _float(delivered_at),
    )


def delivery_matches(record: Record, account: str | None, message_id: str | None, kind: str | None,
                     state: str | None) -> bool:  # fmt: skip
    return (
        (account is None or record[1] == account)
        and (kind is None or record[2] == kind)
        and (message_id is None or record[4] == message_id)
        and (state is None or record[11] == state.upper())
    )


def job_to_record(job: Job) -> Record:
    action = job.action
    if isinstance(action, PlannedStatus):
        return (job.key, job.message_id, action.due_at, action.part_index, action.status.value, action.reason,
                action.code, None, None)  # fmt: skip
    return (job.key, job.message_id, action.due_at, None, None, None, None, action.text, action.sender)


def record_to_job(r: Record) -> Job:
    key, message_id, due_at, part_index, status, reason, code, text, sender = r
    action: PlannedStatus | PlannedReply
    if status is not None:
        action = PlannedStatus(
            due_at=_float(due_at),
            part_index=int(part_index or 0),
            status=MessageStatus(str(status)),
            reason=None if reason is None else str(reason),
            code=None if code is None else str(code),
        )
    else:
        action = PlannedReply(due_at=_float(due_at), text=str(text or ""), sender=str(sender or ""))
    return Job(str(message_id), action, key=str(key))


def _float(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0
