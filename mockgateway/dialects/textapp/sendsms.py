"""``SendSMS``: its parameters checked in a fixed order, the first failure answered with its transaction code.

Order: missing parameters (303-314, in code order), values that are not one of the allowed ones (362-364),
what depends on ``replyMethodID`` (originator 305/360/332, replyData 308/399), lengths (330, 331, 334, 333),
``statusNotificationUrl`` (399) and finally each destination (361: refused one by one; the call fails only
when none is usable).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mockgateway.dialects.fields import compact
from mockgateway.dialects.textapp.codes import OK, PARAMETER_ERROR, PROVIDER, WRONG_DESTINATION, Table, refuse
from mockgateway.dialects.textapp.params import Params, at_most, number_digits
from mockgateway.domain.model import CallbackTarget, PartSizes, Scalar, SendRequest, is_callback_url
from mockgateway.encoding import is_gsm7, segment

#: TextApp's own part sizes: GSM 160 then 153, Unicode 70 then 66 (its CharacterSetID page).
PART_SIZES = PartSizes(gsm7=(160, 153), ucs2=(70, 66))
MAX_PARTS = 3  #: the account's default EXTENDED LENGTH setting: 459 GSM characters
MAX_DESTINATIONS = 1000
MAX_REFERENCE = 128
MAX_ALPHA_ORIGINATOR = 11
MAX_NUMBER_ORIGINATOR = 16
MAX_URL = 2048
NO_STATUS_URL = "statusNotificationUrl"  #: the option recording a statusNotificationUrl given empty
MIN_VALIDITY_H, MAX_VALIDITY_H = 1, 72
UNICODE, GSM = 1, 2
#: replyMethodID: 1 alphanumeric sender, no reply; 2 reply by email; 3 reply kept for GetSMSReply;
#: 4 your phone number as sender; 5 reply to a URL.
ALPHA, EMAIL, STORED, NUMBER, URL = 1, 2, 3, 4, 5
REPLY_PATH_METHODS = (EMAIL, STORED, URL)
#: The sender TextApp gives messages whose replies come back through it (2, 3, 5): its reply-path number.
REPLY_PATH_NUMBER = "+447700900000"

_ALPHA = re.compile(r"^[A-Za-z0-9 .&_\-]+$")
_INTERNATIONAL = re.compile(r"^[1-9][0-9]{5,14}$")
_WHOLE = re.compile(r"^-?[0-9]{1,9}$")
_SEPARATORS = re.compile("[,;]")


@dataclass(frozen=True, slots=True)
class Destination:
    written: str
    digits: str | None  #: E.164 digits; None when the number is in the wrong format


@dataclass(frozen=True, slots=True)
class ParsedSend:
    request: SendRequest
    destinations: tuple[Destination, ...]  #: every destination as written, usable or not


def parse_send(params: Params, account: str) -> ParsedSend:
    """Every parameter checked in the order the module docstring gives."""
    billing = params.required("clientBillingReference", 303)
    reference = params.required("clientMessageReference", 304)
    # Clients join numbers with ',' or ';'. Blank entries (a trailing comma) are skipped rather than refused.
    entries = tuple(entry for entry in _SEPARATORS.split(params.get("destinations") or "") if entry.strip())
    if not entries:
        raise refuse(306, "destinations", "required, one or more numbers separated by ',' or ';'")
    body = params.required("body", 307)
    validity_raw = params.required("validity", 311)
    charset_raw = params.required("characterSetID", 313)
    method_raw = params.required("replyMethodID", 314)
    validity_h = _number(validity_raw, "validity", range(MIN_VALIDITY_H, MAX_VALIDITY_H + 1), 362)
    charset = _number(charset_raw, "characterSetID", (UNICODE, GSM), 363)
    method = _number(method_raw, "replyMethodID", range(ALPHA, URL + 1), 364)
    origin = originator(params.given("originator"), method)
    reply_data = _reply_data(params.given("replyData"), method)
    at_most(330, "clientBillingReference", billing, MAX_REFERENCE)
    at_most(331, "clientMessageReference", reference, MAX_REFERENCE)
    # characterSetID 2 sends GSM 03.38: a character outside it becomes '?', as on a GSM-only route.
    text = body if charset == UNICODE or is_gsm7(body) else "".join(ch if is_gsm7(ch) else "?" for ch in body)
    _fits(text, charset)
    if len(entries) > MAX_DESTINATIONS:
        raise refuse(333, "destinations", f"{len(entries)} numbers, at most {MAX_DESTINATIONS}")
    status_url = params.get("statusNotificationUrl")  # None: absent, the account's URL applies
    if status_url is not None:  # "": given empty, no notifications
        status_url = _url(status_url.strip(), "statusNotificationUrl") if status_url.strip() else ""
    destinations = tuple(destination(entry) for entry in entries)
    usable = tuple(d.digits for d in destinations if d.digits)
    if not usable:
        raise refuse(
            WRONG_DESTINATION,
            "destinations",
            "no number is in international format such as +447700900123",
            table=destinations_table(destinations),
        )
    options: dict[str, Scalar] = {
        "clientBillingReference": billing,
        "characterSetID": charset,
        "replyMethodID": method,
        "replyData": reply_data,
        "validityHours": validity_h,
        # Kept only when given empty: TextApp then sends no status notifications at all.
        NO_STATUS_URL: "" if status_url == "" else None,
    }
    request = SendRequest(
        account=account,
        provider=PROVIDER,
        destinations=usable,
        text=text,
        origin=origin,
        force_ucs2=charset == UNICODE,
        part_sizes=PART_SIZES,
        validity_s=validity_h * 3600,
        client_ref=reference,
        callbacks=(CallbackTarget(url=status_url),) if status_url else (),
        options=compact(options),
    )
    return ParsedSend(request=request, destinations=destinations)


def destinations_table(destinations: tuple[Destination, ...]) -> Table:
    """Each destination's international number and OK, or as written and WRONG_DESTINATION."""
    rows = tuple((f"+{d.digits}", str(OK)) if d.digits else (d.written, str(WRONG_DESTINATION)) for d in destinations)
    return Table("Destinations", "Destination", ("Number", "Code"), rows)


def destination(entry: str) -> Destination:
    """An international number: ``+44…``, ``0044…`` or ``44…``. Spaces go, including the one an unencoded
    ``+`` turns into on the way."""
    digits = number_digits(entry)
    return Destination(written=entry.strip(), digits=digits if _INTERNATIONAL.match(digits) else None)


def originator(raw: str | None, method: int) -> str:
    """The sender the handset sees. Reply-path methods use TextApp's number; the others need the caller's."""
    if method in REPLY_PATH_METHODS:
        return REPLY_PATH_NUMBER  # the docs ask for an empty originator here; a given one is ignored
    if raw is None:
        raise refuse(305, "originator", f"required with replyMethodID {method}")
    value = raw.strip()
    digits = number_digits(value)
    phone = digits.isascii() and digits.isdigit() and len(digits) >= 3
    if method == NUMBER:
        if not phone:
            raise refuse(360, "originator", f"{value!r} is not a phone number, which replyMethodID 4 sends from")
        at_most(332, "originator", digits, MAX_NUMBER_ORIGINATOR, "digits")
        return f"+{digits}" if value.startswith(("+", "00")) else digits
    if len(value) > MAX_ALPHA_ORIGINATOR:
        if phone and len(digits) <= MAX_NUMBER_ORIGINATOR:
            raise refuse(360, "originator", f"{value!r} is a phone number; send it with replyMethodID 4")
        raise refuse(332, "originator", f"at most {MAX_ALPHA_ORIGINATOR} characters")
    if not _ALPHA.match(value):
        raise refuse(360, "originator", f"{value!r} must be letters, digits, spaces and . & _ - with replyMethodID 1")
    return value


def _number(raw: str, name: str, allowed: range | tuple[int, ...], code: int) -> int:
    # Plain ASCII digits only: Python's int() would also take "1_0" or Arabic-Indic digits.
    value = int(raw.strip()) if _WHOLE.match(raw.strip()) else None
    if value is None or value not in allowed:
        choices = f"{allowed[0]}-{allowed[-1]}" if isinstance(allowed, range) else " or ".join(map(str, allowed))
        raise refuse(code, name, f"{raw!r} is not {choices}")
    return value


def _reply_data(raw: str | None, method: int) -> str | None:
    if method not in (EMAIL, URL):
        return None  # the docs ask for it to be empty here; a given one has nothing to do
    if raw is None:
        kind = "an email address" if method == EMAIL else "a URL"
        raise refuse(308, "replyData", f"required with replyMethodID {method}, {kind}")
    value = raw.strip()
    if method == URL:
        return _url(value, "replyData")
    if "@" not in value or " " in value or len(value) > 255:
        raise refuse(PARAMETER_ERROR, "replyData", f"{value!r} is not an email address")
    return value


def _url(value: str, name: str) -> str:
    if len(value) > MAX_URL or " " in value or not is_callback_url(value):
        raise refuse(PARAMETER_ERROR, name, f"must be an http(s) URL of at most {MAX_URL} characters")
    return value


def _fits(text: str, charset: int) -> None:
    parts = len(segment(text, force_ucs2=charset == UNICODE, sizes=PART_SIZES).parts)
    if parts > MAX_PARTS:
        _, per_part = PART_SIZES.ucs2 if charset == UNICODE else PART_SIZES.gsm7
        alphabet = "Unicode" if charset == UNICODE else "GSM 03.38"
        raise refuse(
            334, "body", f"needs {parts} parts; at most {MAX_PARTS} ({MAX_PARTS * per_part} {alphabet} characters)"
        )
