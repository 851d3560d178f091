"""smsmode's wire conventions shared by both of its APIs: text, ids, numbers, times and network codes."""

from __future__ import annotations

import hashlib
import re
import string
from datetime import UTC, datetime, tzinfo
from random import Random
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mockgateway.clock import to_datetime
from mockgateway.dialects import fields as f
from mockgateway.domain.durations import is_whole_number

PROVIDER = "smsmode"
#: The simulator's own short number: what replies are addressed to when a message had no numeric sender.
SHORT_NUMBER = "36100"

_ALPHABET = string.digits + string.ascii_letters
_ID_SPACE = len(_ALPHABET) ** 12
#: An affine permutation of the 12-character id space: numeric ids map to ids that look random, one to one.
_SCRAMBLE = (25214903917, 11)
_NATIONAL = re.compile(r"^0[1-9][0-9]{8}$")  # [0-9], not \d: other scripts' digits make no phone number
_DIGITS = re.compile(r"^[1-9][0-9]{5,14}$")
_SMS_ID = re.compile(r"^[0-9A-Za-z]{12}$")
_SENDER = re.compile(r"^[0-9A-Za-z._&-]{1,11}$")


# smsmode is a French service: its dates are French local time. Without a tz database, UTC is the best guess.
try:
    LOCAL_TZ: tzinfo = ZoneInfo("Europe/Paris")
except ZoneInfoNotFoundError:
    LOCAL_TZ = UTC


def decode(raw: bytes) -> str:
    """A value's bytes as text: UTF-8 or, when they are not valid UTF-8, ISO-8859-15. smsmode asks for ``message``
    in ISO-8859-15 (its samples run ``iconv UTF-8 → ISO-8859-15`` before ``urlencode``) while Unicode messages
    (``classe_msg=9``) come in UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("iso-8859-15")


def new_sms_id(rng: Random) -> str:
    """A send's ``smsID``: 12 letters and digits, like ``S7EpYZ5kmS87``."""
    return "".join(rng.choice(_ALPHABET) for _ in range(12))


def alnum_id(numeric: str) -> str:
    """A 12-character id for a numeric core id (replies' ``responseID``); distinct ids stay distinct."""
    value = (_SCRAMBLE[0] * int(numeric) + _SCRAMBLE[1]) % _ID_SPACE if numeric.isdigit() else 0
    chars = []
    for _ in range(12):
        value, digit = divmod(value, len(_ALPHABET))
        chars.append(_ALPHABET[digit])
    return "".join(reversed(chars))


def is_sms_id(value: str) -> bool:
    return bool(_SMS_ID.match(value))


def msisdn(raw: str, name: str) -> str:
    """A recipient as smsmode takes it: national French ``06…``/``07…`` or international ``336…``, ``+33…``,
    ``0033…``. Returns E.164 digits without ``+``."""
    value = raw.strip()
    if _NATIONAL.match(value):
        return "33" + value[1:]
    digits = value[1:] if value.startswith("+") else value[2:] if value.startswith("00") else value
    if not _DIGITS.match(digits) or not _possible(digits):
        raise f.invalid(name, f"{raw.strip()!r} is not a phone number (06…, 07…, 336… or +336…)")
    return digits


def _possible(digits: str) -> bool:
    import phonenumbers  # here, not at the top: its metadata takes ~40 ms of start-up

    try:
        return bool(phonenumbers.is_possible_number(phonenumbers.parse("+" + digits)))
    except phonenumbers.NumberParseException:
        return False


def sender(raw: str | None, name: str) -> str | None:
    """A sender id: a short number, or at most 11 characters without blank space or accent, as documented; not a
    phone number (smsmode refuses MSISDN senders)."""
    if raw is None or raw == "":
        return None
    value = raw.strip()
    if not value or len(value) > 11:
        raise f.invalid(name, "must be 1 to 11 characters")
    if is_whole_number(value.lstrip("+")):  # a short number; "²" or other scripts' digits are none
        if len(value.lstrip("+")) >= 8:
            raise f.invalid(name, f"{value!r} looks like a phone number; a sender id is a name or a short number")
        return value
    if not _SENDER.match(value):
        raise f.invalid(name, f"{value!r}: letters A-Z, digits and . - _ & only, without blank space or accent")
    return value


def local_time(epoch: float) -> datetime:
    return to_datetime(epoch).astimezone(LOCAL_TZ)


def dlr_time(epoch: float) -> str:
    """``date_reception`` of a delivery report: ``yyyy-MM-dd HH:mm:ss``."""
    return local_time(epoch).strftime("%Y-%m-%d %H:%M:%S")


def mo_time(epoch: float) -> str:
    """``date_reception`` of a reply: ``ddMMyyyy-HHmmss`` (a different format from the delivery report's)."""
    return local_time(epoch).strftime("%d%m%Y-%H%M%S")


def iso_local(epoch: float) -> str:
    """ISO 8601 with the local offset and milliseconds, for the REST API."""
    return local_time(epoch).isoformat(timespec="milliseconds")


# (mcc, mncs) per country: a receipt's ``mcc_mnc`` names one of the country's real networks.
_NETWORKS = {
    "FR": ("208", ("01", "10", "15", "20")),
    "BE": ("206", ("01", "10", "20")),
    "CH": ("228", ("01", "02", "03")),
    "LU": ("270", ("01", "77", "99")),
    "MC": ("212", ("10",)),
    "DE": ("262", ("01", "02", "03")),
    "ES": ("214", ("01", "03", "04", "07")),
    "IT": ("222", ("01", "10", "88")),
    "GB": ("234", ("10", "15", "20", "30")),
    "NL": ("204", ("04", "08", "16")),
    "PT": ("268", ("01", "03", "06")),
    "US": ("310", ("260", "410", "120")),
}


def mcc_mnc(msisdn_digits: str) -> str:
    """A stable made-up network for a number range; empty for countries the table does not know."""
    import phonenumbers  # here, not at the top: its metadata takes ~40 ms of start-up

    try:
        number = phonenumbers.parse("+" + msisdn_digits)
    except phonenumbers.NumberParseException:
        return ""
    # The calling code's main country: test ranges (e.g. UK drama numbers) still belong to a country.
    network = _NETWORKS.get(str(phonenumbers.region_code_for_country_code(number.country_code or 0)))
    if network is None:
        return ""
    mcc, mncs = network
    pick = int(hashlib.sha1(msisdn_digits[:7].encode()).hexdigest()[:6], 16) % len(mncs)
    return mcc + mncs[pick]
