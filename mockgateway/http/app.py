"""The application factory, and the provider routes it mounts: each dialect's endpoints, where every failure is
rendered in that provider's own error format."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from types import MappingProxyType

import msgspec
from aiohttp import web

from mockgateway.bootstrap import build_gateway
from mockgateway.config import Settings
from mockgateway.demo import demo_traffic
from mockgateway.dialects.base import Dialect, Handler, WireResponse
from mockgateway.dialects.livelink import LiveLinkDialect
from mockgateway.dialects.mobivate import MobivateDialect
from mockgateway.dialects.smsmode import smsmode_dialects
from mockgateway.dialects.textapp import TextAppDialect
from mockgateway.domain.errors import GatewayError, MethodNotAllowed, UnknownEndpoint
from mockgateway.http import admin, admin_control, metrics, ui
from mockgateway.http.admin_common import (
    ADMIN_ROOT,
    GATEWAY,
    SETTINGS,
    admin_routes,
    answering_errors,
    body_too_large,
    error_response,
    unreadable_body,
)
from mockgateway.runtime import ticking
from mockgateway.service.gateway import Gateway

#: Larger request bodies are refused in the provider's error format.
MAX_BODY_BYTES = 1024 * 1024
#: How long a stop waits for the gateway to close (callbacks abandoned, state flushed, the store closed).
CLOSE_DEADLINE_S = 12.0
log = logging.getLogger(__name__)
_JSON = "application/json"
_NO_QUERY: Mapping[str, str] = MappingProxyType({})
#: A root itself, or any path below it.
_ANY_TAIL = "{tail:(?:/.*)?}"


def create_app(settings: Settings, *, gateway: Gateway | None = None) -> web.Application:
    gateway = gateway or build_gateway(settings)
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app[SETTINGS] = settings
    app[GATEWAY] = gateway
    metrics.install(app)  # before the dialects are mounted, so their requests are timed
    dialects = (
        LiveLinkDialect(gateway, status_list_key=settings.status_list_key),
        MobivateDialect(gateway),
        TextAppDialect(gateway),
        *smsmode_dialects(gateway),  # HTTP API 1.6 and REST: two error formats, one shared state
    )
    for dialect in dialects:
        mount(app, dialect, MAX_BODY_BYTES)
    for routes in (admin.routes, admin_control.routes, ui.routes):
        app.router.add_routes(admin_routes(routes))
    ui.install_event_stream(app)  # ended at shutdown
    mount_admin_fallback(app)  # after every admin route
    for dialect in dialects:  # last: they take what no route above answers
        mount_fallbacks(app, dialect)
    app.on_shutdown.append(_stop_waiting)
    app.cleanup_ctx.append(_lifetime)
    return app


async def _stop_waiting(app: web.Application) -> None:
    # aiohttp calls this before it waits for the requests in flight: a parked one would hold the stop for minutes.
    app[GATEWAY].stop_waiting()


async def _lifetime(app: web.Application) -> AsyncIterator[None]:
    gateway, settings = app[GATEWAY], app[SETTINGS]
    await gateway.open()
    async with ticking(gateway), contextlib.AsyncExitStack() as demo:
        if settings.demo:  # starts once the store is open, stops before it closes
            await demo.enter_async_context(demo_traffic(gateway, rate=settings.demo_rate, seed=settings.seed))
        yield
    try:  # a stop is bounded: what is still pending stays recorded as pending for the next start
        await asyncio.wait_for(gateway.close(), CLOSE_DEADLINE_S)
    except TimeoutError:
        log.error("closing the gateway took more than %.0f s; stopping without waiting longer", CLOSE_DEADLINE_S)


class ReceivedRequest(msgspec.Struct, frozen=True, kw_only=True):
    """A request as the dialects read it (a ``WireRequest``): the headers and body, which every handler reads,
    taken up front; the rest read from aiohttp's request when a handler asks (the common send never does, and
    each is a property of aiohttp's, the path a decoding of yarl's)."""

    headers: Mapping[str, str]
    body: bytes
    received: web.Request

    @property
    def method(self) -> str:
        return self.received.method

    @property
    def path(self) -> str:
        return self.received.path

    @property
    def raw_query(self) -> str:
        return self.received.rel_url.raw_query_string

    @property
    def query(self) -> Mapping[str, str]:
        return self.received.query if self.raw_query else _NO_QUERY  # parsing even an empty query costs a few µs

    @property
    def params(self) -> Mapping[str, str]:
        return self.received.match_info


def mount(app: web.Application, dialect: Dialect, max_body: int) -> None:
    timed_by = app.get(metrics.METRICS)
    for endpoint in dialect.endpoints():
        observe = timed_by.observer(dialect.name, f"{endpoint.method} {endpoint.path}") if timed_by else _ignore
        app.router.add_route(endpoint.method, endpoint.path, _adapt(dialect, endpoint.handler, max_body, observe))


def mount_fallbacks(app: web.Application, dialect: Dialect) -> None:
    """After every dialect is mounted: what no endpoint answers under the dialect's roots, it answers as an error.

    The router tries these catch-all routes last, so they cost the requests that do match nothing.
    """
    paths = {endpoint.path for endpoint in dialect.endpoints()}
    resources = [resource for resource in app.router.resources() if resource.canonical in paths]
    fallback = _fallback(resources, lambda error: _to_web(dialect.render_error(error)))
    for root in dialect.path_roots:
        app.router.add_route("*", root + _ANY_TAIL, fallback)


def mount_admin_fallback(app: web.Application) -> None:
    """After every admin route: a path under ``/__admin`` that none serves is a JSON 404, and a method its path
    does not take a JSON 405 with ``Allow``, where aiohttp would answer in plain text. The admin token is asked
    first, so an unknown path tells nothing to a caller without it."""
    resources = [resource for resource in app.router.resources() if resource.canonical.startswith(ADMIN_ROOT)]
    app.router.add_route("*", ADMIN_ROOT + _ANY_TAIL, answering_errors(_fallback(resources, error_response)))


def _fallback(
    resources: list[web.AbstractResource], render: Callable[[GatewayError], web.Response]
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """Refuses what ``resources`` do not serve, rendered by ``render``, naming in ``Allow`` the methods they do."""

    async def handle(request: web.Request) -> web.StreamResponse:
        allowed: set[str] = set()  # the methods served at the request's path, if any
        for resource in resources:
            allowed |= (await resource.resolve(request))[1]
        methods = ", ".join(sorted(allowed))
        response = render(_unserved(request, methods))
        if methods:
            response.headers["Allow"] = methods
        return response

    return handle


def _unserved(request: web.Request, methods: str) -> GatewayError:
    """Why a fallback refuses the request: its method, where the path serves ``methods``, or else its path."""
    if methods:
        return MethodNotAllowed(f"{request.method} is not allowed on {request.path} (allowed: {methods})")
    return UnknownEndpoint(f"nothing is served at {request.path}")


def _ignore(seconds: float) -> None:
    return None


def _adapt(
    dialect: Dialect, handler: Handler, max_body: int, observe: Callable[[float], None]
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    clock = time.perf_counter

    # One frame per request: no middleware or timing wrapper around it, since this is the send path.
    async def handle(request: web.Request) -> web.StreamResponse:
        started = clock()
        try:
            content = request.content
            # A body that came whole with its head, as a send's does, is taken as it is: aiohttp's read() copies
            # it, and awaits two reads to find its end.
            body = content.read_nowait() if content.is_eof() else await request.read()
            if len(body) > max_body:  # as read() refuses one
                raise web.HTTPRequestEntityTooLarge(max_size=max_body, actual_size=len(body))
            wire = ReceivedRequest(headers=request.headers, body=body, received=request)
            response = await handler(wire)  # mypy proves the struct fits the dialects' WireRequest
        except web.HTTPRequestEntityTooLarge:
            response = dialect.render_error(body_too_large(max_body))
        except web.RequestPayloadError:
            unreadable = _to_web(dialect.render_error(unreadable_body(request)))
            unreadable.force_close()  # where a next request would start is unknown
            return unreadable
        except GatewayError as error:
            response = dialect.render_error(error)
        except ConnectionResetError:  # the client is gone (or its body was overdue): no one to answer
            return web.Response(status=408)
        except Exception:
            log.exception("unexpected failure in %s %s", request.method, request.path)
            response = dialect.render_error(GatewayError())
        answer = _to_web(response)
        observe(clock() - started)
        return answer

    return handle


def _to_web(response: WireResponse) -> web.Response:
    if response.headers is None and response.content_type == _JSON:  # the common answer, without parsing
        return web.Response(status=response.status, body=response.body, content_type=_JSON)
    # As a header, the content type goes out as the dialect wrote it, charset and all ("text/xml; charset=utf-8").
    headers = {"Content-Type": response.content_type, **(response.headers or {})}
    return web.Response(status=response.status, body=response.body, headers=headers)
