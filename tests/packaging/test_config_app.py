"""A config file, through the running app: its accounts log in, own their origins, and get its token lifetime."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient

from mockgateway.bootstrap import build_gateway
from mockgateway.clock import FakeClock
from mockgateway.config import Settings
from mockgateway.http.app import create_app
from tests.conftest import AiohttpClient, basic
from tests.packaging.test_config import EXAMPLE

LIVELINK_ERROR_FIELDS = {"httpStatusCode", "apiErrorCode", "userMessage", "debugMessage", "docUrl"}


async def started(
    aiohttp_client: AiohttpClient, tmp_path: Path, content: str, clock: FakeClock
) -> TestClient[Any, Any]:
    path = tmp_path / "mockgateway.yaml"
    path.write_text(content, encoding="utf-8")
    settings = Settings.from_env({"MOCKGATEWAY_CONFIG": str(path), "MOCKGATEWAY_CLOCK": "virtual"})
    return await aiohttp_client(create_app(settings, gateway=build_gateway(settings, clock=clock)))


@pytest.fixture
async def client(aiohttp_client: AiohttpClient, tmp_path: Path, clock: FakeClock) -> TestClient[Any, Any]:
    return await started(aiohttp_client, tmp_path, EXAMPLE, clock)


async def login(client: TestClient[Any, Any], key: str, secret: str) -> ClientResponse:
    form = {"grant_type": "client_credentials"}
    return await client.post("/api/oauth/token", data=form, headers=basic(key, secret))


async def bearer(client: TestClient[Any, Any], key: str, secret: str) -> dict[str, str]:
    response = await login(client, key, secret)
    body = await response.json()
    assert response.status == 200, body
    return {"Authorization": f"Bearer {body['access_token']}"}


async def send(client: TestClient[Any, Any], auth: dict[str, str], **fields: Any) -> tuple[int, Any]:
    payload = {"destination": ["447700900123"], "message": "hi", **fields}
    response = await client.post("/api/v2/sms", json=payload, headers=auth)
    return response.status, await response.json()


async def test_second_account_logs_in_with_its_own_key(client: TestClient[Any, Any]) -> None:
    auth = await bearer(client, "other-key", "other-secret")
    status, _ = await send(client, auth, origin="99999")
    assert status == 200, "an account without origins may send from any"
    wrong = await login(client, "other-key", "demo-app-secret")
    assert wrong.status == 401


async def test_account_sends_only_from_origins_it_owns(client: TestClient[Any, Any]) -> None:
    auth = await bearer(client, "demo-app-key", "demo-app-secret")
    status, body = await send(client, auth, origin="99999")
    assert status == 403
    assert set(body) == LIVELINK_ERROR_FIELDS
    assert body["httpStatusCode"] == "403 FORBIDDEN"
    assert "99999" in body["debugMessage"]
    for owned in ("12345", "447700900999"):
        status, body = await send(client, auth, origin=owned)
        assert status == 200, body
        assert body["livelinkOrderIds"][0]["destination"] == ["447700900123"]


async def test_token_lifetime_comes_from_the_oauth_section(
    aiohttp_client: AiohttpClient, tmp_path: Path, clock: FakeClock
) -> None:
    client = await started(aiohttp_client, tmp_path, "oauth: {access_token_ttl: 10m}\n", clock)
    response = await login(client, "demo-app-key", "demo-app-secret")
    body = await response.json()
    assert body["expires_in"] == 600_000, "Live Link reports lifetimes in milliseconds"
    auth = {"Authorization": f"Bearer {body['access_token']}"}
    clock.advance(599)
    assert (await send(client, auth))[0] == 200
    clock.advance(2)
    status, error = await send(client, auth)
    assert status == 401
    assert "expired" in error["debugMessage"]
