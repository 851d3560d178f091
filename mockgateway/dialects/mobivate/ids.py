"""Mobivate's identifiers, derived from the core's so that no mapping has to be stored.

Mobivate answers a send with a UUID while its delivery receipts and message logs use 32 uppercase hex
characters. Both spell one value here: the UUID is the 32-hex id in lower case with dashes. The id encodes
the core's numeric id (scrambled, reversibly) behind a checksum, so ``GET /message/{id}`` finds the message
without an index.
"""

from __future__ import annotations

import hashlib
import re

#: An odd multiplier (invertible modulo 2**64) and a mask spread the core's counter over all 64 bits, so
#: consecutive messages do not get ids that read as consecutive.
_MULTIPLIER = 0x9E3779B97F4A7C15
_INVERSE = pow(_MULTIPLIER, -1, 2**64)
_MASK = 0x5A17C3E9B2D4F608
_HEX32 = re.compile(r"^[0-9A-F]{32}$")


def _checksum(core_id: str, salt: str = "message") -> str:
    return hashlib.sha1(f"mobivate:{salt}:{core_id}".encode()).hexdigest()[:16].upper()


def hex_id(core_id: str) -> str:
    """The 32-hex id of a core message or reply id."""
    if not core_id.isdigit() or int(core_id) >= 2**64:
        # Core ids are numeric; anything else still gets a stable id, only not a reversible one.
        return hashlib.sha1(f"mobivate:opaque:{core_id}".encode()).hexdigest()[:32].upper()
    mixed = (int(core_id) * _MULTIPLIER) % 2**64 ^ _MASK
    return _checksum(core_id) + f"{mixed:016X}"


def uuid_of(core_id: str) -> str:
    """The same id spelt as the UUID ``/send/single`` answers with."""
    h = hex_id(core_id).lower()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def core_id_of(wire_id: str) -> str | None:
    """The core id behind a 32-hex id or its UUID spelling; ``None`` when it is not one of ours."""
    candidate = wire_id.strip().replace("-", "").upper()
    if not _HEX32.match(candidate):
        return None
    core_id = str((int(candidate[16:], 16) ^ _MASK) * _INVERSE % 2**64)
    return core_id if _checksum(core_id) == candidate[:16] else None


def logical_id(core_id: str) -> str:
    """``logicalMessageId`` of an incoming message: stable per reply, distinct from its ``id``."""
    return _checksum(core_id, "logical") + _checksum(core_id, "logical-2")


def owner_user_id(account: str) -> str:
    """``ownerUserId``: a stable 32-hex user id per account."""
    return hashlib.md5(f"mobivate:owner:{account}".encode()).hexdigest().upper()
