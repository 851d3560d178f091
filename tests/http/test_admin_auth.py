"""``--admin-token``: every admin route and the event stream ask for it; health, the UI's files and providers don't."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mockgateway.cli import open_admin_warning
from mockgateway.config import ConfigError, Settings
from mockgateway.http.admin_common import PUBLIC_PATHS
from mockgateway.http.app import create_app
from tests.conftest import basic

TOKEN = "s3cret-admin-token"
GOOD = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def settings() -> Settings:
    return Settings(clock="virtual", seed=7, admin_token=TOKEN)


def admin_routes() -> list[tuple[str, str]]:
    """Every (method, path) the app serves under /__admin, with path parameters filled in."""
    app = create_app(Settings(clock="virtual"))
    found = set()
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter") or ""
        # "*": the catch-all that answers what no route serves (tested below).
        if path.startswith("/__admin") and route.method not in ("HEAD", "*") and path not in PUBLIC_PATHS:
            found.add(
                (route.method, path.replace("{id}", "x").replace("{name}", "demo").replace("{provider}", "livelink"))
            )
    return sorted(found)


ROUTES = admin_routes()


def test_the_route_list_is_complete() -> None:
    assert ("GET", "/__admin/messages") in ROUTES
    assert ("GET", "/__admin/events") in ROUTES
    assert ("DELETE", "/__admin/state") in ROUTES
    assert ("PUT", "/__admin/accounts/demo/callbacks") in ROUTES
    assert len(ROUTES) >= 20
    assert not [path for _, path in ROUTES if "{" in path], "fill in every path parameter"


REFUSED = [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}, {"Authorization": TOKEN}]


@pytest.mark.parametrize(("method", "path"), ROUTES)
async def test_every_admin_route_refuses_without_the_token(
    client: TestClient[Any, Any], method: str, path: str
) -> None:
    for headers in REFUSED:
        response = await client.request(method, path, headers=headers)
        assert response.status == 401, headers
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        body = await response.json()
        assert body["error"] == "unauthorized"
        assert TOKEN not in await response.text()


@pytest.mark.parametrize(("method", "path"), [r for r in ROUTES if r != ("GET", "/__admin/events")])
async def test_every_admin_route_answers_with_the_token(client: TestClient[Any, Any], method: str, path: str) -> None:
    response = await client.request(method, path, headers=GOOD)
    assert response.status != 401, await response.text()


@pytest.mark.parametrize(("method", "path"), [("GET", "/__admin/nothing-here"), ("DELETE", "/__admin/clock")])
async def test_unserved_admin_paths_and_methods_ask_for_the_token_first(
    client: TestClient[Any, Any], method: str, path: str
) -> None:
    refused = await client.request(method, path)
    assert refused.status == 401
    assert (await refused.json())["error"] == "unauthorized"
    answered = await client.request(method, path, headers=GOOD)
    assert answered.status in (404, 405)


async def test_the_event_stream_opens_with_the_token(client: TestClient[Any, Any]) -> None:
    response = await client.get("/__admin/events", headers=GOOD)
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/event-stream"
    assert (await response.content.readuntil(b"\n\n")).startswith(b"retry:")
    response.close()


@pytest.mark.parametrize("path", ["/__admin/health", "/__admin/ui/", "/__admin/ui/app.css", "/__admin/ui/api.js"])
async def test_health_and_the_ui_files_stay_open(client: TestClient[Any, Any], path: str) -> None:
    assert (await client.get(path)).status == 200


async def test_provider_endpoints_take_no_admin_token(client: TestClient[Any, Any]) -> None:
    response = await client.post(
        "/api/oauth/token", data={"grant_type": "client_credentials"}, headers=basic("demo-app-key", "demo-app-secret")
    )
    assert response.status == 200


async def test_without_a_token_configured_the_admin_api_is_open(aiohttp_client: Any) -> None:
    client = await aiohttp_client(create_app(Settings(clock="virtual")))
    assert (await client.get("/__admin/messages")).status == 200


async def test_the_token_is_never_logged(client: TestClient[Any, Any], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    await client.get("/__admin/messages", headers=GOOD)
    await client.get("/__admin/messages", headers={"Authorization": f"Bearer {TOKEN}x"})
    assert TOKEN not in caplog.text
    assert TOKEN not in repr(Settings(admin_token=TOKEN))


def test_the_token_comes_from_flag_or_environment() -> None:
    assert Settings.from_env({"MOCKGATEWAY_ADMIN_TOKEN": "abc"}).admin_token == "abc"
    assert Settings.from_env({}, {"admin_token": "def"}).admin_token == "def"
    with pytest.raises(ConfigError, match="--admin-token: must be a token without spaces") as refused:
        Settings.from_env({}, {"admin_token": "two words"})
    assert "two words" not in str(refused.value)


@pytest.mark.parametrize(
    ("host", "token", "warned"),
    [
        ("0.0.0.0", None, True),
        ("192.168.1.10", None, True),
        ("::", None, True),
        ("0.0.0.0", TOKEN, False),
        ("127.0.0.1", None, False),
        ("::1", None, False),
        ("localhost", None, False),
    ],
)
def test_listening_beyond_loopback_without_a_token_warns(host: str, token: str | None, warned: bool) -> None:
    warning = open_admin_warning(Settings(host=host, admin_token=token))
    assert (warning is not None) == warned
    if warning:
        assert host in warning
        assert "--admin-token" in warning
