"""Temporary is never final: every (status, reason) pair of the catalogue, for every provider, is reported with a
code of the status's class, as each provider's own document groups its codes.

The classes below are written from the provider documents (seeds 000, 002 and 004, Mobivate's receipt status
list), not read from the catalogue, so a catalogue row in the wrong class fails here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import parse_qsl, urlsplit

import pytest

from mockgateway.dialects.livelink import callbacks as livelink
from mockgateway.dialects.mobivate import callbacks as mobivate
from mockgateway.dialects.smsmode import callbacks as smsmode
from mockgateway.dialects.textapp import callbacks as textapp
from mockgateway.domain.model import (
    Account,
    CallbackTarget,
    Encoding,
    HttpCall,
    Message,
    MessageStatus,
    Notification,
    Scalar,
)
from mockgateway.domain.reasons import CODES, PROVIDERS, REASONS, STATUS_CLASSES, StatusClass, resolve_step
from tests.conftest import T0

S = MessageStatus
C = StatusClass
#: Every status a notification reports (ACCEPTED is the gateway taking the message: nothing is sent for it).
NOTIFIED = (S.SENT, S.RETRYING, S.DELIVERED, S.RECEIVED, S.FAILED)
ACCOUNT = Account(name="demo")
TARGET = CallbackTarget(url="https://client.example/status")


# -- each provider's classes, from its document ----------------------------------------------------------
def textapp_class(code: str) -> StatusClass:
    """Seed 002: 400-499 final success, 500-599 final failure, 600-699 intermediate; 603 "being retried"."""
    number = int(code)
    if number == 603:
        return C.TEMPORARY
    return {4: C.FINAL_POSITIVE, 5: C.FINAL_NEGATIVE, 6: C.PROGRESS}[number // 100]


#: Mobivate's receipt status list: DELIVERED; ACCEPTED and the INTERIM_* states; RETRY; every other one final.
MOBIVATE = {
    "DELIVERED": C.FINAL_POSITIVE,
    "ACCEPTED": C.PROGRESS,
    "INTERIM_QUEUED": C.PROGRESS,
    "INTERIM_ACKNOWLEDGED": C.PROGRESS,
    "RETRY": C.TEMPORARY,
    **dict.fromkeys(
        [
            "EXPIRED",
            "DELETED",
            "UNDELIVERABLE",
            "UNKNOWN",
            "REJECTED",
            "FAILED_NACK",
            "FAILED_NOROUTE",
            "FAILED_INSUFFICIENT_CREDIT",
            "FAILED_ORIGINATOR_RECIPIENT_EQUAL",
            "FAILED_RECIPIENT_BLACKLISTED",
            "FAILED_ORIGINATOR_REJECTED",
            "FAILED_ROUTE_INVALID",
            "FAILED_LIMITS_EXCEEDED",
            "FAILED_EXHAUSTED",
            "FAILED_INTERNAL_ERROR",
            "FAILED_UNKNOWN",
        ],
        C.FINAL_NEGATIVE,
    ),
}

#: Seed 004: the "normal lifecycle" list (13 is "transitory": with the operator, not yet on the handset, which
#: is retried), then the soft bounces (350x), the hard bounces (352x), account errors and rejections.
SMSMODE = {
    **dict.fromkeys(["0", "1", "10", "12", "15"], C.PROGRESS),
    "13": C.TEMPORARY,
    **dict.fromkeys(["11", "14"], C.FINAL_POSITIVE),
    **dict.fromkeys(
        [
            "2",
            "21",
            "22",
            "31",
            "32",
            "33",
            "34",
            "35",
            "36",
            "37",
            "38",
            "50",
            "3501",
            "3502",
            "3503",
            "3504",
            "3521",
            "3522",
            "3523",
            "3524",
            "3525",
            "3526",
            "3527",
            "3998",
            "3999",
        ],
        C.FINAL_NEGATIVE,
    ),
}

#: Seed 000: the retriable and the non-retriable error codes of a final negative notification.
LIVELINK_RETRIABLE = {"DB62", "DB65", "DB78"}
LIVELINK_FINAL = {"4524", "4503", "DB05", "DB76", "DB52", "DB99"}


def livelink_class(ack: dict[str, object]) -> StatusClass | None:
    """Seed 000's four notification kinds; a temporary negative tells the customer not to retry themselves."""
    status, code, retriable = ack["status"], ack.get("errorCode"), ack.get("retriable")
    if code is None:
        kinds = {"SENT": C.PROGRESS, "DELIVERED": C.FINAL_POSITIVE, "RECEIVED": C.FINAL_POSITIVE}
        if status == "ERROR":
            return C.TEMPORARY if retriable is False else None
        return kinds.get(str(status))
    if status == "ERROR" and ((code in LIVELINK_RETRIABLE and retriable is True) or code in LIVELINK_FINAL):
        return C.FINAL_NEGATIVE if code in LIVELINK_RETRIABLE or retriable is False else None
    return None


# -- what each dialect sends for a notification ----------------------------------------------------------
def message(provider: str, status: MessageStatus, **options: Scalar) -> Message:
    return Message(
        id="1000000001",
        account="demo",
        provider=provider,
        destination="447700900001",
        origin="Shop",
        text="hello",
        encoding=Encoding.GSM7,
        part_ids=("1000000001",),
        created_at=T0,
        status=status,
        callbacks=(TARGET,),
        options=tuple(options.items()),
        part_statuses=(status,),
    )


def notification(provider: str, status: MessageStatus, reason: str | None, code: str | None) -> Notification:
    """The notification the engine makes of a step: it calls ``resolve_step`` for a reason, a code or a failure."""
    resolved = reason or code or status is S.FAILED
    reason, code, retriable = resolve_step(provider, status, reason, code) if resolved else (None, None, None)
    return Notification(
        id="n1",
        message_id="1000000001",
        account="demo",
        provider=provider,
        part_index=0,
        part_id="1000000001",
        status=status,
        created_at=T0 + 1,
        reason=reason,
        code=code,
        retriable=retriable,
        destination="447700900001",
    )


def only(calls: list[HttpCall]) -> HttpCall:
    assert len(calls) == 1, calls
    return calls[0]


def livelink_sent(status: MessageStatus, reason: str | None, code: str | None) -> StatusClass | None:
    sent = message("livelink", status, ackType="MESSAGE", acknowledgement=True, ackFinalStatus=True)
    ack = json.loads(
        only(
            livelink.LiveLinkCallbacks().status_calls(sent, notification("livelink", status, reason, code), ACCOUNT)
        ).body
    )
    kind = livelink_class(ack)
    final = kind in (C.FINAL_POSITIVE, C.FINAL_NEGATIVE)
    return kind if ack["finalStatus"] is final else None


def textapp_sent(status: MessageStatus, reason: str | None, code: str | None) -> StatusClass | None:
    sent = message("textapp", status)
    call = only(textapp.status_calls(sent, notification("textapp", status, reason, code), ACCOUNT))
    return textapp_class(dict(parse_qsl(urlsplit(call.url).query))["messagestatuscode"])


def mobivate_sent(status: MessageStatus, reason: str | None, code: str | None) -> StatusClass | None:
    sent = message("mobivate", status)
    receipt = json.loads(
        only(mobivate.status_calls(sent, notification("mobivate", status, reason, code), ACCOUNT)).body
    )
    named = [row for row in CODES if row.provider == "mobivate" and row.code == str(receipt["statusCode"])]
    assert named, receipt
    assert named[0].description == receipt["status"]  # the name and the number agree
    return MOBIVATE.get(receipt["status"])


def smsmode_sent(status: MessageStatus, reason: str | None, code: str | None) -> StatusClass | None:
    sent = message("smsmode", status)
    call = only(smsmode.status_calls(sent, notification("smsmode", status, reason, code), ACCOUNT))
    return SMSMODE.get(dict(parse_qsl(urlsplit(call.url).query))["statut"])


SENT_CLASS: dict[str, Callable[[MessageStatus, str | None, str | None], StatusClass | None]] = {
    "livelink": livelink_sent,
    "textapp": textapp_sent,
    "mobivate": mobivate_sent,
    "smsmode": smsmode_sent,
}


@pytest.mark.parametrize("status", NOTIFIED)
@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_reason_is_reported_in_its_status_class(provider: str, status: MessageStatus) -> None:
    wrong = {
        reason: SENT_CLASS[provider](status, reason, None)
        for reason in (None, *REASONS)
        if SENT_CLASS[provider](status, reason, None) is not STATUS_CLASSES[status]
    }
    assert wrong == {}, f"{provider} {status.value} should be {STATUS_CLASSES[status]}"


@pytest.mark.parametrize("status", NOTIFIED)
@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_scenario_code_of_another_class_never_changes_the_class(provider: str, status: MessageStatus) -> None:
    """A scenario without ``match.provider`` may name any provider's code; each provider keeps to the class."""
    codes = sorted({row.code for row in CODES})
    wrong = {
        code: got for code in codes if (got := SENT_CLASS[provider](status, None, code)) is not STATUS_CLASSES[status]
    }
    assert wrong == {}


@pytest.mark.parametrize("provider", ["textapp", "mobivate", "smsmode"])
def test_each_catalogue_row_is_in_its_documented_class(provider: str) -> None:
    documented: Callable[[str], StatusClass | None] = {
        "textapp": textapp_class,
        "mobivate": lambda code: MOBIVATE.get(
            next(r.description for r in CODES if r.provider == "mobivate" and r.code == code)
        ),
        "smsmode": SMSMODE.get,
    }[provider]
    rows = [row for row in CODES if row.provider == provider]
    assert [(row.code, row.status.value) for row in rows if documented(row.code) is not row.status_class] == []


def test_livelink_error_codes_are_all_final_negatives() -> None:
    rows = [row for row in CODES if row.provider == "livelink"]
    assert {row.code for row in rows} == LIVELINK_RETRIABLE | LIVELINK_FINAL
    assert {row.status_class for row in rows} == {C.FINAL_NEGATIVE}
    assert {row.code for row in rows if row.reason and REASONS[row.reason].retriable} == LIVELINK_RETRIABLE
