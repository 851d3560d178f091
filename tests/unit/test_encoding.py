"""Hand-worked segmentation examples: part counts, unit counts and where the cuts fall."""

from __future__ import annotations

import gsm0338  # noqa: F401  # registers the "gsm03.38" codec the alphabet test compares against
import pytest

from mockgateway.domain.model import Encoding, PartSizes
from mockgateway.encoding import Segmentation, is_gsm7, segment

EMOJI = "\U0001f600"  # outside the BMP: a UTF-16 surrogate pair, 2 units


def _gsm_units(part: str) -> int:
    return sum(2 if ch in "€[]{}\\~^|\f" else 1 for ch in part)


def test_empty_text_is_one_empty_gsm_part() -> None:
    assert segment("") == Segmentation(encoding=Encoding.GSM7, parts=("",), units=0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello @ £ $ é Ç", True),  # é, Ç, @, £ are in the basic table
        ("curly {} and € and \f", True),  # extension table
        ("привет", False),
        ("ç", False),  # only capital Ç is in GSM 03.38
        (f"hi {EMOJI}", False),
    ],
)
def test_is_gsm7(text: str, expected: bool) -> None:
    assert is_gsm7(text) is expected


def test_exactly_160_gsm_chars_is_one_part() -> None:
    seg = segment("a" * 160)
    assert seg.encoding is Encoding.GSM7
    assert seg.parts == ("a" * 160,)
    assert seg.units == 160


def test_161_gsm_chars_is_153_plus_8() -> None:
    seg = segment("b" * 161)
    assert [len(p) for p in seg.parts] == [153, 8]
    assert seg.units == 161


@pytest.mark.parametrize(("length", "expected"), [(306, [153, 153]), (307, [153, 153, 1])])
def test_concatenated_gsm_boundaries(length: int, expected: list[int]) -> None:
    assert [len(p) for p in segment("c" * length).parts] == expected


def test_euro_as_160th_char_needs_two_parts() -> None:
    text = "a" * 159 + "€"  # 160 chars but 161 septets
    seg = segment(text)
    assert seg.encoding is Encoding.GSM7
    assert seg.units == 161
    assert seg.parts == ("a" * 153, "a" * 6 + "€")


def test_euro_fitting_exactly_in_160_septets_is_one_part() -> None:
    seg = segment("a" * 158 + "€")
    assert seg.units == 160
    assert seg.parts == ("a" * 158 + "€",)


def test_escape_pair_straddling_153_moves_whole_to_next_part() -> None:
    text = "a" * 152 + "€" + "b" * 20
    seg = segment(text)
    assert seg.units == 152 + 2 + 20
    assert seg.parts == ("a" * 152, "€" + "b" * 20)
    assert [_gsm_units(p) for p in seg.parts] == [152, 22]


def test_escape_pair_ending_exactly_at_153_stays() -> None:
    seg = segment("a" * 151 + "€" + "b" * 10)
    assert seg.parts == ("a" * 151 + "€", "b" * 10)


def test_70_ucs2_chars_is_one_part() -> None:
    seg = segment("ж" * 70)
    assert seg.encoding is Encoding.UCS2
    assert seg.parts == ("ж" * 70,)
    assert seg.units == 70


def test_71_ucs2_chars_is_67_plus_4() -> None:
    seg = segment("ж" * 71)
    assert seg.encoding is Encoding.UCS2
    assert [len(p) for p in seg.parts] == [67, 4]
    assert seg.units == 71


def test_emoji_counts_two_units() -> None:
    seg = segment(EMOJI * 35)  # 35 chars, 70 units: still one part
    assert seg.encoding is Encoding.UCS2
    assert seg.units == 70
    assert len(seg.parts) == 1
    assert len(segment(EMOJI * 36).parts) == 2  # 72 units


def test_emoji_is_not_split_across_a_boundary() -> None:
    text = "ж" * 66 + EMOJI + "ж" * 10  # the emoji would occupy units 67 and 68
    seg = segment(text)
    assert seg.units == 66 + 2 + 10
    assert seg.parts == ("ж" * 66, EMOJI + "ж" * 10)


def test_force_ucs2_on_ascii_uses_ucs2_limits() -> None:
    assert segment("a" * 70, force_ucs2=True) == Segmentation(encoding=Encoding.UCS2, parts=("a" * 70,), units=70)
    seg = segment("a" * 71, force_ucs2=True)
    assert seg.encoding is Encoding.UCS2
    assert [len(p) for p in seg.parts] == [67, 4]


def test_force_ucs2_counts_euro_as_one_unit() -> None:
    assert segment("€" * 3, force_ucs2=True).units == 3


def test_custom_part_sizes() -> None:
    seg = segment("ж" * 71, sizes=PartSizes(ucs2=(70, 66)))
    assert [len(p) for p in seg.parts] == [66, 5]
    gsm = segment("a" * 11, sizes=PartSizes(gsm7=(10, 5)))
    assert [len(p) for p in gsm.parts] == [5, 5, 1]


def test_per_part_limit_below_two_is_rejected() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        segment("aa", sizes=PartSizes(gsm7=(1, 1)))


@pytest.mark.parametrize(
    "text",
    [
        "x" * 500,
        ("a{b}c€" * 80),
        ("ж" * 100 + EMOJI) * 3,
        (EMOJI + "z") * 90,
        "plain then ж " * 30,
    ],
    ids=["ascii", "gsm-extension", "cyrillic-emoji", "emoji-ascii", "mixed"],
)
def test_parts_join_back_to_original(text: str) -> None:
    seg = segment(text)
    assert len(seg.parts) > 1
    assert "".join(seg.parts) == text
    assert all(seg.parts)


@pytest.mark.parametrize(
    "text",
    ["{}" * 100 + "a" * 7, "€" * 81, "a" + "~" * 200, "\f" * 90 + "x"],
    ids=["braces", "euros", "tildes", "formfeeds"],
)
def test_every_gsm_part_respects_the_per_part_limit(text: str) -> None:
    seg = segment(text)
    assert len(seg.parts) > 1  # the 153 limit only applies once concatenated
    assert "".join(seg.parts) == text
    assert all(_gsm_units(p) <= 153 for p in seg.parts)
    assert sum(_gsm_units(p) for p in seg.parts) == seg.units


def test_alphabet_agrees_with_the_codec() -> None:
    for code in range(0x2200):  # covers ASCII, Latin-1, Greek and the euro sign (U+20AC)
        ch = chr(code)
        try:
            expected: int | None = len(ch.encode("gsm03.38"))
        except UnicodeEncodeError:
            expected = None
        assert is_gsm7(ch) is (expected is not None), repr(ch)
        if expected is not None:
            assert segment(ch).units == expected, repr(ch)
