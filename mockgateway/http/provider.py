"""Mounts a dialect's endpoints; every failure is rendered in that provider's own error format."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from mockgateway.dialects.base import Dialect, Handler, WireRequest, WireResponse
from mockgateway.domain.errors import GatewayError, InvalidRequest
from mockgateway.http.metrics import METRICS

log = logging.getLogger(__name__)


def mount(app: web.Application, dialect: Dialect, max_body: int) -> None:
    metrics = app.get(METRICS)
    for endpoint in dialect.endpoints():
        handler = _adapt(dialect, endpoint.handler, max_body)
        if metrics is not None:  # request latency, per route
            handler = metrics.timed(handler, dialect.name, f"{endpoint.method} {endpoint.path}")
        app.router.add_route(endpoint.method, endpoint.path, handler)


def _adapt(dialect: Dialect, handler: Handler, max_body: int) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handle(request: web.Request) -> web.StreamResponse:
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            error = InvalidRequest(f"the request body is larger than {max_body} bytes", field="body")
            return _to_web(dialect.render_error(error))
        wire = WireRequest(
            request.method,
            request.path,
            request.query,
            request.headers,
            body,
            request.match_info,
            raw_query=request.rel_url.raw_query_string,
        )
        try:
            response = await handler(wire)
        except GatewayError as error:
            response = dialect.render_error(error)
        except Exception:
            log.exception("unexpected failure in %s %s", request.method, request.path)
            response = dialect.render_error(GatewayError())
        return _to_web(response)

    return handle


def _to_web(response: WireResponse) -> web.Response:
    # aiohttp takes the charset apart from the media type ("text/xml; charset=utf-8").
    content_type, _, parameters = response.content_type.partition(";")
    charset = parameters.partition("charset=")[2].strip() or None
    return web.Response(
        status=response.status,
        body=response.body,
        content_type=content_type.strip(),
        charset=charset,
        headers=response.headers,
    )
