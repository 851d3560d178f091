"""The UI is served by the gateway itself: ``/`` leads to it, and its files come with the right types."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mockgateway.http.ui import STATIC_DIR

ASSETS = sorted(p.name for p in STATIC_DIR.iterdir() if p.is_file())


@pytest.mark.parametrize("path", ["/", "/__admin/ui"])
async def test_entry_points_redirect_to_the_ui(client: TestClient[Any, Any], path: str) -> None:
    response = await client.get(path, allow_redirects=False)
    assert response.status == 302
    assert response.headers["Location"] == "/__admin/ui/"


async def test_the_ui_page_loads_its_module(client: TestClient[Any, Any]) -> None:
    response = await client.get("/")  # following the redirect
    assert response.status == 200
    assert response.url.path == "/__admin/ui/"
    assert response.content_type == "text/html"
    assert response.charset == "utf-8"
    page = await response.text()
    assert '<script type="module" src="main.js"></script>' in page
    assert '<link rel="stylesheet" href="app.css">' in page
    assert 'href="api.html"' in page  # the admin API's own page, one click away
    assert (await client.get("/__admin/ui/api.html")).status == 200


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("main.js", "text/javascript"),
        ("api.js", "text/javascript"),
        ("app.css", "text/css"),
        ("favicon.svg", "image/svg+xml"),
        ("index.html", "text/html"),
    ],
)
async def test_assets_have_their_content_type(client: TestClient[Any, Any], name: str, content_type: str) -> None:
    response = await client.get(f"/__admin/ui/{name}")
    assert response.status == 200
    assert response.content_type == content_type
    assert await response.read() == (STATIC_DIR / name).read_bytes()
    assert response.headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("name", ASSETS)
async def test_every_shipped_file_is_served(client: TestClient[Any, Any], name: str) -> None:
    assert (await client.get(f"/__admin/ui/{name}")).status == 200


async def test_every_module_import_and_page_reference_resolves(client: TestClient[Any, Any]) -> None:
    """No build step: a misspelt import would only show as a blank page in the browser."""
    wanted = set()
    for name in ASSETS:
        text = (STATIC_DIR / name).read_text()
        wanted |= set(re.findall(r'from "\./([\w.-]+)"', text))
        wanted |= set(re.findall(r'(?:src|href)="(?!#|/|http)([\w.-]+)"', text))
    assert {"main.js", "app.css", "favicon.svg", "dom.js", "api.js"} <= wanted
    for name in sorted(wanted):
        response = await client.get(f"/__admin/ui/{name}")
        assert response.status == 200, name


async def test_no_file_comes_from_elsewhere(client: TestClient[Any, Any]) -> None:
    """Everything is local: the UI must work without internet access."""
    for name in ASSETS:
        if name.endswith((".html", ".js", ".css")):
            assert not re.search(r"(?:src|href|from|url\()\s*=?\s*[\"']?https?://", (STATIC_DIR / name).read_text()), (
                name
            )


@pytest.mark.parametrize("name", ["nope.js", "..%2Fui.py", "ui.py", ".hidden.js", "static.tar"])
async def test_unknown_or_outside_files_are_not_found(client: TestClient[Any, Any], name: str) -> None:
    response = await client.get(f"/__admin/ui/{name}")
    assert response.status == 404
    body = await response.json()
    assert body["error"] == "not_found"
    assert body["field"] == "name"
