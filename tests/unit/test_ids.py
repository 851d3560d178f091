"""Identifiers: their shapes, and that a seed replays them."""

from __future__ import annotations

import re

import pytest

from mockgateway.ids import SeededIds


@pytest.mark.parametrize("length", [16, 32, 7])
def test_hex_ids_are_uppercase_digits_of_the_length_asked_for(length: int) -> None:
    ids = SeededIds(3)
    drawn = [ids.hex(length) for _ in range(200)]
    assert all(re.fullmatch(f"[0-9A-F]{{{length}}}", i) for i in drawn)
    assert len(set(drawn)) == len(drawn)
    assert any(i.startswith("0") for i in drawn)  # leading zeros are kept: 1 in 16 draws starts with one


def test_a_seed_replays_every_kind_of_id() -> None:
    def draw(ids: SeededIds) -> list[str]:
        return [ids.numeric(), ids.hex(16), ids.hex(32), ids.hex(5), ids.token(), ids.numeric()]

    assert draw(SeededIds(42)) == draw(SeededIds(42))
    assert draw(SeededIds(42)) != draw(SeededIds(43))


def test_without_a_seed_two_sources_differ() -> None:
    assert SeededIds().hex(32) != SeededIds().hex(32)


def test_processes_that_resumed_from_the_same_id_never_share_one() -> None:
    sources = [SeededIds(seed) for seed in (1, 2, 3)]
    for slot, ids in enumerate(sources, start=5):
        ids.resume(slot, 4_000_000_000)
        ids.share(slot=slot)
    handed = [int(ids.numeric()) for ids in sources for _ in range(100)]
    assert len(set(handed)) == len(handed)
    assert min(handed) == 4_000_000_005  # above the last stored id, and nothing between skipped for no reason
