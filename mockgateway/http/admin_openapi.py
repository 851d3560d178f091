"""``/__admin/openapi.json``: the admin API's OpenAPI 3 document, shipped in the package as YAML.

Open without the admin token, like the UI's files: it describes the routes and holds no data.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import orjson
import yaml
from aiohttp import web

DOCUMENT_PATH = Path(__file__).with_name("openapi") / "admin.yaml"
OPENAPI_PATH = "/__admin/openapi.json"

routes = web.RouteTableDef()


# A lazily loaded constant, not a cache of state: a static file, read once, the same for every gateway.
@functools.cache
def document_json() -> bytes:
    """The document as JSON, read once: it is the same for every gateway of this version."""
    from mockgateway import __version__

    document: dict[str, Any] = yaml.safe_load(DOCUMENT_PATH.read_text(encoding="utf-8"))
    document["info"]["version"] = __version__
    return orjson.dumps(document)


@routes.get(OPENAPI_PATH)
async def openapi(request: web.Request) -> web.Response:
    return web.Response(body=document_json(), content_type="application/json", headers={"Cache-Control": "no-cache"})
