"""The web UI: static files shipped in the package, served under ``/__admin/ui/``; ``/`` leads there. And
``/__admin/openapi.json``: the admin API's OpenAPI 3 document, shipped in the package as YAML.

Both are open without the admin token: they describe the API and hold no data.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import orjson
import yaml
from aiohttp import web

from mockgateway import __version__
from mockgateway.domain.errors import NotFound

STATIC_DIR = Path(__file__).with_name("static")
UI_PATH = "/__admin/ui/"
DOCUMENT_PATH = Path(__file__).with_name("openapi") / "admin.yaml"

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


# A lazily loaded constant, not a cache of state: a static file, read once, the same for every gateway.
@functools.cache
def document_json() -> bytes:
    document: dict[str, Any] = yaml.safe_load(DOCUMENT_PATH.read_text(encoding="utf-8"))
    document["info"]["version"] = __version__
    return orjson.dumps(document)


@routes.get("/__admin/openapi.json")
async def openapi(request: web.Request) -> web.Response:
    return web.Response(body=document_json(), content_type="application/json", headers={"Cache-Control": "no-cache"})
