"""Shared plumbing of the admin API: JSON in and out, errors as ``{"error", "message", "field"}``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from aiohttp import web

from mockgateway.dialects.fields import json_object
from mockgateway.domain.errors import GatewayError, InvalidRequest

AdminHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.Response(status=status, body=orjson.dumps(data), content_type="application/json")


def error_response(error: GatewayError) -> web.Response:
    return json_response({"error": error.code, "message": error.detail, "field": error.field}, error.http_status)


@web.middleware
async def admin_errors(request: web.Request, handler: AdminHandler) -> web.StreamResponse:
    """Admin routes answer every failure as JSON; provider routes render their own."""
    if not request.path.startswith("/__admin"):
        return await handler(request)
    try:
        return await handler(request)
    except GatewayError as error:
        return error_response(error)


async def json_body(request: web.Request) -> dict[str, Any]:
    return json_object(await request.read(), empty_ok=True)


def int_param(request: web.Request, name: str, default: int, *, minimum: int = 0, maximum: int = 10_000) -> int:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidRequest(f"{name}: must be an integer", field=name) from None
    if not minimum <= value <= maximum:
        raise InvalidRequest(f"{name}: must be between {minimum} and {maximum}", field=name)
    return value
