"""Live Link OAuth: ``/api/oauth/token``, ``/api/oauth/token/validate``, and bearer checks on the send API."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mockgateway.clock import FakeClock
from tests.conftest import basic
from tests.swagger import assert_matches

DEMO = basic("demo-app-key", "demo-app-secret")
SEND = {"destination": ["447700900123"], "message": "hi"}


async def post_token(client: TestClient[Any, Any], form: dict[str, str], headers: dict[str, str]) -> tuple[int, Any]:
    response = await client.post("/api/oauth/token", data=form, headers=headers)
    return response.status, await response.json()


async def refresh(client: TestClient[Any, Any], refresh_token: str) -> tuple[int, Any]:
    return await post_token(client, {"grant_type": "refresh_token", "refresh_token": refresh_token}, {})


async def test_client_credentials_grant(client: TestClient[Any, Any]) -> None:
    status, body = await post_token(client, {"grant_type": "client_credentials"}, DEMO)
    assert status == 200
    assert body["token_type"] == "Bearer"
    # Live Link counts lifetimes in milliseconds: 45 and 60 minutes.
    assert body["expires_in"] == 2_700_000
    assert body["refresh_expires_in"] == 3_600_000
    assert body["access_token"] != body["refresh_token"]
    assert "livelink:api" in body["scope"].split()
    assert_matches("AccessToken", body)


async def test_refresh_grant_yields_a_new_working_token(client: TestClient[Any, Any], clock: FakeClock) -> None:
    _, first = await post_token(client, {"grant_type": "client_credentials"}, DEMO)
    clock.advance(50 * 60)  # past the access token, within the refresh token
    status, body = await refresh(client, first["refresh_token"])
    assert status == 200
    assert body["access_token"] != first["access_token"]
    assert body["expires_in"] == 2_700_000
    response = await client.post("/api/v2/sms", json=SEND, headers={"Authorization": f"Bearer {body['access_token']}"})
    assert response.status == 200
    assert_matches("AccessToken", body)


async def test_refresh_token_is_used_up(client: TestClient[Any, Any]) -> None:
    _, first = await post_token(client, {"grant_type": "client_credentials"}, DEMO)
    assert (await refresh(client, first["refresh_token"]))[0] == 200
    status, body = await refresh(client, first["refresh_token"])
    assert (status, body["error"]) == (400, "invalid_grant")


async def test_expired_refresh_token_is_refused(client: TestClient[Any, Any], clock: FakeClock) -> None:
    _, first = await post_token(client, {"grant_type": "client_credentials"}, DEMO)
    clock.advance(60 * 60)
    status, body = await refresh(client, first["refresh_token"])
    assert (status, body["error"]) == (400, "invalid_grant")


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(basic("demo-app-key", "wrong"), id="wrong-secret"),
        pytest.param(basic("nobody", "demo-app-secret"), id="unknown-key"),
        pytest.param({}, id="no-basic-header"),
        pytest.param({"Authorization": "Basic %%%"}, id="not-base64"),
        pytest.param({"Authorization": "Basic é"}, id="not-ascii"),
        pytest.param({"Authorization": "Bearer demo-app-key"}, id="bearer-scheme"),
    ],
)
async def test_bad_client_credentials_get_401_invalid_client(
    client: TestClient[Any, Any], headers: dict[str, str]
) -> None:
    response = await client.post("/api/oauth/token", data={"grant_type": "client_credentials"}, headers=headers)
    assert response.status == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    body = await response.json()
    assert body["error"] == "invalid_client"
    assert body["error_description"]


async def test_unknown_grant_type(client: TestClient[Any, Any]) -> None:
    status, body = await post_token(client, {"grant_type": "password"}, DEMO)
    assert status == 400
    assert body["error"] == "unsupported_grant_type"
    assert "password" in body["error_description"]


async def test_missing_grant_type_names_it(client: TestClient[Any, Any]) -> None:
    status, body = await post_token(client, {}, DEMO)
    assert status == 400
    assert body["error"] == "invalid_request"
    assert "grant_type" in body["error_description"]


# -- bearer tokens on the send API -----------------------------------------------------------------------------------
async def test_token_expires_by_the_virtual_clock(
    client: TestClient[Any, Any], auth: dict[str, str], clock: FakeClock
) -> None:
    assert (await client.post("/api/v2/sms", json=SEND, headers=auth)).status == 200
    clock.advance(45 * 60)
    response = await client.post("/api/v2/sms", json=SEND, headers=auth)
    assert response.status == 401
    body = await response.json()
    assert body["httpStatusCode"] == "401 UNAUTHORIZED"
    assert body["debugMessage"] == "JWT expired at 2026-01-01T00:45:00Z. Current time: 2026-01-01T00:45:00Z"
    assert_matches("LiveLinkResponse", body)


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="missing"),
        pytest.param({"Authorization": "Bearer "}, id="empty"),
        pytest.param({"Authorization": "Bearer not-a-token"}, id="unknown"),
        pytest.param(DEMO, id="basic-instead-of-bearer"),
    ],
)
async def test_send_without_a_valid_bearer_gets_401(client: TestClient[Any, Any], headers: dict[str, str]) -> None:
    response = await client.post("/api/v2/sms", json=SEND, headers=headers)
    assert response.status == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    body = await response.json()
    assert body["httpStatusCode"] == "401 UNAUTHORIZED"
    assert body["debugMessage"]
    assert_matches("LiveLinkResponse", body)


async def test_v1_checks_the_bearer_too(client: TestClient[Any, Any]) -> None:
    response = await client.post("/api/messages", json={"destination": ["447700900123"], "body": "hi"})
    assert response.status == 401
    assert_matches("LiveLinkResponse", await response.json())


# -- /api/oauth/token/validate ---------------------------------------------------------------------------------------
async def validate(client: TestClient[Any, Any], **kwargs: Any) -> tuple[int, Any]:
    response = await client.post("/api/oauth/token/validate", **kwargs)
    return response.status, await response.json()


@pytest.mark.parametrize("style", ["raw", "json-string", "json-object", "form"])
async def test_validate_accepts_the_token_in_any_body_style(
    client: TestClient[Any, Any], token: str, style: str
) -> None:
    styles: dict[str, dict[str, Any]] = {
        "raw": {"data": token.encode()},
        "json-string": {"json": token},
        "json-object": {"json": {"access_token": token}},
        "form": {"data": {"access_token": token}},
    }
    kwargs = styles[style]
    status, body = await validate(client, **kwargs)
    assert status == 200
    assert body["status"] == "success"
    assert_matches("ValidateTokenResponse", body)


async def test_validate_unknown_token(client: TestClient[Any, Any]) -> None:
    status, body = await validate(client, data=b"nope")
    assert status == 401
    assert body == {"message": "access_denied: nope is not a valid access_token"}


async def test_validate_expired_token(client: TestClient[Any, Any], token: str, clock: FakeClock) -> None:
    clock.advance(46 * 60)
    status, body = await validate(client, data=token.encode())
    assert status == 401
    assert body == {"message": "JWT expired at 2026-01-01T00:45:00Z. Current time: 2026-01-01T00:46:00Z"}


@pytest.mark.parametrize("payload", [b"", b"   ", b'""', b"{}"], ids=["empty", "blank", "empty-string", "no-key"])
async def test_validate_without_a_token_is_400(client: TestClient[Any, Any], payload: bytes) -> None:
    status, body = await validate(client, data=payload)
    assert status == 400
    assert body == {"error": "invalid_request", "error_description": "The parameter 'access_token' is required"}


async def test_validate_malformed_json_is_not_a_500(client: TestClient[Any, Any]) -> None:
    status, body = await validate(client, data=b'{"access_token": ')
    assert status == 400
    assert body["error"] == "invalid_request"
