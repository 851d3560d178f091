"""A refresh token works only for the client it was issued to (RFC 6749 section 6)."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mockgateway.config import DEMO_ACCOUNT, Settings
from mockgateway.domain.model import Account
from tests.conftest import basic

Client = TestClient[Any, Any]
DEMO = basic("demo-app-key", "demo-app-secret")
OTHER = basic("other-app-key", "other-app-secret")


@pytest.fixture
def settings() -> Settings:
    other = Account(
        name="other",
        credentials={"livelink": {"app_key": "other-app-key", "app_secret": "other-app-secret", "client_id": 7}},
    )
    return Settings(clock="virtual", seed=7, accounts=(DEMO_ACCOUNT, other))


async def token(client: Client, form: dict[str, str], headers: dict[str, str]) -> tuple[int, Any]:
    response = await client.post("/api/oauth/token", data=form, headers=headers)
    return response.status, await response.json()


async def issued(client: Client) -> str:
    status, body = await token(client, {"grant_type": "client_credentials"}, DEMO)
    assert status == 200
    return str(body["refresh_token"])


def refreshing(refresh_token: str) -> dict[str, str]:
    return {"grant_type": "refresh_token", "refresh_token": refresh_token}


async def test_another_client_cannot_use_the_refresh_token(client: Client) -> None:
    refresh_token = await issued(client)
    status, body = await token(client, refreshing(refresh_token), OTHER)
    assert (status, body["error"]) == (400, "invalid_grant")
    assert "another client" in body["error_description"]
    status, _ = await token(client, refreshing(refresh_token), DEMO)
    assert status == 200, "another client's attempt does not use the token up"


async def test_the_issuing_client_refreshes_and_the_new_token_stays_bound(client: Client) -> None:
    status, body = await token(client, refreshing(await issued(client)), DEMO)
    assert status == 200
    status, refused = await token(client, refreshing(body["refresh_token"]), OTHER)
    assert (status, refused["error"]) == (400, "invalid_grant")


async def test_a_refresh_without_client_credentials_is_accepted(client: Client) -> None:
    """SAP's spec: the refresh token refreshes without the client credentials again."""
    status, _ = await token(client, refreshing(await issued(client)), {})
    assert status == 200


async def test_wrong_client_credentials_on_a_refresh_are_refused(client: Client) -> None:
    status, body = await token(client, refreshing(await issued(client)), basic("demo-app-key", "wrong"))
    assert (status, body["error"]) == (401, "invalid_client")
