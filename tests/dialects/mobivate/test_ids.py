"""Mobivate ids: the send's UUID and the log's 32-hex id are one value, and lead back to the core id."""

from __future__ import annotations

import re
import uuid

import pytest

from mockgateway.dialects.mobivate.wire import core_id_of, hex_id, logical_id, owner_user_id, uuid_of

HEX32 = re.compile(r"^[0-9A-F]{32}$")


@pytest.mark.parametrize("core_id", ["0", "7", "1000000001", "4999999999", "18446744073709551615"])
def test_ids_round_trip_in_both_spellings(core_id: str) -> None:
    log_id = hex_id(core_id)
    assert HEX32.match(log_id)
    assert uuid.UUID(uuid_of(core_id)).hex.upper() == log_id
    assert core_id_of(log_id) == core_id
    assert core_id_of(uuid_of(core_id)) == core_id
    assert core_id_of(log_id.lower()) == core_id


def test_consecutive_ids_do_not_look_consecutive() -> None:
    first, second = hex_id("1000000001"), hex_id("1000000002")
    assert sum(a != b for a, b in zip(first, second, strict=True)) > 16


@pytest.mark.parametrize(
    "wire_id",
    ["9A85B95E0A000A9D2FBD46710388AD54", "ef5796ce-e326-4a09-9033-6b457039b1ba", "", "XYZ", hex_id("5")[:-1] + "0"],
)
def test_ids_that_are_not_ours_are_refused(wire_id: str) -> None:
    assert core_id_of(wire_id) is None


def test_other_ids_are_stable_and_distinct() -> None:
    assert logical_id("1000000001") == logical_id("1000000001") != hex_id("1000000001")
    assert HEX32.match(logical_id("1000000001"))
    assert owner_user_id("demo") == owner_user_id("demo") != owner_user_id("shop")
    assert HEX32.match(owner_user_id("demo"))
