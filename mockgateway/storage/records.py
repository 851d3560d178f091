"""Callback deliveries and scheduled jobs as flat rows of str/int/float/bytes/None, for both stores.

Flat tuples of atomics are left alone by Python's cyclic garbage collector, and SQLite stores the same columns.
"""

from __future__ import annotations

from typing import TypeAlias

import orjson

from mockgateway.domain.model import VALUE_OF, Attempt, Delivery, DeliveryState, HttpCall, OAuth2Credentials, Outcome

Record: TypeAlias = tuple[str | int | float | bytes | None, ...]

DELIVERY_COLUMNS = (
    "id", "account", "kind", "subject_id", "message_id", "method", "url", "body", "content_type", "oauth2",
    "created_at", "state", "attempts", "next_attempt_at", "delivered_at", "kept_from",
)  # fmt: skip
KIND, SUBJECT_ID, MESSAGE_ID, CREATED_AT, STATE, KEPT_FROM = map(
    DELIVERY_COLUMNS.index, ("kind", "subject_id", "message_id", "created_at", "state", "kept_from")
)
JOB_COLUMNS = ("key", "message_id", "due_at", "part_index", "status", "reason", "code", "text", "sender")


# Plain names: on Python 3.11 ``DeliveryState.PENDING`` costs a descriptor call, and every callback saves its
# delivery twice.
_PENDING, _DELIVERED = DeliveryState.PENDING, DeliveryState.DELIVERED


def kept_from(
    state: DeliveryState, attempts: tuple[Attempt, ...], created_at: float, delivered_at: float | None
) -> float | None:
    """When a delivery's retention starts: once it is finished; a PENDING one is kept for good."""
    if state is _PENDING:
        return None
    if state is _DELIVERED and delivered_at is not None:
        return delivered_at
    return attempts[-1].at if attempts else created_at


def record_kept_from(record: Record) -> float | None:
    """``kept_from`` of the delivery ``record`` holds, as ``delivery_to_record`` worked it out."""
    kept = record[KEPT_FROM]
    return None if kept is None else float(kept)


def delivery_to_record(d: Delivery) -> Record:
    # Unpacked, not read field by field: every pushed callback is saved this way once, before its attempt.
    (id_, account, kind, subject_id, message_id, (method, url, body, content_type, oauth), created_at, state,
     attempts, next_attempt_at, delivered_at) = d  # fmt: skip
    return (
        id_, account, kind, subject_id, message_id, method, url, body, content_type,
        orjson.dumps([oauth.client_id, oauth.client_secret, oauth.token_url]).decode() if oauth else None,
        created_at, VALUE_OF[state], _attempts_json(attempts), next_attempt_at, delivered_at,
        kept_from(state, attempts, created_at, delivered_at),
    )  # fmt: skip


def with_outcome(record: Record, outcome: Outcome) -> Record:
    """The delivery ``record`` holds, after an attempt: what ``delivery_to_record`` of the updated one gives."""
    state, attempts, next_attempt_at, delivered_at = outcome
    kept = kept_from(state, attempts, _float(record[CREATED_AT]), delivered_at)
    return (*record[:STATE], VALUE_OF[state], _attempts_json(attempts), next_attempt_at, delivered_at, kept)


def _attempts_json(attempts: tuple[Attempt, ...]) -> str | None:
    # Each Attempt as the array of its fields, (at, status, latency_ms, error): orjson hands named tuples to
    # ``default``, and that is quicker than converting them first.
    return orjson.dumps(attempts, default=tuple).decode() if attempts else None


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


def _float(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0
