"""Checks for request fields; every failure names the field, for the dialect to render."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, TypeGuard

import orjson

from mockgateway.domain.durations import is_whole_number
from mockgateway.domain.errors import InvalidRequest
from mockgateway.domain.model import Options, Scalar, is_callback_url


def json_object(raw: bytes, *, empty_ok: bool = False, why: bool = True) -> dict[str, Any]:
    """A request body that must be one JSON object (an empty body is ``{}`` when ``empty_ok``); a body that is not
    JSON is told the parser's reason too when ``why``."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        if not raw.strip():  # checked only on failure: strip() copies the body
            if empty_ok:
                return {}
            raise invalid("body", "the request body is empty; a JSON object is expected") from None
        reason = f": {error}" if why else ""
        raise invalid("body", f"the request body is not valid JSON{reason}") from None
    if not isinstance(data, dict):
        raise invalid("body", "the request body must be a JSON object")
    return data


def kept_json(payload: object) -> bytes:
    """``payload`` as JSON, in a right-sized copy, for bodies that are kept (callbacks: until delivered, then in
    the delivery log).

    orjson writes into a 1 kB block and shrinks it in place. By the ten thousand, kept shrunk blocks fragment the
    C heap until every further allocation crawls: a 100,000-callback burst spent more time in malloc than in
    building the bodies. A copy frees the block at once, for the next body to reuse.
    """
    return b"%b" % orjson.dumps(payload)


def compact(options: dict[str, Scalar]) -> Options:
    """A request's options as kept: those given, a null or false one left out."""
    values = options.values()
    if None not in values and False not in values:  # most requests (``0 == False`` only costs the longer way)
        return tuple(options.items())
    return tuple([(key, value) for key, value in options.items() if value is not None and value is not False])


def invalid(name: str, problem: str) -> InvalidRequest:
    return InvalidRequest(f"{name}: {problem}", field=name)


def optional_str(data: Mapping[str, Any], name: str, *, max_len: int = 255) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid(name, "must be a string")
    if len(value) > max_len:
        raise invalid(name, f"must be at most {max_len} characters")
    return value


def required_str(data: Mapping[str, Any], name: str, *, max_len: int = 255) -> str:
    value = optional_str(data, name, max_len=max_len)
    if value is None:
        raise invalid(name, "is required")
    if not value.strip():
        raise invalid(name, "must not be empty")
    return value


def optional_bool(data: Mapping[str, Any], name: str, default: bool = False) -> bool:
    value = data.get(name)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise invalid(name, "must be true or false")
    return value


def optional_int(data: Mapping[str, Any], name: str, *, minimum: int = 0, maximum: int = 2**63 - 1) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, str) and is_whole_number(value.strip().removeprefix("-")):
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise invalid(name, "must be an integer")
    if not minimum <= value <= maximum:
        raise invalid(name, f"must be between {minimum} and {maximum}")
    return value


def optional_enum(data: Mapping[str, Any], name: str, allowed: Collection[str]) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or value not in allowed:
        raise invalid(name, f"must be one of {', '.join(allowed)}")
    return value


def msisdn(value: object, name: str) -> str:
    """An international number as E.164 digits without '+'; spaces and dashes are not accepted."""
    number = msisdn_or_none(value)
    if number is not None:
        return number
    if not isinstance(value, str):
        raise invalid(name, "must be a string of digits")
    if not value.strip():
        raise invalid(name, "must not be empty")
    raise invalid(name, f"{value!r} is not an international phone number (up to 15 digits)")


def msisdn_or_none(value: object) -> str | None:
    r"""``msisdn`` without naming the field: None for anything but a valid number.

    Valid: an optional ``+``, then 6 to 15 ASCII digits, the first 1-9 (``^\+?[1-9][0-9]{5,14}$``, checked with
    string methods in half the time of the regular expression's match, on every send). Other scripts' digits make
    no phone number, though ``isdecimal`` (and ``\d``) take them."""
    if isinstance(value, str):
        digits = value.strip()
        if digits[:1] == "+":
            digits = digits[1:]
        if 6 <= len(digits) <= 15 and "1" <= digits[0] <= "9" and digits.isascii() and digits.isdecimal():
            return digits
    return None


def http_url(value: object, name: str) -> str:
    if not is_http_url(value):
        raise invalid(name, "must be an http(s) URL of at most 2048 characters")
    return value


def is_http_url(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and len(value) <= 2048 and is_callback_url(value)
