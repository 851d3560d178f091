"""The admin API's OpenAPI document: served without the token, valid OpenAPI 3, and naming exactly the routes
the app serves under ``/__admin``."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mockgateway.config import Settings
from mockgateway.http.admin import CALLBACKS, MESSAGES, MOS, NOTIFICATIONS, PAGING, Filters
from mockgateway.http.app import create_app

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


@pytest.fixture
def settings() -> Settings:
    return Settings(clock="virtual", seed=7, admin_token="s3cret")


async def served_document(client: TestClient[Any, Any]) -> dict[str, Any]:
    response = await client.get("/__admin/openapi.json")  # no token: the document holds no data
    assert response.status == 200
    assert response.content_type == "application/json"
    document: dict[str, Any] = await response.json()
    return document


def served_routes() -> set[tuple[str, str]]:
    """(method, path template) of every route the app answers under /__admin (aiohttp's HEAD twins left out)."""
    app = create_app(Settings(clock="virtual"))
    found = set()
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter") or ""
        # "*": the catch-all that answers what no route serves, in the error format the document describes.
        if path.startswith("/__admin") and route.method not in ("HEAD", "*"):
            found.add((route.method, path))
    return found


async def test_the_document_describes_exactly_the_admin_routes_served(client: TestClient[Any, Any]) -> None:
    document = await served_document(client)
    described = {
        (method.upper(), path) for path, item in document["paths"].items() for method in item if method in HTTP_METHODS
    }
    assert described == served_routes()


async def test_every_operation_but_the_public_ones_asks_for_the_bearer_token(client: TestClient[Any, Any]) -> None:
    from mockgateway.http.admin_common import PUBLIC_PATHS

    document = await served_document(client)
    assert document["components"]["securitySchemes"]["adminToken"]["scheme"] == "bearer"
    assert document["security"] == [{"adminToken": []}]
    open_paths = {path for path, item in document["paths"].items() if item.get("get", {}).get("security") == []}
    assert open_paths == {path for path in PUBLIC_PATHS if path.startswith("/__admin")}


def query_names(document: dict[str, Any], path: str, method: str = "get") -> set[str]:
    components = document["components"]["parameters"]
    names = set()
    for parameter in document["paths"][path][method].get("parameters", []):
        if "$ref" in parameter:
            parameter = components[parameter["$ref"].rsplit("/", 1)[1]]
        if parameter["in"] == "query":
            names.add(parameter["name"])
    return names


@pytest.mark.parametrize(
    ("path", "filters"),
    [
        ("/__admin/messages", MESSAGES),
        ("/__admin/notifications", NOTIFICATIONS),
        ("/__admin/mo", MOS),
        ("/__admin/callbacks", CALLBACKS),
    ],
)
async def test_each_list_documents_exactly_the_filters_it_accepts(
    client: TestClient[Any, Any], path: str, filters: Filters
) -> None:
    document = await served_document(client)
    assert query_names(document, path) == {*filters.names, *PAGING}


def test_the_document_ships_in_the_package() -> None:
    import fnmatch
    import tomllib
    from pathlib import Path

    from mockgateway.http.ui import DOCUMENT_PATH

    root = Path(__file__).resolve().parents[2]
    package_data = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    shipped = DOCUMENT_PATH.relative_to(root / "mockgateway").as_posix()
    assert any(fnmatch.fnmatch(shipped, pattern) for pattern in package_data["mockgateway"])
