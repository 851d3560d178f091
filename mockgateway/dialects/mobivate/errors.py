"""Mobivate's error body: ``{"code": <HTTP status>, "message": "<text>"}``."""

from __future__ import annotations

import orjson

from mockgateway.dialects.base import WireResponse, retry_after
from mockgateway.domain.errors import GatewayError, StoreUnavailable

#: Statuses whose message is Mobivate's fixed phrase; 400 and 403 carry the specific problem instead.
_PHRASES = {
    401: "Unauthorized",
    402: "Payment Required",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> WireResponse:
    return WireResponse(status, orjson.dumps({"code": status, "message": message}), headers=headers)


def render_error(error: GatewayError) -> WireResponse:
    status = error.http_status
    message = _PHRASES.get(status, error.detail)
    if isinstance(error, StoreUnavailable):  # the phrase, and why: it is the gateway's own state that is away
        message = f"{message}: {error.detail}"
    return error_response(status, message, retry_after(error) or None)
