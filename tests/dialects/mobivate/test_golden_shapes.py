"""Each golden answer and webhook has the fields of its documented example, in order and of the same JSON types.

Integers and decimals count as different types: a client typed from the examples reads ``parts`` as an integer
and ``cost`` as a decimal.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.dialects.mobivate.conftest import GOLDEN, golden

PAIRS = [
    ("auth_test.json", "doc/auth_test.json"),
    ("send_single.response.json", "doc/send_single.response.json"),
    ("send_batch.response.json", "doc/send_batch.response.json"),
    ("error_400_bad_date.json", "doc/error_400_bad_date.json"),
    ("error_401.json", "doc/error_401.json"),
    ("error_403_opted_out.json", "doc/error_403_opted_out.json"),
    ("error_404.json", "doc/error_404.json"),
    ("receipt_sent.json", "doc/receipt.json"),
    ("receipt_delivered.json", "doc/receipt.json"),
    ("incoming.json", "doc/incoming.json"),
    ("message_log.json", "doc/message_log.json"),
    ("message_search.json", "doc/message_search.json"),
    ("optout_add.json", "doc/optout_add.json"),
    ("optout_list.json", "doc/optout_list.json"),
]


def kind(value: Any) -> str:
    return type(value).__name__  # bool, int, float, str


def same_shape(ours: Any, documented: Any, where: str = "$") -> None:
    if isinstance(documented, dict):
        assert isinstance(ours, dict), where
        assert list(ours) == list(documented), where
        for key, value in documented.items():
            same_shape(ours[key], value, f"{where}.{key}")
    elif isinstance(documented, list):
        assert isinstance(ours, list), where
        assert ours, f"{where}: empty"
        for i, item in enumerate(ours):
            same_shape(item, documented[0], f"{where}[{i}]")
    elif documented is not None and ours is not None:
        assert kind(ours) == kind(documented), f"{where}: {ours!r} vs {documented!r}"


@pytest.mark.parametrize(("ours", "documented"), PAIRS)
def test_golden_files_have_the_documented_shape(ours: str, documented: str) -> None:
    same_shape(golden(ours), golden(documented))


def test_the_campaign_id_is_the_receipts_batch_id_spelling() -> None:
    campaign = golden("send_batch.response.json")
    assert len(campaign["id"]) == 32
    assert campaign["id"] == campaign["id"].upper()


def test_every_golden_file_is_checked() -> None:
    mine = {p.name for p in GOLDEN.glob("*.json")} - {"send_single.request.json", "send_batch.request.json"}
    assert mine == {ours for ours, _ in PAIRS}
