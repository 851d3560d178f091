"""Parsing of Live Link send requests (v2 ``SmsRequestV2`` and v1 ``SmsRequest``) into core terms."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Annotated, Any, cast

import msgspec

from mockgateway.dialects import fields as f
from mockgateway.domain.model import CallbackTarget, OAuth2Credentials, Options, Scalar, SendRequest

PROVIDER = "livelink"
MAX_DESTINATIONS = 1000
MAX_MESSAGE_CHARS = 5000  #: Live Link publishes no limit; beyond ~30 concatenated parts is certainly a bug

ACK_FLAGS = (
    "ackCountryCode", "ackDeliveredTime", "ackFinalOnly", "ackFinalStatus", "ackInternalStatus",
    "ackMTReceivedTime", "ackOperatorId", "ackTpoa",
)  # fmt: skip
ACK_TYPES = ("NONE", "ORDER", "MESSAGE")
_VALIDITY = re.compile(r"^([1-9][0-9]{0,4})([wdhm])$")  # [0-9]: int() would read other scripts' digits
_VALIDITY_UNITS = {"w": 604800, "d": 86400, "h": 3600, "m": 60}
_HEX = re.compile(r"^[0-9A-Fa-f]{1,16}$")
#: A short or long code (a long code with its country code, ``+`` optional) or an alphanumeric sender id of at
#: most 11 characters, the most the GSM originator address field carries.
_NUMERIC_ORIGIN = re.compile(r"\+?[0-9]{1,15}")
_ALPHANUMERIC_ORIGIN = re.compile(r"[A-Za-z0-9 .&'_-]{1,11}")
_ACK_FLAG_ITEM = re.compile(r"""\s*(['"]?)(\w+)\1\s*:\s*(['"]?)(true|false)\3\s*""", re.IGNORECASE)


def parse_v2(data: dict[str, Any], account: str) -> SendRequest:
    text = f.required_str(data, "message", max_len=MAX_MESSAGE_CHARS)
    encoding = f.optional_enum(data, "contentTextEncoding", ("UTF8", "UCS2")) if "contentTextEncoding" in data else None
    options: dict[str, Scalar] = dict(DEFAULT_OPTIONS)
    # Only the fields the request has are checked: most requests set a handful of some twenty options.
    for name in data:
        check = _V2_OPTIONS.get(name)
        if check is not None:
            options[name] = check(data, name)
    return _request(data, account, text, encoding == "UCS2", options)


def parse_v1(data: dict[str, Any], account: str) -> SendRequest:
    text = f.required_str(data, "body", max_len=MAX_MESSAGE_CHARS)
    encoding = f.optional_enum(data, "contentTextEncoding", ("8b", "BIG5", "UTF8", "GB2312", "8859-7", "UCS2"))
    channel = f.optional_str(data, "channel", max_len=16)
    if channel is not None and channel.upper() != "SMS":
        raise f.invalid("channel", "only SMS is supported")
    ack_type = f.optional_enum(data, "ackType", ACK_TYPES)
    options: dict[str, Scalar] = {"api": "v1", "ackType": ack_type or "ORDER", "acknowledgement": True}
    options.update(parse_ack_flags(f.optional_str(data, "ackFlags", max_len=1024)))
    options.update({name: check(data, name) for name, check in _COMMON_OPTIONS.items()})
    options["operatorId"] = f.optional_str(data, "operatorId", max_len=16)
    return _request(data, account, text, encoding in ("UCS2", "BIG5", "GB2312"), options)


def parse_ack_flags(raw: str | None) -> dict[str, Scalar]:
    """v1 ``ackFlags``: an object literal such as ``{ackOperatorId: true, ackTpoa: false}`` (keys may be quoted).

    Anything else is refused rather than read in part: unbalanced braces, an empty or repeated entry, an unknown
    flag, or a value other than true or false.
    """
    text = (raw or "").strip()
    if not text:
        return {}
    if text.startswith("{") != text.endswith("}") or text.count("{") > 1 or text.count("}") > 1:
        raise f.invalid("ackFlags", f"{raw!r} is not an object literal such as '{{ackOperatorId: true}}'")
    inner = text.removeprefix("{").removesuffix("}")
    flags: dict[str, Scalar] = {}
    for item in inner.split(",") if inner.strip() else ():
        match = _ACK_FLAG_ITEM.fullmatch(item)
        if match is None or match.group(2) not in (*ACK_FLAGS, "ackTimeInGMT") or match.group(2) in flags:
            raise f.invalid("ackFlags", f"{item.strip()!r} is not '<ackFlag>: true|false' for a flag not yet given")
        flags[match.group(2)] = match.group(4).lower() == "true"
    return flags


def _pid(data: Mapping[str, Any], name: str) -> str | None:
    pid = f.optional_str(data, name, max_len=16)
    if pid is not None and not _HEX.match(pid):
        raise f.invalid(name, "must be a hexadecimal string")
    return pid


_Check = Callable[[Mapping[str, Any], str], Scalar]
_COMMON_OPTIONS: dict[str, _Check] = {
    "messageClass": lambda data, name: f.optional_enum(data, name, ("0", "1", "2", "3")),
    "mobileNotification": lambda data, name: f.optional_enum(data, name, ("YES", "NO")),
    "sessionId": lambda data, name: f.optional_str(data, name, max_len=1024),
    "clientId": f.optional_int,
    "pId": _pid,
}
#: Every v2 option field and its check; absent fields keep the defaults set in ``parse_v2``.
_V2_OPTIONS: dict[str, _Check] = {
    "ackType": lambda data, name: f.optional_enum(data, name, ACK_TYPES) or "ORDER",
    "acknowledgement": f.optional_bool,
    "ackTimeInGMT": lambda data, name: f.optional_bool(data, name, default=True),
    **dict.fromkeys(ACK_FLAGS, f.optional_bool),
    **_COMMON_OPTIONS,
    "operatorId": f.optional_int,
    "randomId": lambda data, name: f.optional_int(data, name, minimum=-(2**63)),
}


def _request(data: dict[str, Any], account: str, text: str, ucs2: bool, options: dict[str, Scalar]) -> SendRequest:
    destinations = parse_destinations(data.get("destination"))
    # Each optional field is looked at only when the request has it: most requests have few of them.
    validity = parse_validity(f.optional_str(data, "validityPeriod", max_len=8)) if "validityPeriod" in data else None
    origin = parse_origin(data["origin"]) if "origin" in data else None
    subject = f.optional_str(data, "subject", max_len=255) if "subject" in data else None
    if subject is not None:
        options["subject"] = subject
    callbacks = parse_callbacks(data.get("callback"))
    return SendRequest(
        account=account,
        provider=PROVIDER,
        destinations=destinations,
        text=text,
        origin=origin,
        force_ucs2=ucs2,
        validity_s=validity,
        client_ref=subject,
        handset_ack=options["ackType"] == "MESSAGE",  # the ask for a handset ACK
        callbacks=callbacks,
        options=f.compact(options),
    )


def parse_origin(raw: object) -> str | None:
    """``origin``: absent or null for the account's default, else a number or a sender id."""
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise f.invalid("origin", "must be a string")
    if not raw.strip():
        raise f.invalid("origin", "must not be empty")
    if not (_NUMERIC_ORIGIN.fullmatch(raw) or _ALPHANUMERIC_ORIGIN.fullmatch(raw)):
        raise f.invalid("origin", f"{raw!r} is not a number of up to 15 digits or a sender id of up to 11 characters")
    return raw


def parse_destinations(raw: object) -> tuple[str, ...]:
    if raw is None:
        raise f.invalid("destination", "is required")
    if isinstance(raw, str):
        return (f.msisdn(raw, "destination"),)
    if not isinstance(raw, list):
        raise f.invalid("destination", "must be a string or an array of strings")
    if not raw:
        raise f.invalid("destination", "must list at least one number")
    if len(raw) > MAX_DESTINATIONS:
        raise f.invalid("destination", f"must list at most {MAX_DESTINATIONS} numbers")
    numbers = tuple(map(f.msisdn_or_none, raw))
    if None in numbers:  # name the first bad one
        for i, item in enumerate(raw):
            f.msisdn(item, f"destination[{i}]")
    return cast("tuple[str, ...]", numbers)  # no None left


def parse_validity(raw: str | None) -> int | None:
    """``validityPeriod``: a number and a unit, weeks/days/hours/minutes (``1w``, ``2d``, ``3h``, ``30m``)."""
    if raw is None:
        return None
    match = _VALIDITY.match(raw.strip())
    if not match:
        raise f.invalid("validityPeriod", f"{raw!r} is not a period such as 1w, 2d, 3h or 30m")
    return int(match.group(1)) * _VALIDITY_UNITS[match.group(2)]


def parse_callbacks(raw: object) -> tuple[CallbackTarget, ...]:
    if raw is None or raw == "":
        return ()
    if isinstance(raw, str):
        return (_callback(raw, "callback"),)
    if not isinstance(raw, list) or len(raw) > 10:
        raise f.invalid("callback", "must be a URL, a list of URLs or a list of callback objects (at most 10)")
    return tuple(_callback(item, f"callback[{i}]") for i, item in enumerate(raw))


def _callback(item: object, name: str) -> CallbackTarget:
    if isinstance(item, str):
        return CallbackTarget(url=f.http_url(item, name))
    if not isinstance(item, dict):
        raise f.invalid(name, "must be a URL or an object with 'url'")
    url = f.http_url(item.get("url"), f"{name}.url")
    auth_type = item.get("authType")
    if auth_type not in (None, "NONE", "OAUTH2"):
        raise f.invalid(f"{name}.authType", "must be one of NONE, OAUTH2")
    if auth_type != "OAUTH2":
        return CallbackTarget(url=url)
    oauth = item.get("oAuth2")
    if not isinstance(oauth, dict):
        raise f.invalid(f"{name}.oAuth2", "is required when authType is OAUTH2")
    return CallbackTarget(
        url=url,
        oauth2=OAuth2Credentials(
            client_id=_nested_str(oauth, "oAuthClient", f"{name}.oAuth2.oAuthClient"),
            client_secret=_nested_str(oauth, "oAuthSecret", f"{name}.oAuth2.oAuthSecret"),
            token_url=f.http_url(oauth.get("tokenUrl"), f"{name}.oAuth2.tokenUrl"),
        ),
    )


def _nested_str(data: dict[str, Any], key: str, name: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise f.invalid(name, "is required, a non-empty string")
    return value


# -- the common v2 send, decoded straight into a typed struct ---------------------------------------------------
# Most v2 sends name their destinations, a text and at most a callback URL. msgspec decodes such a body and checks
# its types in C, where ``parse_v2`` reads it into a dict and checks field after field in Python. Any other
# body (another field, a wrong type, a bad number or URL, a blank text) is left to ``parse_v2``, which accepts it or
# names the problem as Live Link does, so every answer stays as it was; for the bodies accepted here both give the
# same ``SendRequest``.
class CommonSend(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    message: Annotated[str, msgspec.Meta(max_length=MAX_MESSAGE_CHARS)]  # characters, as ``len`` counts them
    destination: list[str] | str  #: as the client wrote it, which the answer repeats
    callback: str | None = None


_decode_common = msgspec.json.Decoder(CommonSend).decode
#: The options ``parse_v2`` gives a send that sets none.
DEFAULT_OPTIONS: Options = (("api", "v2"), ("ackType", "ORDER"), ("ackTimeInGMT", True))


def decode_common(body: bytes) -> CommonSend | None:
    """The body as a common send; ``None`` for any other body."""
    try:
        return _decode_common(body)
    except msgspec.DecodeError:  # a ValidationError too
        return None


def common_request(sent: CommonSend, account: str) -> SendRequest | None:
    """The request ``parse_v2`` would give; ``None`` when it would refuse it, so that it says why."""
    written = [sent.destination] if isinstance(sent.destination, str) else sent.destination
    numbers = tuple(map(f.msisdn_or_none, written))
    callback = sent.callback
    if not sent.message.strip() or not 0 < len(numbers) <= MAX_DESTINATIONS or None in numbers:
        return None
    if callback is None or callback == "":
        callbacks: tuple[CallbackTarget, ...] = ()
    elif f.is_http_url(callback):
        callbacks = (CallbackTarget(url=callback),)
    else:
        return None
    return SendRequest(
        account=account,
        provider=PROVIDER,
        destinations=cast("tuple[str, ...]", numbers),  # no None
        text=sent.message,
        callbacks=callbacks,
        options=DEFAULT_OPTIONS,
    )
