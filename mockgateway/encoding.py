"""How a text is encoded and cut into parts, the way an SMS-C would bill and send it.

Runs on every send request. The gsm0338 codec is pure Python (about 0.5 µs per character), so its
alphabet is read once at import and texts are then checked with C-level set and str operations;
per-character work is only done when a part boundary could fall inside a two-unit character.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass

import gsm0338  # noqa: F401  # importing registers the "gsm03.38" codec

from mockgateway.domain.model import STANDARD_PART_SIZES, Encoding, PartSizes

_GSM = "gsm03.38"
#: Texts up to this length are remembered by a ``Segmenter``: clients resend the same texts (templates, test
#: fixtures), and the results are immutable.
_CACHED_LENGTH = 480


@dataclass(frozen=True, slots=True, kw_only=True)
class Segmentation:
    encoding: Encoding
    parts: tuple[str, ...]  #: the text of each part, in order
    units: int  #: septets for GSM7 (extension chars count 2), UTF-16 code units for UCS2


def is_gsm7(text: str) -> bool:
    """True if every character is in the GSM 03.38 default alphabet or its extension table."""
    return _gsm_length(text) is not None


class Segmenter:
    """``segment`` remembering the segmentation of up to ``limit`` short texts (forgetting them all when full)."""

    def __init__(self, limit: int = 2048) -> None:
        self._limit = limit
        self._known: dict[tuple[str, bool, PartSizes], Segmentation] = {}

    # A method, not ``__call__``: CPython calls an instance of a Python class through a slower, generic path.
    def segmentation(self, text: str, force_ucs2: bool = False, sizes: PartSizes = STANDARD_PART_SIZES) -> Segmentation:
        if len(text) > _CACHED_LENGTH:
            return segment(text, force_ucs2, sizes)
        key = (text, force_ucs2, sizes)
        known = self._known.get(key)
        if known is None:
            if len(self._known) >= self._limit:
                self._known.clear()
            known = self._known[key] = segment(text, force_ucs2, sizes)
        return known


def segment(text: str, force_ucs2: bool = False, sizes: PartSizes = STANDARD_PART_SIZES) -> Segmentation:
    """Choose the encoding for ``text`` and split it greedily into parts as an SMS-C would."""
    gsm_units = None if force_ucs2 else _gsm_length(text)
    if gsm_units is not None:
        return _build(text, Encoding.GSM7, gsm_units, sizes.gsm7, _gsm_width)
    ucs2_units = len(text.encode("utf-16-le", "surrogatepass")) // 2
    return _build(text, Encoding.UCS2, ucs2_units, sizes.ucs2, _ucs2_width)


def _read_gsm_alphabet() -> dict[str, int]:
    # Asking the codec (rather than copying its tables) keeps us in step with the package: every
    # 1-byte and ESC-prefixed sequence is decoded, then each char's width is its encoded length.
    chars = {"\x1b"}  # the codec encodes a lone ESC, but cannot decode one on its own
    for byte in range(128):
        for seq in (bytes([byte]), bytes([0x1B, byte])):
            with contextlib.suppress(UnicodeDecodeError):
                chars.update(seq.decode(_GSM))
    return {ch: len(ch.encode(_GSM)) for ch in chars}


_GSM_WIDTH = _read_gsm_alphabet()
_GSM_CHARS = frozenset(_GSM_WIDTH)
_GSM_EXTENSION = tuple(ch for ch, width in _GSM_WIDTH.items() if width == 2)
_gsm_width = _GSM_WIDTH.__getitem__


def _gsm_length(text: str) -> int | None:
    """Septets needed for ``text``, or ``None`` if it has a char outside GSM 03.38."""
    if not _GSM_CHARS.issuperset(text):
        return None
    # Extension chars cost an ESC septet too; ten C-level counts beat a Python loop per char.
    return len(text) + sum(map(text.count, _GSM_EXTENSION))


def _ucs2_width(ch: str) -> int:
    # Characters beyond the BMP become a surrogate pair, which must travel in one part.
    return 2 if ch > "\uffff" else 1


def _build(
    text: str, encoding: Encoding, units: int, limits: tuple[int, int], width: Callable[[str], int]
) -> Segmentation:
    single, per_part = limits
    if units <= single:
        return Segmentation(encoding=encoding, parts=(text,), units=units)
    if per_part < 2:
        # A two-unit character could never fit: greedy splitting would emit empty or oversized parts.
        raise ValueError(f"per-part limit must be at least 2, got {per_part}")
    if units == len(text):
        # Every character is one unit, so no boundary can fall inside one: slice directly.
        parts = tuple(text[i : i + per_part] for i in range(0, len(text), per_part))
    else:
        parts = _split(text, per_part, width)
    return Segmentation(encoding=encoding, parts=parts, units=units)


def _split(text: str, limit: int, width: Callable[[str], int]) -> tuple[str, ...]:
    # Greedy: a character that would overflow the current part moves whole to the next one, so an
    # escape pair or surrogate pair is never cut (the previous part is left one unit short).
    parts: list[str] = []
    start = used = 0
    for i, ch in enumerate(text):
        w = width(ch)
        if used + w > limit:
            parts.append(text[start:i])
            start, used = i, 0
        used += w
    parts.append(text[start:])
    return tuple(parts)
