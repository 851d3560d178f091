"""Mobivate's timestamp formats, date parameters and status names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from mockgateway.clock import to_datetime
from mockgateway.domain.errors import InvalidRequest
from mockgateway.domain.model import MessageStatus
from mockgateway.domain.reasons import find_code, notification_code

PROVIDER = "mobivate"
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}([+-]\d{2}:?\d{2}|Z)$")


def log_time(epoch: float) -> str:
    """Message logs and incoming webhooks: ``2023-07-01T01:10:34+0000``."""
    return to_datetime(epoch).strftime("%Y-%m-%dT%H:%M:%S+0000")


def receipt_time(epoch: float) -> str:
    """Delivery receipts: ``2023-07-28T03:23:22.000+00:00``."""
    moment = to_datetime(epoch)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+00:00"


def epoch_ms(epoch: float) -> int:
    return round(epoch * 1000)


def invalid_format(name: str, raw: str) -> InvalidRequest:
    return InvalidRequest(f'{name}: Invalid format: "{raw}"', field=name)


def parse_moment(raw: str, name: str) -> datetime:
    """``YYYY-MM-DDTHH:MM:SS+HHMM`` (a ``+`` left unencoded in a query string arrives as a space)."""
    text = raw.strip()
    if len(text) > 19 and text[19] == " ":
        text = f"{text[:19]}+{text[20:]}"
    if not _MOMENT.match(text):
        raise invalid_format(name, raw)
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        raise invalid_format(name, raw) from None


def parse_date(raw: str, name: str, *, end: bool = False) -> float:
    """A search bound as epoch seconds; a bare end date covers that whole day (UTC)."""
    text = raw.strip()
    if _DAY.match(text):
        try:
            day = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
        except ValueError:
            raise invalid_format(name, raw) from None
        return (day + timedelta(days=1) if end else day).timestamp()
    return parse_moment(raw, name).timestamp()


@dataclass(frozen=True, slots=True)
class WireStatus:
    name: str
    code: int


#: A message the gateway took but has not sent yet; no receipt is sent for it (creation is not reported).
ACCEPTED = WireStatus("ACCEPTED", 2)


def wire_status(status: MessageStatus, code: str | None = None, reason: str | None = None) -> WireStatus:
    """The status name and code for a core status, always of its class (a retry is RETRY, never a FAILED_*):
    the scenario's code, else the reason's, else the default."""
    if status is MessageStatus.ACCEPTED:
        return ACCEPTED
    # RECEIVED (the handset's confirmation) has no name of its own at Mobivate: it reads as DELIVERED.
    core = MessageStatus.DELIVERED if status is MessageStatus.RECEIVED else status
    row = find_code(PROVIDER, notification_code(PROVIDER, core, reason, code) or "")
    return WireStatus(row.description, int(row.code)) if row else WireStatus("UNKNOWN", 6)
