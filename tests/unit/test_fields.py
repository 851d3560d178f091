"""Shared field checks and JSON bodies of the dialects."""

from __future__ import annotations

import re

import orjson
import pytest

from mockgateway.dialects import fields
from mockgateway.domain.errors import InvalidRequest


def test_kept_json_is_the_same_json_in_its_own_right_sized_bytes() -> None:
    payload = {"messageId": "1000000001", "status": "DELIVERED", "text": "héllo €"}
    body = fields.kept_json(payload)
    assert body == orjson.dumps(payload)
    assert type(body) is bytes
    assert orjson.loads(body) == payload


@pytest.mark.parametrize(("raw", "expected"), [("447700900123", "447700900123"), (" +447700900123 ", "447700900123")])
def test_a_valid_number_is_returned_as_digits(raw: str, expected: str) -> None:
    assert fields.msisdn_or_none(raw) == expected
    assert fields.msisdn(raw, "to") == expected


@pytest.mark.parametrize(("raw", "problem"), [(447700900123, "must be a string"), ("  ", "must not be empty"),
                                              ("07700 900123", "is not an international phone number")])  # fmt: skip
def test_an_invalid_number_names_the_field_and_the_problem(raw: object, problem: str) -> None:
    assert fields.msisdn_or_none(raw) is None
    with pytest.raises(InvalidRequest, match=problem) as failure:
        fields.msisdn(raw, "destination[2]")
    assert failure.value.field == "destination[2]"


def test_a_body_that_is_not_json_or_empty_is_refused_naming_the_body() -> None:
    assert fields.json_object(b"", empty_ok=True) == {}
    assert fields.json_object(b'{"a": 1}') == {"a": 1}
    for raw, problem in ((b"", "empty"), (b"  ", "empty"), (b"{nope", "not valid JSON"), (b"[1]", "JSON object")):
        with pytest.raises(InvalidRequest, match=problem) as failure:
            fields.json_object(raw)
        assert failure.value.field == "body"


_E164 = re.compile(r"^\+?[1-9][0-9]{5,14}$")  # the rule a number is held to


_ARABIC_INDIC = "".join(chr(0x0660 + int(digit)) for digit in "447700900123")  # decimal digits, yet no number's


@pytest.mark.parametrize(
    "raw",
    ["447700900123", "+447700900123", " 447700900123\n", "++447700900123", "+", "", "0447700900", "123456",
     "12345", "123456789012345", "1234567890123456", "+1234567890123456", "4" + _ARABIC_INDIC[1:], _ARABIC_INDIC,
     "44770090012\u00b3", "447700900123\n0", "4477 00900123", "+ 447700900123", "44770090012a", "\uff11" * 7],
)  # fmt: skip
def test_a_number_is_valid_exactly_when_it_matches_the_rule(raw: str) -> None:
    stripped = raw.strip()
    expected = stripped.lstrip("+") if _E164.match(stripped) else None
    assert fields.msisdn_or_none(raw) == expected


@pytest.mark.parametrize("raw", ["\u00b2", "\u0663", "\uff13", "1_0", "+3", " ", ""])
def test_only_ascii_digits_make_an_optional_integer(raw: str) -> None:
    with pytest.raises(InvalidRequest, match="must be an integer"):
        fields.optional_int({"clientId": raw}, "clientId")


@pytest.mark.parametrize(("raw", "expected"), [("42", 42), (" 7 ", 7), ("-3", -3), (5, 5)])
def test_an_optional_integer_may_be_written_as_digits(raw: object, expected: int) -> None:
    assert fields.optional_int({"clientId": raw}, "clientId", minimum=-10) == expected
