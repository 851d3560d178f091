"""The catalogue: every provider code the seed documents is known, every reason has a code everywhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mockgateway.catalogue import reasons_table
from mockgateway.domain.model import MessageStatus
from mockgateway.domain.reasons import CODES, FALLBACK, PROVIDERS, REASONS, default_code, find_code
from tests.conftest import SHARED

README = Path(__file__).resolve().parents[2] / "README.md"

#: Hand-copied from the provider documents (seeds 000, 002, 004; Mobivate's receipt status list).
DOCUMENTED = {
    "livelink": "DB62 DB65 DB78 4524 4503 DB05 DB76 DB52 DB99",
    "textapp": " ".join(str(c) for c in [400, *range(500, 517), 599, 600, 601, 602, 603]),
    "mobivate": " ".join(str(c) for c in [*range(1, 13), 17, 18, 19, 20, 21, 22, 24, 28, 29]),
    "smsmode": " ".join(
        str(c)
        for c in [
            0,
            1,
            *range(10, 16),
            *range(3501, 3505),
            *range(3521, 3528),
            *range(32, 39),
            3998,
            3999,
            21,
            50,
            22,
            2,
            31,
        ]
    ),
}


@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_documented_code_is_in_the_catalogue(provider: str) -> None:
    missing = [code for code in DOCUMENTED[provider].split() if find_code(provider, code) is None]
    assert missing == []


@pytest.mark.parametrize(
    ("provider", "seed", "pattern"),
    [
        ("livelink", "000_", r"^\s*(DB\d\d|45\d\d)\s"),
        ("textapp", "002_", r"»\s*(\d{3})\s"),
        ("smsmode", "004_", r"^\s*•\s*(\d{1,4})(?:\s*/\s*(\d{1,4}))?\s+-\s"),
    ],
)
def test_codes_found_in_the_seed_documents_are_in_the_catalogue(provider: str, seed: str, pattern: str) -> None:
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"provider documents not found at {seeds} (they sit beside the repository in CI)")
    [document] = seeds.glob(f"{seed}*.txt")
    found = {code for match in re.finditer(pattern, document.read_text(), re.M) for code in match.groups() if code}
    assert found, "the pattern found nothing: the test would prove nothing"
    assert sorted(code for code in found if find_code(provider, code) is None) == []


@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_reason_has_a_code_or_the_documented_fallback(provider: str) -> None:
    for reason in REASONS.values():
        code = reason.code_for(provider)
        assert code is not None
        assert code == dict(reason.codes).get(provider, FALLBACK[provider])
        assert find_code(provider, code) is not None, (reason.name, code)


@pytest.mark.parametrize("provider", ["textapp", "mobivate", "smsmode"])
def test_dialects_with_status_codes_have_a_default_for_every_status_they_report(provider: str) -> None:
    for status in (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.RETRYING, MessageStatus.FAILED):
        assert default_code(provider, status) is not None, status


def test_rows_name_known_reasons_and_providers() -> None:
    assert {row.provider for row in CODES} == set(PROVIDERS)
    assert {row.reason for row in CODES if row.reason} <= set(REASONS)


def test_readme_shows_the_current_cross_provider_table() -> None:
    assert reasons_table() in README.read_text(encoding="utf-8")


def test_codes_table_lists_each_code_once() -> None:
    codes = list(dict.fromkeys(row.code for row in CODES if row.provider == "mobivate"))
    assert len(codes) == len(set(codes)) == len(DOCUMENTED["mobivate"].split())
