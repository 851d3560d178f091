"""Every status code smsmode documents is reachable from a scenario and reported as ``statut``."""

from __future__ import annotations

import re

import pytest

from mockgateway.dialects.smsmode import codes
from mockgateway.domain.model import MessageStatus
from mockgateway.domain.reasons import CODES, REASONS, default_code, find_code
from mockgateway.scenario.model import Match, Scenario, Step
from mockgateway.service.gateway import Gateway
from tests.conftest import SHARED
from tests.dialects.smsmode.conftest import Client, Receiver, http_get, send_http

#: Issue 5 lists 0, 1, 10 to 15, 3501 to 3504, 3521 to 3527, 32 to 38, 3998, 3999, 21/50, 22; seed 004 adds 2, 31.
LISTED = (
    "0", "1", "2", "10", "11", "12", "13", "14", "15", "21", "22", "31", "32", "33", "34", "35", "36", "37", "38",
    "50", "3501", "3502", "3503", "3504", "3521", "3522", "3523", "3524", "3525", "3526", "3527", "3998", "3999",
)  # fmt: skip
SEED = SHARED / "seeds"


def _seed_codes() -> set[str]:
    """Codes of seed 004's bullet list: ``• 11 - Received / 14 - Delivered: …`` gives 11 and 14."""
    files = sorted(SEED.glob("004_*"))
    if not files:
        pytest.skip(f"seed 004 is not available under {SEED}")
    found: set[str] = set()
    for line in files[0].read_text(encoding="utf-8").splitlines():
        if line.strip().startswith("•"):
            found.update(re.findall(r"\b\d+\b", line.split(":", 1)[0]))
    return found


def test_seed_codes_are_all_listed() -> None:
    seed = _seed_codes()
    assert len(seed) >= 30
    assert seed <= set(LISTED)


def test_every_listed_code_is_in_the_catalogue() -> None:
    assert [code for code in LISTED if find_code("smsmode", code) is None] == []


def _step_status(code: str) -> MessageStatus:
    row = find_code("smsmode", code)
    assert row is not None
    # "Scheduled" is what a poll says before sending; a scenario reports it as a sent-side status.
    return MessageStatus.SENT if row.status is MessageStatus.ACCEPTED else row.status


async def test_every_code_reaches_the_delivery_report(client: Client, gateway: Gateway, receiver: Receiver) -> None:
    numbers = {code: f"3361{index:07d}" for index, code in enumerate(LISTED)}
    gateway.scenarios = tuple(
        Scenario(
            name=f"code-{code}", match=Match(destination=number), steps=(Step(status=_step_status(code), code=code),)
        )
        for code, number in numbers.items()
    )
    sms_id = await send_http(client, numero=",".join(numbers.values()), notification_url=receiver.url("/dlr"))
    await gateway.advance(1)
    reported = {dict(hit.query)["numero"]: dict(hit.query)["statut"] for hit in receiver.on("/dlr")}
    assert reported == {number: code for code, number in numbers.items()}
    report = await http_get(client, "compteRendu.do", smsID=sms_id)
    assert report == " | ".join(f"{number} {code}" for code, number in numbers.items())


@pytest.mark.parametrize("code", ["3524", "3999", "37", "21"])
async def test_reason_scenarios_report_the_reason_code(client: Client, gateway: Gateway, code: str) -> None:
    reason = next(row.reason for row in CODES if row.provider == "smsmode" and row.code == code)
    assert reason is not None
    assert REASONS[reason].code_for("smsmode") == code
    gateway.scenarios = (Scenario(name="fails", steps=(Step(status=MessageStatus.FAILED, reason=reason),)),)
    sms_id = await send_http(client)
    await gateway.advance(1)
    assert (await http_get(client, "smsStatus.do", smsID=sms_id)).split(" | ")[0] == code


def test_opted_out_recipients_get_3999() -> None:
    assert REASONS["blocked_recipient"].code_for("smsmode") == "3999"


def test_catalogue_defaults_match_the_lifecycle() -> None:
    """Sent: 0; still with the operator, not yet on the handset: 13 "delivered by operator"; delivered: 14;
    received by the handset: 11; failed: 21."""
    expected = {
        MessageStatus.SENT: "0",
        MessageStatus.DELIVERED: "14",
        MessageStatus.RECEIVED: "11",
        MessageStatus.RETRYING: "13",
        MessageStatus.FAILED: "21",
    }
    assert {status: default_code("smsmode", status) for status in expected} == expected


@pytest.mark.parametrize(
    ("polled", "expected"),
    [
        (["14"], "14"),
        (["14", "14"], "14"),
        (["14", "13"], "1"),  # one still on its way
        (["14", "12"], "1"),  # one long message still partly on its way
        (["14", "3521"], "3521"),  # all final, some failed: the failure, not "partially delivered" for ever
        (["11", "14"], "14"),  # all delivered, some also received by the handset
        (["3521", "3999"], "3521"),  # all failed: the first failure
        (["10", "10"], "10"),
    ],
)
def test_batch_code(polled: list[str], expected: str) -> None:
    assert codes.batch_code(polled) == expected


@pytest.mark.parametrize(
    ("status", "reason", "value"),
    [
        (MessageStatus.ACCEPTED, None, "ENROUTE"),
        (MessageStatus.SENT, None, "ENROUTE"),
        (MessageStatus.RETRYING, "network_temporary", "ENROUTE"),
        (MessageStatus.DELIVERED, None, "DELIVERED"),
        (MessageStatus.RECEIVED, None, "DELIVERED"),
        (MessageStatus.FAILED, "validity_expired", "EXPIRED"),
        (MessageStatus.FAILED, "blocked_recipient", "REJECTED"),
        (MessageStatus.FAILED, "unknown_subscriber", "UNDELIVERABLE"),
    ],
)
def test_rest_status_values(status: MessageStatus, reason: str | None, value: str) -> None:
    assert codes.rest_value(status, reason) == value
