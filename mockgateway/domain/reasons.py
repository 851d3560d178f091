"""The catalogue: canonical failure reasons and every provider code, in one table of data.

Each row of ``CODES`` is a provider's code with the core status it stands for and, for negatives, the
canonical reason. The row's status puts the code in one of four classes (``StatusClass``), as the provider's
own document groups its codes, and a notification only ever carries a code of its status's class: a reason
refines the code within that class and never moves it to another. A reason's code for a provider and status
is the first row naming the provider and the reason in the status's class; a failure with no such row uses
the provider's ``FALLBACK`` code. A status's code, when no reason says otherwise, is the provider's row
marked ``default``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from mockgateway.domain.model import MessageStatus

S = MessageStatus
PROVIDERS = ("livelink", "textapp", "mobivate", "smsmode")


class StatusClass(StrEnum):
    """What a notification tells the customer, in the four kinds every provider's documents share."""

    PROGRESS = "progress"  #: on its way, nothing wrong so far
    TEMPORARY = "temporary"  #: not delivered yet and being retried: wait, do not resend
    FINAL_POSITIVE = "final positive"  #: delivered; nothing follows
    FINAL_NEGATIVE = "final negative"  #: not delivered and not retried any more


STATUS_CLASSES: dict[MessageStatus, StatusClass] = {
    S.ACCEPTED: StatusClass.PROGRESS,
    S.SENT: StatusClass.PROGRESS,
    S.RETRYING: StatusClass.TEMPORARY,
    S.DELIVERED: StatusClass.FINAL_POSITIVE,
    S.RECEIVED: StatusClass.FINAL_POSITIVE,
    S.FAILED: StatusClass.FINAL_NEGATIVE,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Code:
    provider: str
    code: str
    status: MessageStatus
    reason: str | None
    description: str
    default: bool = False  #: the provider's code for ``status`` when no reason says otherwise

    @property
    def status_class(self) -> StatusClass:
        return STATUS_CLASSES[self.status]


@dataclass(frozen=True, slots=True, kw_only=True)
class Reason:
    name: str
    description: str
    retriable: bool  #: may the customer retry the message themselves?

    @property
    def codes(self) -> tuple[tuple[str, str], ...]:
        """(provider, code) for every provider that has a code of its own for this reason."""
        seen: dict[str, str] = {}
        for row in CODES:
            if row.reason == self.name:
                seen.setdefault(row.provider, row.code)
        return tuple(seen.items())

    def code_for(self, provider: str, status: MessageStatus = S.FAILED) -> str | None:
        """This provider's code for the reason in ``status``'s class; for a failure, its fallback without one."""
        wanted = STATUS_CLASSES[status]
        for row in CODES:
            if row.provider == provider and row.reason == self.name and row.status_class is wanted:
                return row.code
        return FALLBACK.get(provider) if wanted is StatusClass.FINAL_NEGATIVE else None


_REASON_ROWS = (
    ("network_temporary", "temporary operator network error", True),
    ("validity_expired", "not delivered within the validity period", True),
    ("no_credit", "the subscriber has no credit", True),
    ("absent_subscriber", "the handset could not be reached for now", True),
    ("blocked_recipient", "recipient opted out (STOP), blacklisted or not supported", False),
    ("no_operator", "no operator or route found for the number", False),
    ("operator_blocked", "the operator rejected the message", False),
    ("subscriber_barred", "stop all messages to this number", False),
    ("network_final", "final network error", False),
    ("unknown_subscriber", "unknown, unassigned or ported number", False),
    ("spam", "blocked as spam", False),
    ("content_rejected", "the content breaks the operator's rules", False),
    ("invalid_originator", "the sender id was refused", False),
    ("handset_error", "the handset cannot take the message", False),
    ("billing", "billing or account credit problem", False),
    ("unknown", "failed for an unknown reason", False),
)
REASONS: dict[str, Reason] = {
    name: Reason(name=name, description=text, retriable=retriable) for name, text, retriable in _REASON_ROWS
}

#: A provider's generic failure code, for a reason it has no code of its own for.
FALLBACK = {"livelink": "DB52", "textapp": "511", "mobivate": "29", "smsmode": "21"}


_Reasons = str | tuple[str, ...] | None
_Row = tuple[str, MessageStatus, _Reasons, str] | tuple[str, MessageStatus, _Reasons, str, bool]


def _rows(provider: str, *rows: _Row) -> tuple[Code, ...]:
    """A provider's table of codes: (code, status, reason, description[, default]) a row. A code that stands for
    several reasons names them in a tuple, and is a ``Code`` for each, in that order."""
    return tuple(
        Code(provider=provider, code=code, status=status, reason=reason, description=description, default=any(default))
        for code, status, reasons, description, *default in rows
        for reason in (reasons if isinstance(reasons, tuple) else (reasons,))
    )


CODES: tuple[Code, ...] = (
    *_rows(
        "livelink",
        ("DB62", S.FAILED, "network_temporary", "Temporary operator network error; retry after 1 min, 1 h, 1 day"),
        ("DB65", S.FAILED, "validity_expired", "The SMSC could not deliver within the validity period"),
        ("DB78", S.FAILED, "no_credit", "End-user has no credit"),
        ("4524", S.FAILED, "blocked_recipient", "Opted out, blocked operator or blacklisted destination"),
        ("4503", S.FAILED, "no_operator", "No operator found for the MSISDN"),
        ("DB05", S.FAILED, ("operator_blocked", "spam", "content_rejected"), "The operator blocked the message"),
        ("DB76", S.FAILED, "subscriber_barred", "Immediately stop the service to this MSISDN"),
        ("DB52", S.FAILED, "network_final", "Final network error; no retry recommended", True),
        ("DB99", S.FAILED, "unknown_subscriber", "Unknown MSISDN or ported number"),
        ("DB62", S.FAILED, "absent_subscriber", "Temporary operator network error; retry after 1 min, 1 h, 1 day"),
    ),
    *_rows(
        "textapp",
        ("400", S.DELIVERED, None, "Delivered to handset", True),
        ("500", S.FAILED, "billing", "Delivery failure - age verification"),
        ("501", S.FAILED, "billing", "Delivery failure - billing issue"),
        ("502", S.FAILED, "network_final", "Delivery failure - error from operator"),
        ("503", S.FAILED, "validity_expired", "Delivery failure - expiration time exceeded"),
        ("504", S.FAILED, "unknown_subscriber", "Delivery failure - invalid number"),
        ("505", S.FAILED, "content_rejected", "Delivery failure - message content"),
        ("506", S.FAILED, "spam", "Delivery failure - message is spam"),
        ("507", S.FAILED, "no_credit", "Delivery failure - no credit on phone"),
        ("508", S.FAILED, "subscriber_barred", "Delivery failure - parental content bar"),
        ("509", S.FAILED, "no_operator", "Delivery failure - problem with handset's operator"),
        ("510", S.FAILED, "handset_error", "Delivery failure - problem with phone"),
        ("511", S.FAILED, "unknown", "Delivery failure - reason unknown", True),
        ("512", S.FAILED, "absent_subscriber", "Delivery failure - temporary problem locating handset"),
        ("512", S.FAILED, "network_temporary", "Delivery failure - temporary problem locating handset"),
        ("513", S.FAILED, "operator_blocked", "Message rejected by network"),
        ("514", S.FAILED, None, "No delivery confirmation available"),
        ("515", S.FAILED, "blocked_recipient", "Destination Opted-out"),
        ("516", S.FAILED, "invalid_originator", "Delivery failure - invalid originator"),
        ("599", S.FAILED, None, "Delivery failure - reason to be clarified"),
        ("600", S.SENT, None, "Delivered to network"),
        ("601", S.SENT, None, "Sending"),
        ("602", S.SENT, None, "Sent to network", True),
        ("603", S.RETRYING, None, "Message in transit and being retried", True),
    ),
    *_rows(
        "mobivate",
        ("1", S.DELIVERED, None, "DELIVERED", True),
        ("2", S.SENT, None, "ACCEPTED"),
        ("3", S.FAILED, "validity_expired", "EXPIRED"),
        ("4", S.FAILED, None, "DELETED"),
        ("5", S.FAILED, ("unknown_subscriber", "no_credit", "handset_error"), "UNDELIVERABLE"),
        ("6", S.FAILED, None, "UNKNOWN"),
        ("7", S.FAILED, ("operator_blocked", "spam", "content_rejected"), "REJECTED"),
        ("8", S.SENT, None, "INTERIM_QUEUED"),
        ("9", S.SENT, None, "INTERIM_ACKNOWLEDGED", True),
        ("10", S.RETRYING, None, "RETRY", True),
        ("11", S.FAILED, "network_final", "FAILED_NACK"),
        ("12", S.FAILED, "no_operator", "FAILED_NOROUTE"),
        ("17", S.FAILED, "billing", "FAILED_INSUFFICIENT_CREDIT"),
        ("18", S.FAILED, None, "FAILED_ORIGINATOR_RECIPIENT_EQUAL"),
        ("19", S.FAILED, ("blocked_recipient", "subscriber_barred"), "FAILED_RECIPIENT_BLACKLISTED"),
        ("20", S.FAILED, "invalid_originator", "FAILED_ORIGINATOR_REJECTED"),
        ("21", S.FAILED, None, "FAILED_ROUTE_INVALID"),
        ("22", S.FAILED, None, "FAILED_LIMITS_EXCEEDED"),
        ("24", S.FAILED, ("network_temporary", "absent_subscriber"), "FAILED_EXHAUSTED"),
        ("28", S.FAILED, None, "FAILED_INTERNAL_ERROR"),
        ("29", S.FAILED, "unknown", "FAILED_UNKNOWN", True),
    ),
    *_rows(
        "smsmode",
        ("0", S.SENT, None, "Sent", True),
        ("1", S.SENT, None, "In progress"),
        ("10", S.ACCEPTED, None, "Scheduled, waiting for its sending time"),
        ("11", S.RECEIVED, None, "Received", True),
        ("12", S.SENT, None, "Partially delivered"),
        ("13", S.RETRYING, None, "Delivered by operator", True),
        ("14", S.DELIVERED, None, "Delivered", True),
        ("15", S.SENT, None, "Partially received"),
        ("2", S.FAILED, None, "Internal error"),
        ("31", S.FAILED, None, "Internal error"),
        ("32", S.FAILED, None, "Authentication error"),
        ("33", S.FAILED, "billing", "Not sent - insufficient credit"),
        ("34", S.FAILED, "no_operator", "Routing error"),
        ("35", S.FAILED, None, "Incorrect parameters"),
        ("36", S.FAILED, None, "Message error"),
        ("37", S.FAILED, "validity_expired", "Expired"),
        ("38", S.FAILED, None, "Message too long"),
        ("3501", S.FAILED, "network_temporary", "Temporary operator error"),
        ("3502", S.FAILED, "absent_subscriber", "Temporary absence error"),
        ("3503", S.FAILED, "no_credit", "Temporary telephone error"),
        ("3504", S.FAILED, None, "Temporary portability error"),
        ("3521", S.FAILED, "unknown_subscriber", "Permanent operator error"),
        ("3522", S.FAILED, "subscriber_barred", "Permanent absence error"),
        ("3523", S.FAILED, "handset_error", "Permanent phone error"),
        ("3524", S.FAILED, "spam", "Permanent anti-spam error"),
        ("3525", S.FAILED, "content_rejected", "Permanent content error"),
        ("3526", S.FAILED, None, "Permanent portability error"),
        ("3527", S.FAILED, None, "Permanent roaming error"),
        ("3998", S.FAILED, "invalid_originator", "Invalid message or recipient"),
        ("3999", S.FAILED, "blocked_recipient", "Blacklisted: the recipient replied STOP"),
        ("21", S.FAILED, "network_final", "Undeliverable", True),
        ("50", S.FAILED, "unknown", "Undeliverable"),
        ("22", S.FAILED, "operator_blocked", "Rejected"),
    ),
)


def find_code(provider: str, code: str) -> Code | None:
    return next((row for row in CODES if row.provider == provider and row.code == code), None)


def reason_for_code(provider: str, code: str) -> Reason | None:
    """The reason ``code`` stands for (the first, for a code of several); ``None`` for a code of none."""
    row = find_code(provider, code)
    return None if row is None or row.reason is None else REASONS[row.reason]


def default_code(provider: str, status: MessageStatus) -> str | None:
    """The provider's code for ``status`` when the notification names no reason of its own."""
    return next((row.code for row in CODES if row.provider == provider and row.status is status and row.default), None)


def is_class_code(provider: str, code: str, status: MessageStatus) -> bool:
    """Whether ``code`` is one of the provider's codes for a notification of ``status``."""
    row = find_code(provider, code)
    return row is not None and row.status_class is STATUS_CLASSES[status]


def notification_code(
    provider: str, status: MessageStatus, reason: str | None = None, code: str | None = None
) -> str | None:
    """The code ``provider`` reports for a notification of ``status``, always of the status's class.

    A scenario's ``code`` when it is such a code, else the reason's code in that class, else the status's
    default; ``None`` when the provider has no code for the status (Live Link's progress and temporary ACKs).
    """
    if code is not None and is_class_code(provider, code, status):
        return code
    own = REASONS[reason].code_for(provider, status) if reason in REASONS else None
    return own or default_code(provider, status) or (FALLBACK.get(provider) if status is S.FAILED else None)


def resolve_step(
    provider: str, status: MessageStatus, reason: str | None, code: str | None
) -> tuple[str | None, str | None, bool | None]:
    """(reason, code, retriable) a notification of ``status`` carries for a step's ``reason`` and ``code``.

    The code is always of the status's class. Only a final negative says whether the customer may retry:
    while the gateway itself retries they must not.
    """
    known = REASONS[reason] if reason is not None else reason_for_code(provider, code) if code is not None else None
    name = known.name if known is not None else None
    retriable = known.retriable if known is not None and status is S.FAILED else None
    return name, notification_code(provider, status, name, code), retriable
