from __future__ import annotations

import pytest

from mockgateway.domain import lifecycle
from mockgateway.domain.model import MessageStatus as S
from mockgateway.domain.reasons import REASONS, reason_for_code
from tests.conftest import T0
from tests.storage.factories import message

LIVELINK_CODES = {
    "DB62": True,
    "DB65": True,
    "DB78": True,
    "4524": False,
    "4503": False,
    "DB05": False,
    "DB76": False,
    "DB52": False,
    "DB99": False,
}


@pytest.mark.parametrize(("current", "new", "ok"), [
    (S.ACCEPTED, S.SENT, True),
    (S.SENT, S.RETRYING, True),
    (S.RETRYING, S.DELIVERED, True),
    (S.SENT, S.FAILED, True),
    (S.DELIVERED, S.RECEIVED, True),
    (S.DELIVERED, S.FAILED, False),
    (S.FAILED, S.DELIVERED, False),
    (S.RECEIVED, S.SENT, False),
    (S.SENT, S.ACCEPTED, False),
])  # fmt: skip
def test_transitions_with_a_handset_ack(current: S, new: S, ok: bool) -> None:
    assert lifecycle.allowed(current, new, handset_ack=True) is ok


@pytest.mark.parametrize("new", list(S))
def test_without_a_handset_ack_delivered_takes_no_more_changes(new: S) -> None:
    assert not lifecycle.allowed(S.DELIVERED, new, handset_ack=False)


@pytest.mark.parametrize(("status", "handset_ack", "final"), [
    (S.ACCEPTED, False, False),
    (S.SENT, True, False),
    (S.RETRYING, False, False),
    (S.DELIVERED, False, True),
    (S.DELIVERED, True, False),
    (S.RECEIVED, True, True),
    (S.FAILED, True, True),
    (S.FAILED, False, True),
])  # fmt: skip
def test_delivered_is_final_only_without_a_handset_ack(status: S, handset_ack: bool, final: bool) -> None:
    assert lifecycle.is_final(status, handset_ack) is final


@pytest.mark.parametrize(("parts", "expected"), [
    ((S.ACCEPTED, S.ACCEPTED), S.ACCEPTED),
    ((S.SENT, S.ACCEPTED), S.SENT),
    ((S.DELIVERED, S.SENT), S.SENT),
    ((S.DELIVERED, S.RETRYING), S.RETRYING),
    ((S.DELIVERED, S.DELIVERED), S.DELIVERED),
    ((S.RECEIVED, S.DELIVERED), S.DELIVERED),
    ((S.RECEIVED, S.RECEIVED), S.RECEIVED),
    ((S.DELIVERED, S.FAILED), S.FAILED),
])  # fmt: skip
def test_overall_status(parts: tuple[S, ...], expected: S) -> None:
    assert lifecycle.overall(parts) is expected


@pytest.mark.parametrize(("code", "retriable"), LIVELINK_CODES.items())
def test_every_livelink_code_is_in_the_catalogue_with_its_retriable_flag(code: str, retriable: bool) -> None:
    reason = reason_for_code("livelink", code)
    assert reason is not None, code
    assert reason.retriable is retriable


def test_every_reason_has_a_livelink_code() -> None:
    assert {r.code_for("livelink") for r in REASONS.values()} >= set(LIVELINK_CODES)
    assert all(r.code_for("livelink") for r in REASONS.values())


def test_advance_returns_the_changed_message_and_leaves_the_one_given_alone() -> None:
    sent = message(parts=2)
    changed = lifecycle.advance(sent, 1, S.FAILED, T0 + 5, "absent_subscriber")
    assert changed is not None
    assert (changed.part_statuses, changed.status, changed.status_at) == ((S.ACCEPTED, S.FAILED), S.SENT, T0 + 5)
    assert (changed.reason, changed.revision) == ("absent_subscriber", sent.revision + 1)
    assert sent.part_statuses == ()
    assert lifecycle.advance(changed, 1, S.SENT, T0 + 6, None) is None  # FAILED is final
