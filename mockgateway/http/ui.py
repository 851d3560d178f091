"""The web UI: static files shipped in the package, served under ``/__admin/ui/``; ``/`` leads there. And
``/__admin/openapi.json``: the admin API's OpenAPI 3 document, shipped in the package as YAML.

Both are open without the admin token: they describe the API and hold no data. ``GET /__admin/events``, what the
gateway does as a Server-Sent Events stream for the UI, asks for it like the rest of the admin API.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import re
from pathlib import Path
from typing import Any

import orjson
import yaml
from aiohttp import web

from mockgateway import __version__
from mockgateway.domain.errors import NotFound
from mockgateway.http.admin_common import GATEWAY, answering_errors
from mockgateway.service.events import Event

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).with_name("static")
UI_PATH = "/__admin/ui/"
DOCUMENT_PATH = Path(__file__).with_name("openapi") / "admin.yaml"

# Explicit types: guessing from the platform's MIME tables can serve modules as text/plain, which browsers refuse.
# Text is UTF-8, said so that a browser need not guess.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml; charset=utf-8",
    ".png": "image/png",
    ".ico": "image/x-icon",
}
#: The UI's files, the document and the event stream: a browser checks with the gateway before reusing a copy.
_NO_CACHE = {"Cache-Control": "no-cache"}
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*\.[a-z]+$")

routes = web.RouteTableDef()


@routes.get("/")
@routes.get("/__admin/ui")
async def to_ui(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound(UI_PATH)


@routes.get(UI_PATH)
@routes.get(UI_PATH + "{name}")
async def asset(request: web.Request) -> web.Response:
    """A file of the UI; the page itself at the UI's own path."""
    name = request.match_info.get("name", "index.html")
    path = STATIC_DIR / name
    content_type = CONTENT_TYPES.get(path.suffix)
    # Only plain file names of known kinds: no sub-paths, so nothing outside the directory is reachable.
    if not _NAME.match(name) or content_type is None or not path.is_file():
        raise NotFound(f"no UI file named {name!r}", field="name")
    return web.Response(body=path.read_bytes(), headers={"Content-Type": content_type, **_NO_CACHE})


# A lazily loaded constant, not a cache of state: a static file, read once, the same for every gateway.
@functools.cache
def document_json() -> bytes:
    document: dict[str, Any] = yaml.safe_load(DOCUMENT_PATH.read_text(encoding="utf-8"))
    document["info"]["version"] = __version__
    return orjson.dumps(document)


@routes.get("/__admin/openapi.json")
async def openapi(request: web.Request) -> web.Response:
    return web.Response(body=document_json(), content_type="application/json", headers=_NO_CACHE)


#: A comment line this often keeps proxies and browsers from timing an idle stream out.
KEEPALIVE_S = 15.0
#: Events a slow client may fall behind by; past that, new ones are dropped (the UI reloads on any event anyway).
BACKLOG = 1000
#: How long a browser waits before reconnecting after the stream breaks.
RETRY_MS = 2000

_CLOSE = None  # queued to end a stream: the app is shutting down


class LiveStreams:
    """The open event streams of one app, so shutdown can end them instead of waiting for their clients."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[Event | None]] = set()
        self._idle = asyncio.Event()
        self._idle.set()

    def __len__(self) -> int:
        return len(self._queues)

    def open(self) -> asyncio.Queue[Event | None]:
        queue: asyncio.Queue[Event | None] = asyncio.Queue(BACKLOG + 1)  # one spare slot for _CLOSE
        self._queues.add(queue)
        self._idle.clear()
        return queue

    def discard(self, queue: asyncio.Queue[Event | None]) -> None:
        self._queues.discard(queue)
        if not self._queues:
            self._idle.set()

    def close_all(self) -> None:
        for queue in self._queues:
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(_CLOSE)

    async def wait_idle(self) -> None:
        await self._idle.wait()


STREAMS = web.AppKey("live_streams", LiveStreams)


def install_event_stream(app: web.Application) -> None:
    app[STREAMS] = LiveStreams()
    app.router.add_get("/__admin/events", answering_errors(events))
    app.on_shutdown.append(_close_streams)


async def _close_streams(app: web.Application) -> None:
    app[STREAMS].close_all()


def frame(event: Event) -> bytes:
    data = orjson.dumps({"id": event.id, "account": event.account})
    return b"event: " + event.kind.encode() + b"\ndata: " + data + b"\n\n"


async def events(request: web.Request) -> web.StreamResponse:
    streams = request.app[STREAMS]
    queue = streams.open()

    def enqueue(event: Event) -> None:
        if queue.qsize() < BACKLOG:
            queue.put_nowait(event)

    # Subscribed before the headers go out: a client that has the response sees every later event.
    unsubscribe = request.app[GATEWAY].subscribe(enqueue)
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", **_NO_CACHE, "X-Accel-Buffering": "no"})
    try:
        await request.app[GATEWAY].heard_everywhere()  # and every other replica's, when the store is shared
        await response.prepare(request)
        await response.write(f"retry: {RETRY_MS}\n: connected\n\n".encode())
        await _pump(queue, response)
    except ConnectionResetError:
        # The client went away (noticed on the next write; servers that cancel handlers get here sooner).
        log.debug("event stream client disconnected")
    finally:
        unsubscribe()
        streams.discard(queue)
    return response


async def _pump(queue: asyncio.Queue[Event | None], response: web.StreamResponse) -> None:
    while True:
        try:
            event = await asyncio.wait_for(queue.get(), KEEPALIVE_S)
        except TimeoutError:
            await response.write(b": keep-alive\n\n")
            continue
        if event is _CLOSE:
            return
        await response.write(frame(event))
