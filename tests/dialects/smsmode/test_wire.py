"""smsmode's wire conventions: numbers, sender ids, ids and dates."""

from __future__ import annotations

import random

import pytest

from mockgateway.dialects.smsmode import SMSMODE_CALLBACKS, wire
from mockgateway.domain.errors import InvalidRequest
from mockgateway.domain.model import Account, CallbackTarget, Encoding, Message, MessageStatus, Notification
from tests.conftest import T0
from tests.dialects.smsmode.conftest import needs_paris_time


@pytest.mark.parametrize(
    ("raw", "digits"),
    [
        ("0612345678", "33612345678"),
        ("0712345678", "33712345678"),
        ("33612345678", "33612345678"),
        ("+33612345678", "33612345678"),
        ("0033612345678", "33612345678"),
        (" 0612345678 ", "33612345678"),
        ("447700900123", "447700900123"),
    ],
)
def test_numbers(raw: str, digits: str) -> None:
    assert wire.msisdn(raw, "numero") == digits


@pytest.mark.parametrize("raw", ["", "06 12 34 56 78", "12345", "06123456789", "+0612345678", "abc"])
def test_bad_numbers(raw: str) -> None:
    with pytest.raises(InvalidRequest) as error:
        wire.msisdn(raw, "numero")
    assert error.value.field == "numero"


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        (None, None),
        ("", None),
        ("MaBoutique", "MaBoutique"),
        ("36100", "36100"),
        ("+3610012", "+3610012"),
        ("ABCDEFGHIJK", "ABCDEFGHIJK"),
        ("Dr.Who_&-X", "Dr.Who_&-X"),
        (" Acme ", "Acme"),
    ],
)
def test_senders(raw: str | None, kept: str | None) -> None:
    assert wire.sender(raw, "emetteur") == kept


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("ABCDEFGHIJKL", "must be 1 to 11 characters"),
        ("Ma Boutique", "without blank space or accent"),
        ("Café", "without blank space or accent"),
        ("Shop!", "without blank space or accent"),
        ("33612345678", "looks like a phone number"),
        ("+33612345", "looks like a phone number"),
    ],
)
def test_bad_senders(raw: str, problem: str) -> None:
    with pytest.raises(InvalidRequest) as error:
        wire.sender(raw, "emetteur")
    assert (error.value.field, problem in error.value.detail) == ("emetteur", True)


def test_ids_look_like_smsmode_ids_and_do_not_collide() -> None:
    drawn = {wire.new_sms_id(random.Random(seed)) for seed in range(200)}
    assert len(drawn) == 200
    assert all(wire.is_sms_id(value) for value in drawn)
    mapped = {wire.alnum_id(str(n)) for n in range(1_000_000_000, 1_000_010_000)}
    assert len(mapped) == 10_000
    assert all(wire.is_sms_id(value) for value in mapped)


@needs_paris_time
def test_dates_are_french_local_time() -> None:
    assert wire.dlr_time(T0) == "2026-01-01 01:00:00"
    assert wire.mo_time(T0 + 5) == "01012026-010005"
    assert wire.dlr_time(T0 + 181 * 86400) == "2026-07-01 02:00:00"  # summer time


@pytest.mark.parametrize(
    ("number", "network"), [("33612345678", "20810"), ("447700900123", "23410"), ("81312345678", "")]
)
def test_mcc_mnc(number: str, network: str) -> None:
    assert wire.mcc_mnc(number) == network


@pytest.mark.parametrize(
    ("url", "start"),
    [
        ("https://example.com/dlr", "https://example.com/dlr?numero=33612345678&"),
        ("https://example.com/dlr?site=1", "https://example.com/dlr?site=1&numero=33612345678&"),
        ("https://example.com/dlr?", "https://example.com/dlr?numero=33612345678&"),  # no empty parameter
        ("https://example.com/dlr?site=1&", "https://example.com/dlr?site=1&numero=33612345678&"),
    ],
)
def test_a_report_keeps_the_query_string_its_url_has(url: str, start: str) -> None:
    message = Message(
        id="1000000001",
        account="demo",
        provider="smsmode",
        destination="33612345678",
        origin=None,
        text="hello",
        encoding=Encoding.GSM7,
        part_ids=("1000000001",),
        created_at=T0,
        callbacks=(CallbackTarget(url=url),),
    )
    delivered = Notification(
        id="n1",
        message_id="1000000001",
        account="demo",
        provider="smsmode",
        part_index=0,
        part_id="1000000001",
        status=MessageStatus.DELIVERED,
        created_at=T0,
    )
    [call] = SMSMODE_CALLBACKS.status_calls(message, delivered, Account(name="demo"))
    assert call.url.startswith(start)
