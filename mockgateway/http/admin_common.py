"""Shared plumbing of the admin API: the app's typed keys, the admin token, JSON in and out, errors as
``{"error", "message", "field"}``.

With ``--admin-token`` set, every ``/__admin`` route asks for the token but the health check (for load balancers
and container probes), the UI's page and files and the OpenAPI document: they hold no data, and a browser cannot
send a bearer token when it opens a page. The page asks for the token once, keeps it for the tab, and sends it
with every call.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import orjson
from aiohttp import web

from mockgateway.config import Settings
from mockgateway.dialects.fields import json_object, optional_int
from mockgateway.domain.errors import BodyTooLarge, GatewayError, InvalidRequest, Unauthorized
from mockgateway.service.gateway import Gateway

GATEWAY = web.AppKey("gateway", Gateway)
SETTINGS = web.AppKey("settings", Settings)
AdminHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]

#: Routes open to anyone.
PUBLIC_PATHS = frozenset(
    {"/", "/__admin/health", "/__admin/openapi.json", "/__admin/ui", "/__admin/ui/", "/__admin/ui/{name}"}
)
ADMIN_ROOT = "/__admin"


class AdminUnauthorized(Unauthorized):
    message = "this gateway's admin API needs its token: send 'Authorization: Bearer <token>'"


def check_admin_token(request: web.Request) -> None:
    """Raise ``AdminUnauthorized`` unless the request carries the configured token (or none is configured)."""
    expected = request.app[SETTINGS].admin_token
    if expected is None:
        return
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    # compare_digest: the time taken does not tell how many leading characters were right.
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise AdminUnauthorized()


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.Response(status=status, body=orjson.dumps(data), content_type="application/json")


def error_response(error: GatewayError) -> web.Response:
    response = json_response({"error": error.code, "message": error.detail, "field": error.field}, error.http_status)
    if isinstance(error, AdminUnauthorized):
        response.headers["WWW-Authenticate"] = 'Bearer realm="mockgateway admin"'
    if error.retry_after is not None:
        response.headers["Retry-After"] = str(error.retry_after)
    if isinstance(error, UnreadableBody):
        response.force_close()
    return response


def answering_errors(handler: AdminHandler, *, public: bool = False) -> AdminHandler:
    """Admin routes check the admin token (unless ``public``) and answer every failure as JSON. Wrapped route by
    route, not as a middleware: provider routes render their own errors and take no admin token, and a
    middleware would cost every provider request two more frames."""

    async def handle(request: web.Request) -> web.StreamResponse:
        try:
            if not public:
                check_admin_token(request)
            return await handler(request)
        except GatewayError as error:
            return error_response(error)

    return handle


def admin_routes(table: web.RouteTableDef) -> list[web.AbstractRouteDef]:
    return [
        web.RouteDef(d.method, d.path, answering_errors(d.handler, public=d.path in PUBLIC_PATHS), d.kwargs)
        if isinstance(d, web.RouteDef)
        else d
        for d in table
    ]


class UnreadableBody(InvalidRequest):
    """A body aiohttp could not decode (``RequestPayloadError``): compressed data its ``Content-Encoding`` does not
    inflate, or chunks whose framing breaks after the head was read. Its answer closes the connection: where a
    next request would start is unknown."""

    message = "body: the request body cannot be read: its Content-Encoding or chunked framing is broken"


def unreadable_body(request: web.Request) -> UnreadableBody:
    """The refusal of ``request``'s body, marked as read: aiohttp would otherwise read its rest after the answer,
    meet the same error again and log it as unhandled."""
    request.content.feed_eof()
    return UnreadableBody(field="body")


def body_too_large(most: int) -> BodyTooLarge:
    """The refusal of a body over ``most`` bytes, by an admin route or a provider's."""
    return BodyTooLarge(f"the request body is larger than {most} bytes, the most accepted", field="body")


async def json_body(request: web.Request, *, allowed: tuple[str, ...]) -> dict[str, Any]:
    """The body's JSON object, refusing a key the route does not take: a misspelt one would pass unnoticed."""
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise body_too_large(request.client_max_size) from None
    except web.RequestPayloadError:
        raise unreadable_body(request) from None
    data = json_object(raw, empty_ok=True)
    refuse_unknown("field", data, allowed)
    return data


def refuse_unknown(what: str, given: Iterable[str], allowed: tuple[str, ...]) -> None:
    """Refuse the names in ``given`` that are not ``allowed``, naming the first, as a ``what`` (field, filter)."""
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        expected = ", ".join(allowed)
        raise InvalidRequest(f"unknown {what} {', '.join(unknown)} (expected one of {expected})", field=unknown[0])


def int_param(request: web.Request, name: str, default: int, *, minimum: int = 0, maximum: int = 10_000) -> int:
    """A whole number in ``minimum``-``maximum``; absent or empty, ``default``."""
    value = optional_int(request.query, name, minimum=minimum, maximum=maximum) if request.query.get(name) else None
    return default if value is None else value
