"""Send requests of both smsmode APIs (HTTP 1.6 parameters and batch files, REST JSON) parsed into core terms."""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mockgateway.clock import LATEST_INSTANT, iso, to_datetime
from mockgateway.dialects import fields as f
from mockgateway.dialects.smsmode import wire
from mockgateway.domain.durations import is_whole_number
from mockgateway.domain.errors import InvalidRequest
from mockgateway.domain.model import Account, CallbackTarget, Encoding, PartSizes, Scalar, SendRequest
from mockgateway.encoding import segment

HTTP_API = "http"
REST_API = "rest"
MAX_GET_NUMBERS = 300  #: documented
MAX_POST_NUMBERS = 10_000  #: smsmode documents no limit for POST; beyond this is surely a client bug
MAX_REF_CLIENT = 40
#: Single-part limits used as the per-part size too: cutting at them gives the longest text that fits one part.
_UNSPLIT = PartSizes(gsm7=(160, 160), ucs2=(70, 70))
FILE = "fichier"  #: ``sendSMSBatch.do``'s uploaded file
_OPTIONAL_COLUMNS = ("emetteur", "refClient")  #: the file's third and fourth columns
#: [0-9], not \d: int() would read other scripts' digits as a date.
_DATE_ENVOI = re.compile(r"^([0-9]{2})([0-9]{2})([0-9]{4})-([0-9]{2}):([0-9]{2})$")


@dataclass(frozen=True, slots=True)
class Draft:
    """A parsed send: the core request, its smsID and what each recipient costs."""

    request: SendRequest
    sms_id: str
    parts: int
    encoding: Encoding


def missing(name: str) -> InvalidRequest:
    return InvalidRequest(f"Missing mandatory parameter: {name}", field=name)


def required(params: Mapping[str, str], name: str) -> str:
    value = params.get(name, "")
    if not value.strip():
        raise missing(name)
    return value


# -- HTTP API 1.6 --------------------------------------------------------------------------------------
def parse_http(params: Mapping[str, str], account: str, sms_id: str, now: float, method: str) -> Draft:
    text = required(params, "message")
    items = [item for item in required(params, "numero").split(",") if item.strip()]
    limit = MAX_GET_NUMBERS if method == "GET" else MAX_POST_NUMBERS
    if not items:
        raise missing("numero")
    if len(items) > limit:
        hint = "; send more with POST" if method == "GET" else ""
        raise f.invalid("numero", f"lists {len(items)} numbers; at most {limit}{hint}")
    destinations = tuple(wire.msisdn(item, "numero") for item in items)
    classe = params.get("classe_msg", "").strip() or "2"
    if classe not in ("2", "4", "9"):
        raise f.invalid("classe_msg", "must be 2 (Pro), 4 (reply-able) or 9 (Unicode)")
    cap = whole_number(params, "nbr_msg", 5, 1, 10)  # documented: 5 parts unless asked, at most 10
    text, truncated = fit(text, classe == "9", cap)
    options: dict[str, Scalar] = {"api": HTTP_API, "smsID": sms_id, "classe_msg": int(classe), "nbr_msg": cap}
    options["truncated"] = truncated
    options["moUrl"] = _url(params, "notification_url_reponse")
    status_url = _url(params, "notification_url")
    when = params.get("date_envoi", "").strip()  # ddMMyyyy-HH:mm in French local time; already past means "now"
    request = SendRequest(
        account=account,
        provider=wire.PROVIDER,
        destinations=destinations,
        text=text,
        origin=wire.sender(params.get("emetteur"), "emetteur"),
        force_ucs2=classe == "9",
        client_ref=f.optional_str(params, "refClient", max_len=MAX_REF_CLIENT) or None,
        callbacks=(CallbackTarget(url=status_url),) if status_url else (),
        options=f.compact(options),
        send_at=_deferral(local_minute(when, "date_envoi"), now, "date_envoi") if when else None,
    )
    return _draft(request, sms_id)


def fit(text: str, ucs2: bool, cap: int) -> tuple[str, bool]:
    """``text`` cut to ``cap`` parts as smsmode documents (GSM 160/306/459…, Unicode 70/134/201/268/335)."""
    parts = segment(text, force_ucs2=ucs2).parts
    if len(parts) <= cap:
        return text, False
    if cap > 1:
        return "".join(parts[:cap]), True
    # One part holds the full single-part length, not the per-part length of a concatenated message.
    return segment(text, force_ucs2=ucs2, sizes=_UNSPLIT).parts[0], True


def local_minute(raw: str, name: str) -> float:
    """``ddMMyyyy-HH:mm`` in French local time, the HTTP API's date format in requests."""
    match = _DATE_ENVOI.match(raw)
    if match:
        day, month, year, hour, minute = (int(group) for group in match.groups())
        with contextlib.suppress(ValueError):  # a day, month, hour or minute out of range: no date either
            return datetime(year, month, day, hour, minute, tzinfo=wire.LOCAL_TZ).timestamp()
    raise f.invalid(name, f"{raw!r} is not a date as ddMMyyyy-HH:mm")


def whole_number(params: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name, "").strip()
    if not raw:
        return default
    if not is_whole_number(raw) or not low <= int(raw) <= high:
        raise f.invalid(name, f"must be a whole number from {low} to {high}")
    return int(raw)


def _url(data: Mapping[str, Any], name: str) -> str | None:
    """An optional callback URL of either API; given empty, none."""
    value = data.get(name)
    return None if value is None or value == "" else f.http_url(value, name)


def _draft(request: SendRequest, sms_id: str) -> Draft:
    seg = segment(request.text, force_ucs2=request.force_ucs2)
    return Draft(request=request, sms_id=sms_id, parts=len(seg.parts), encoding=seg.encoding)


# -- REST API --------------------------------------------------------------------------------------------
def parse_rest(data: dict[str, Any], account: str, sms_id: str, now: float) -> Draft:
    recipient = _object(data, "recipient")
    to = recipient.get("to")
    if to is None or to == "":
        raise f.invalid("recipient.to", "is required")
    if not isinstance(to, str):
        raise f.invalid("recipient.to", "must be a string such as +33612345678")
    text, encoding = _rest_body(_object(data, "body"))
    origin = data.get("from")
    if origin is None and isinstance(data.get("sender"), dict):
        origin = data["sender"].get("value")  # some integrations send {"sender": {"value": ...}}
    if origin is not None and not isinstance(origin, str):
        raise f.invalid("from", "must be a string")
    ref = f.optional_str(data, "refClient", max_len=MAX_REF_CLIENT)
    status_url = _url(data, "callbackUrlStatus")
    send_at = sent_date(data.get("sentDate"), now)
    options: dict[str, Scalar] = {"api": REST_API, "smsID": sms_id, "moUrl": _url(data, "callbackUrlMo")}
    options["acceptedAt"] = now if send_at is not None else None  # a scheduled message's created_at is later
    request = SendRequest(
        account=account,
        provider=wire.PROVIDER,
        destinations=(wire.msisdn(to, "recipient.to"),),
        text=text,
        origin=wire.sender(origin, "from"),
        force_ucs2=encoding == "UNICODE",
        client_ref=ref,
        callbacks=(CallbackTarget(url=status_url),) if status_url else (),
        options=f.compact(options),
        send_at=send_at,
    )
    draft = _draft(request, sms_id)
    if encoding == "GSM7" and draft.encoding is not Encoding.GSM7:
        raise f.invalid("body.encoding", "GSM7 was asked for but the text has characters outside GSM 03.38")
    return draft


def _rest_body(body: dict[str, Any]) -> tuple[str, str | None]:
    """``body.text`` and ``body.encoding``, a problem named by its full path."""
    named = {f"body.{key}": value for key, value in body.items()}
    text = f.required_str(named, "body.text", max_len=5000)
    return text, f.optional_enum(named, "body.encoding", ("GSM7", "UNICODE"))


def _object(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name)
    if value is None:
        raise f.invalid(name, "is required")
    if not isinstance(value, dict):
        raise f.invalid(name, "must be an object")
    return value


def sent_date(raw: object, now: float) -> float | None:
    """ISO 8601; without an offset the time is read as UTC. A time already past means "now"."""
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):
        raise f.invalid("sentDate", "must be an ISO 8601 date-time string")
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise f.invalid("sentDate", f"{raw!r} is not an ISO 8601 date-time such as 2026-01-31T09:30:00+01:00") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=to_datetime(0).tzinfo)
    return _deferral(moment.timestamp(), now, "sentDate")


def _deferral(when: float, now: float, name: str) -> float | None:
    """A send time as the lifecycle takes it: ``None`` for "now", refused when no date after it could be written."""
    if when > LATEST_INSTANT:
        raise f.invalid(name, f"must not be later than {iso(LATEST_INSTANT)}")
    return when if when > now else None


# -- sendSMSBatch.do --------------------------------------------------------------------------------------------
def parse_batch(raw: bytes, params: Mapping[str, str], account: Account, campaign_id: str, now: float) -> list[Draft]:
    """``sendSMSBatch.do``: one message per line of an uploaded CSV file, all under one campaign id.

    Columns, as documented: ``numero``, ``message``, ``emetteur`` and (in the 3.4 example) a fourth, read as that
    line's ``refClient``. An empty ``emetteur`` or ``refClient`` falls back to the request's parameter of that name.
    A first line naming the columns is skipped. The file is ISO-8859-15 (UTF-8 is taken too, as for every value).

    Every line is checked before any is sent: one bad line refuses the whole file, naming the line.
    """
    drafts: list[Draft] = []
    for line, cells in _rows(raw):
        if len(drafts) == MAX_POST_NUMBERS:  # our limit, as for numbers in one POST; smsmode documents none
            raise f.invalid(FILE, f"has more than {MAX_POST_NUMBERS} lines")
        row = {**params, "numero": cells[0], "message": cells[1] if len(cells) > 1 else ""}
        row.update({name: cell for name, cell in zip(_OPTIONAL_COLUMNS, cells[2:], strict=False) if cell.strip()})
        try:
            drafts.append(parse_http(row, account.name, campaign_id, now, "POST"))
        except InvalidRequest as error:
            raise f.invalid(FILE, f"line {line}: {error.detail}") from None
        origin = drafts[-1].request.origin
        if not account.owns_origin(origin):  # the send would refuse it, after the lines before it went out
            raise f.invalid(FILE, f"line {line}: emetteur: {origin!r} is not registered to this account")
    if not drafts:
        raise f.invalid(FILE, "has no line to send (expected numero,message[,emetteur[,refClient]])")
    return drafts


def _rows(raw: bytes) -> Iterator[tuple[int, list[str]]]:
    """Non-empty CSV records with the file line each starts on; the column names' line is skipped. Lines may end in
    LF, CRLF or a CR alone, as spreadsheets on a Mac write CSV (``newline=""`` leaves them to the csv reader)."""
    reader = csv.reader(io.StringIO(wire.decode(raw).lstrip("\ufeff"), newline=""))
    line = 1
    try:
        for cells in reader:
            first_line, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            if first_line == 1 and cells[0].strip().lower() == "numero":
                continue
            yield first_line, cells
    except csv.Error:  # the one left with newline="": a field past the reader's limit, often a quote left open
        limit = csv.field_size_limit()
        raise f.invalid(FILE, f"line {line}: a field is longer than {limit} characters (a quote left open?)") from None
