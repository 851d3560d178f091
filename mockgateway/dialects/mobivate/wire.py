"""Mobivate's identifiers, timestamp formats, date parameters and status names.

Its identifiers are derived from the core's so that no mapping has to be stored. Mobivate answers a send with a UUID
while its delivery receipts and message logs use 32 uppercase hex characters. Both spell one value here: the UUID is
the 32-hex id in lower case with dashes. The id encodes the core's numeric id (scrambled, reversibly) behind a
checksum, so ``GET /message/{id}`` finds the message without an index.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from mockgateway.clock import to_datetime
from mockgateway.domain.errors import InvalidRequest
from mockgateway.domain.model import MessageStatus
from mockgateway.domain.reasons import find_code, notification_code

PROVIDER = "mobivate"
#: re.ASCII: ``\d`` would take other scripts' digits, which strptime reads as a date.
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}([+-]\d{2}:?\d{2}|Z)$", re.ASCII)
_ONE_DAY = 86_400.0


def log_time(epoch: float) -> str:
    """Message logs and incoming webhooks: ``2023-07-01T01:10:34+0000``."""
    return to_datetime(epoch).strftime("%Y-%m-%dT%H:%M:%S+0000")


def receipt_time(epoch: float) -> str:
    """Delivery receipts: ``2023-07-28T03:23:22.000+00:00``."""
    return to_datetime(epoch).isoformat(timespec="milliseconds")


def epoch_ms(epoch: float) -> int:
    return round(epoch * 1000)


def parse_moment(raw: str, name: str) -> datetime:
    """``YYYY-MM-DDTHH:MM:SS+HHMM`` (a ``+`` left unencoded in a query string arrives as a space)."""
    text = raw.strip()
    if len(text) > 19 and text[19] == " ":
        text = f"{text[:19]}+{text[20:]}"
    return _read(text, _MOMENT, "%Y-%m-%dT%H:%M:%S%z", name, raw)


def parse_date(raw: str, name: str, *, end: bool = False) -> float:
    """A search bound as epoch seconds; a bare end date covers that whole day (UTC)."""
    text = raw.strip()
    if not _DAY.match(text):
        return parse_moment(raw, name).timestamp()
    day = _read(text, _DAY, "%Y-%m-%d", name, raw).replace(tzinfo=UTC)
    # Added to the epoch rather than the date: an end of 9999-12-31, "no end", has no next day to name.
    return day.timestamp() + (_ONE_DAY if end else 0.0)


def _read(text: str, shape: re.Pattern[str], layout: str, name: str, raw: str) -> datetime:
    """``text`` read by ``layout`` once it has the ``shape`` (strptime alone takes what the shape does not: other
    scripts' digits, single-digit fields); anything else is refused naming ``raw``, the value as given."""
    if shape.match(text):
        with contextlib.suppress(ValueError):  # a day or hour out of range
            return datetime.strptime(text, layout)
    raise InvalidRequest(f'{name}: Invalid format: "{raw}"', field=name)


@dataclass(frozen=True, slots=True)
class WireStatus:
    name: str
    code: int


def wire_status(status: MessageStatus, code: str | None = None, reason: str | None = None) -> WireStatus:
    """The status name and code for a core status, always of its class (a retry is RETRY, never a FAILED_*):
    the scenario's code, else the reason's, else the default."""
    if status is MessageStatus.ACCEPTED:  # taken, not sent yet: no receipt reports it (creation is not reported)
        return WireStatus(name="ACCEPTED", code=2)
    # RECEIVED (the handset's confirmation) has no name of its own at Mobivate: it reads as DELIVERED.
    core = MessageStatus.DELIVERED if status is MessageStatus.RECEIVED else status
    row = find_code(PROVIDER, notification_code(PROVIDER, core, reason, code) or "")
    return WireStatus(name=row.description, code=int(row.code)) if row else WireStatus(name="UNKNOWN", code=6)


# -- identifiers ------------------------------------------------------------------------------------------
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
