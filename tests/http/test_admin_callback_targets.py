"""``PUT /__admin/accounts/{name}/callbacks`` takes only URLs a callback can reach, naming the one it refuses."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

OAUTH = {"client_id": "id", "client_secret": "secret", "token_url": "https://auth.example.com/token"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status_callback": "http://"}, "status_callback.url"),
        ({"mo_callback": "https://:8443/mo"}, "mo_callback.url"),
        ({"mo_callback": {"url": "http://acks.example.com:70000/"}}, "mo_callback.url"),
        (
            {"status_callback": {"url": "https://acks.example.com", "oauth2": OAUTH | {"token_url": "https:///t"}}},
            "status_callback.oauth2.token_url",
        ),
    ],
)
async def test_a_target_without_a_host_is_refused_and_the_old_one_kept(
    client: TestClient[Any, Any], body: dict[str, Any], field: str
) -> None:
    before = await (await client.get("/__admin/accounts")).json()
    response = await client.put("/__admin/accounts/demo/callbacks", json=body)
    assert response.status == 400
    answer = await response.json()
    assert answer["field"] == field
    assert "with a host" in answer["message"]
    assert await (await client.get("/__admin/accounts")).json() == before
