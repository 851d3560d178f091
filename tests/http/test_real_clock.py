from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mockgateway.bootstrap import build_gateway
from mockgateway.config import Settings
from mockgateway.http.app import create_app
from tests.conftest import AiohttpClient


@pytest.fixture
async def real_client(aiohttp_client: AiohttpClient) -> TestClient[Any, Any]:
    settings = Settings(clock="real")
    return await aiohttp_client(create_app(settings, gateway=build_gateway(settings)))


async def test_advancing_the_real_clock_is_a_conflict(real_client: TestClient[Any, Any]) -> None:
    response = await real_client.post("/__admin/clock/advance", json={"seconds": 5})
    assert response.status == 409
    body = await response.json()
    assert "--clock virtual" in body["message"]
    clock = await (await real_client.get("/__admin/clock")).json()
    assert clock["mode"] == "real"
