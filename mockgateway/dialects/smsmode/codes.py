"""smsmode status codes (``statut``) for core events, read from the catalogue in ``domain.reasons``.

smsmode reports one status per recipient, not per part: a long message is "partially delivered" (12) or
"partially received" (15) until every part is, and a part whose change leaves the recipient's status as it
was sends no second report.
"""

from __future__ import annotations

from collections.abc import Sequence

from mockgateway.dialects.smsmode.wire import PROVIDER
from mockgateway.domain.model import Message, MessageStatus, Notification
from mockgateway.domain.reasons import find_code, is_class_code, notification_code

S = MessageStatus
SCHEDULED = "10"
IN_PROGRESS = "1"
DELIVERED = "14"
RECEIVED = "11"
#: Codes of messages that never left smsmode: nothing is billed for them.
NOT_BILLED = frozenset({"2", "31", "32", "33", "34", "35", "36", "38", "3998", "3999"})
_DELIVERED = frozenset({S.DELIVERED, S.RECEIVED})
#: Per status that ends a part: the statuses of the other parts that end the recipient the same way, and the code
#: while some do not yet ("partially delivered", "partially received").
_PARTIAL = {S.DELIVERED: (_DELIVERED, "12"), S.RECEIVED: (frozenset({S.RECEIVED}), "15")}
#: Canonical reasons the REST API reports as REJECTED rather than UNDELIVERABLE.
_REJECTIONS = ("operator_blocked", "spam", "content_rejected", "blocked_recipient", "subscriber_barred")
_FAILED_VALUES = {"validity_expired": "EXPIRED", **dict.fromkeys(_REJECTIONS, "REJECTED")}


def description(code: str) -> str:
    row = find_code(PROVIDER, code)
    return row.description if row else "Unknown status"


def wire_code(message: Message, n: Notification) -> str:
    """The ``statut`` for ``n``: the scenario's or reason's code, else the catalogue's code for the status."""
    partial = _PARTIAL.get(n.status)
    if n.code is None and partial is not None and len(message.part_ids) > 1:
        done, code = partial
        if not all(p in done for p in _parts(message)):
            return code
    return notification_code(PROVIDER, n.status, n.reason, n.code) or IN_PROGRESS


def changes_recipient_status(message: Message, n: Notification) -> bool:
    """Whether ``n`` (one part's change) changes what smsmode reports for the whole recipient."""
    others = [status for index, status in enumerate(_parts(message)) if index != n.part_index]
    if not others:
        return True
    if S.FAILED in others:  # the recipient's answer is already final: a failure
        return False
    if n.status is S.SENT:
        return all(p is S.ACCEPTED for p in others)
    if n.status in _PARTIAL:
        done = [p in _PARTIAL[n.status][0] for p in others]
        return all(done) or not any(done)  # 14 (11) once all are, 12 (15) for the first one
    if n.status is S.RETRYING:
        return S.RETRYING not in others
    return True


def current_code(message: Message, events: Sequence[Notification], now: float) -> str:
    """What a status poll reports for one recipient: 10/1 before its first report, its final answer once every
    part is final (a failed part's code when one failed, whichever part reported last), else its latest report."""
    if not events:
        return SCHEDULED if message.created_at > now else IN_PROGRESS
    parts = _parts(message)
    if S.FAILED in parts and all(p.is_final for p in parts):
        return wire_code(message, next(n for n in reversed(events) if n.status is S.FAILED))
    latest = wire_code(message, events[-1])
    if all(p.is_final for p in parts) and not _is_final(latest):  # "partially ..." of the last part's report
        return RECEIVED if all(p is S.RECEIVED for p in parts) else DELIVERED
    return latest


def batch_code(codes: Sequence[str]) -> str:
    """One code for a send to several recipients: theirs when they agree; "in progress" while any is not
    final; once all are, the first failure when any failed, else delivered."""
    if len(set(codes)) == 1:
        return codes[0]
    if not all(_is_final(code) for code in codes):
        return IN_PROGRESS
    failures = [code for code in codes if is_class_code(PROVIDER, code, S.FAILED)]
    return failures[0] if failures else DELIVERED


def cost(message: Message, code: str) -> int:
    """Credits billed: one per part, none when the message never left smsmode."""
    return 0 if code in NOT_BILLED else len(message.part_ids)


def rest_value(status: MessageStatus, reason: str | None, scheduled: bool = False) -> str:
    """The REST API's ``status.value``, in SMPP message-state words."""
    if status is S.ACCEPTED:
        return "SCHEDULED" if scheduled else "ENROUTE"
    if status in _DELIVERED:
        return "DELIVERED"
    if status is S.FAILED:
        return _FAILED_VALUES.get(reason or "", "UNDELIVERABLE")
    return "ENROUTE"


def _is_final(code: str) -> bool:
    row = find_code(PROVIDER, code)
    return row is not None and row.status.is_final


def _parts(message: Message) -> list[MessageStatus]:
    return [message.part_status(index) for index in range(len(message.part_ids))]
