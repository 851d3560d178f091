"""The application factory."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

from aiohttp import web

from mockgateway.bootstrap import build_gateway
from mockgateway.config import Settings
from mockgateway.demo import demo_traffic
from mockgateway.dialects.livelink import LiveLinkDialect
from mockgateway.dialects.mobivate import MobivateDialect
from mockgateway.dialects.smsmode import smsmode_dialects
from mockgateway.dialects.textapp import TextAppDialect
from mockgateway.http import admin, admin_control, metrics, ui
from mockgateway.http.admin_common import GATEWAY, SETTINGS, admin_routes
from mockgateway.http.provider import mount, mount_fallbacks
from mockgateway.runtime import ticking
from mockgateway.service.gateway import Gateway

#: Larger request bodies are refused in the provider's error format.
MAX_BODY_BYTES = 1024 * 1024
#: How long a stop waits for the gateway to close (callbacks abandoned, state flushed, the store closed).
CLOSE_DEADLINE_S = 12.0
log = logging.getLogger(__name__)


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
    for dialect in dialects:  # last: they take what no route above answers
        mount_fallbacks(app, dialect)
    app.cleanup_ctx.append(_lifetime)
    if settings.demo:
        app.cleanup_ctx.append(_demo)  # after _lifetime: starts once the store is open, stops before it closes
    return app


async def _demo(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    async with demo_traffic(app[GATEWAY], rate=settings.demo_rate, seed=settings.seed):
        yield


async def _lifetime(app: web.Application) -> AsyncIterator[None]:
    gateway = app[GATEWAY]
    await gateway.open()
    async with ticking(gateway):
        yield
    try:  # a stop is bounded: what is still pending stays recorded as pending for the next start
        await asyncio.wait_for(gateway.close(), CLOSE_DEADLINE_S)
    except TimeoutError:
        log.error("closing the gateway took more than %.0f s; stopping without waiting longer", CLOSE_DEADLINE_S)
