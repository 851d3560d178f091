"""Live Link's error body: the ``LiveLinkResponse`` error fields of its published spec."""

from __future__ import annotations

from http import HTTPStatus

import orjson

from mockgateway.clock import to_datetime
from mockgateway.dialects.base import WireResponse, retry_after
from mockgateway.domain.errors import GatewayError
from mockgateway.service.tokens import TokenExpired

DOC_URL = "https://livelink.sapdigitalinterconnect.com/documentation/"

#: ``apiErrorCode`` per core error code. Live Link documents the field but not its values; these are ours.
API_ERROR_CODES = {
    "invalid_request": 4000,
    "unauthorized": 4010,
    "quota_exceeded": 4020,
    "forbidden": 4030,
    "not_found": 4040,
    "method_not_allowed": 4050,
    "body_too_large": 4130,
    "conflict": 4090,
    "rate_limited": 4290,
    "provider_failure": 5000,
    "store_unavailable": 5030,
    "internal_error": 5000,
}

_USER_MESSAGES = {
    400: "The request is invalid",
    401: "Authentication failed",
    402: "The account's message allowance is used up",
    403: "You may not send this request",
    404: "Not found",
    405: "Method not allowed",
    413: "The request body is too large",
    429: "Too many requests, slow down",
    502: "Bad gateway",
    503: "Service unavailable, try again later",
    504: "Gateway timeout",
}


def status_line(status: int) -> str:
    """``httpStatusCode`` as Live Link writes it, e.g. ``400 BAD_REQUEST``."""
    try:
        return f"{status} {HTTPStatus(status).name}"
    except ValueError:
        return str(status)


def expired(error: TokenExpired) -> str:
    return f"JWT expired at {_stamp(error.expired_at)}. Current time: {_stamp(error.now)}"


def render_error(error: GatewayError) -> WireResponse:
    status = error.http_status
    body = {
        "httpStatusCode": status_line(status),
        "apiErrorCode": API_ERROR_CODES.get(error.code, 5000),
        "userMessage": error.detail if status == 400 else _USER_MESSAGES.get(status, "Internal server error"),
        "debugMessage": expired(error) if isinstance(error, TokenExpired) else error.detail,
        "docUrl": DOC_URL,
    }
    headers = {"WWW-Authenticate": 'Bearer realm="livelink"'} if status == 401 else retry_after(error)
    return WireResponse(status, orjson.dumps(body), headers=headers or None)


def _stamp(epoch: float) -> str:
    return to_datetime(epoch).strftime("%Y-%m-%dT%H:%M:%SZ")
