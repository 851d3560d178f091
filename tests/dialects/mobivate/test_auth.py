"""``GET /auth/test``: a client checks its API key before using it."""

from __future__ import annotations

import pytest

from mockgateway.service.gateway import Gateway
from tests.dialects.mobivate.conftest import KEY, SHOP_AUTH, Client, assert_golden, call


async def test_a_valid_key_is_confirmed(client: Client) -> None:
    assert_golden("auth_test.json", await call(client, "GET", "/auth/test"))


async def test_the_key_may_come_as_the_api_key_parameter(client: Client) -> None:
    assert_golden("auth_test.json", await call(client, "GET", f"/auth/test?api_key={KEY}", headers={}))


async def test_every_account_key_is_confirmed(two_accounts: tuple[Client, Gateway]) -> None:
    client, _ = two_accounts
    assert_golden("auth_test.json", await call(client, "GET", "/auth/test", headers=SHOP_AUTH))


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/auth/test", {}),
        ("/auth/test", {"Authorization": "Bearer wrong-key"}),
        ("/auth/test", {"Authorization": f"Basic {KEY}"}),
        ("/auth/test?api_key=wrong-key", {}),
        ("/auth/test?api_key=", {}),
    ],
)
async def test_a_missing_or_wrong_key_is_401(client: Client, path: str, headers: dict[str, str]) -> None:
    assert_golden("error_401.json", await call(client, "GET", path, status=401, headers=headers))
