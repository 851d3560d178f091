"""The web UI: static files shipped in the package, served under ``/__admin/ui/``; ``/`` leads there."""

from __future__ import annotations

import re
from pathlib import Path

from aiohttp import web

from mockgateway.domain.errors import NotFound

STATIC_DIR = Path(__file__).with_name("static")
UI_PATH = "/__admin/ui/"

# Explicit types: guessing from the platform's MIME tables can serve modules as text/plain, which browsers refuse.
CONTENT_TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
}
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
    charset = "utf-8" if content_type.startswith("text/") or content_type.endswith("+xml") else None
    return web.Response(
        body=path.read_bytes(),
        content_type=content_type,
        charset=charset,
        headers={"Cache-Control": "no-cache"},
    )
