"""Order ids: the same seed gives the same ids run after run; ids never repeat within a gateway."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from mockgateway.bootstrap import build_gateway
from mockgateway.clock import FakeClock
from mockgateway.config import Settings
from mockgateway.http.app import create_app
from tests.conftest import T0, AiohttpClient, basic

SENDS: list[dict[str, Any]] = [
    {"destination": "447700900001", "message": "one"},
    {"destination": ["447700900002", "447700900003"], "message": "two parts " + "x" * 160},
    {"destination": ["447700900004"], "message": "ж" * 71},
]


async def order_ids(aiohttp_client: AiohttpClient, seed: int) -> list[str]:
    """Every order id a fresh gateway with ``seed`` hands out for ``SENDS``, and its access token."""
    settings = Settings(clock="virtual", seed=seed)
    client = await aiohttp_client(create_app(settings, gateway=build_gateway(settings, clock=FakeClock(T0))))
    auth = await bearer(client)
    found: list[str] = []
    for payload in SENDS:
        response = await client.post("/api/v2/sms", json=payload, headers=auth)
        assert response.status == 200
        found.extend(i for entry in (await response.json())["livelinkOrderIds"] for i in entry["livelinkOrderId"])
    return [*found, auth["Authorization"]]


async def bearer(client: TestClient[Any, Any]) -> dict[str, str]:
    response = await client.post(
        "/api/oauth/token", data={"grant_type": "client_credentials"}, headers=basic("demo-app-key", "demo-app-secret")
    )
    return {"Authorization": f"Bearer {(await response.json())['access_token']}"}


async def test_same_seed_same_ids(aiohttp_client: AiohttpClient) -> None:
    first = await order_ids(aiohttp_client, 42)
    second = await order_ids(aiohttp_client, 42)
    assert len(first) == 1 + 1 + 2 * 2 + 2
    assert first == second


async def test_different_seeds_differ(aiohttp_client: AiohttpClient) -> None:
    first = await order_ids(aiohttp_client, 42)
    second = await order_ids(aiohttp_client, 43)
    assert set(first).isdisjoint(second)


async def test_ids_are_unique_across_1000_sends(client: TestClient[Any, Any], auth: dict[str, str]) -> None:
    seen: list[str] = []
    for i in range(1000):
        payload = {"destination": f"4477008{i:05d}", "message": "y" * (1 + i % 200)}
        response = await client.post("/api/v2/sms", json=payload, headers=auth)
        assert response.status == 200
        seen.extend((await response.json())["livelinkOrderIds"][0]["livelinkOrderId"])
    assert len(seen) > 1000, "some sends were split into several parts"
    assert len(set(seen)) == len(seen)
    assert all(order_id.isdigit() and len(order_id) == 10 for order_id in seen)
