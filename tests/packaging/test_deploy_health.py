"""The path the deployment examples' probes and balancer ask answers "ok" without the admin token."""

from __future__ import annotations

from mockgateway.bootstrap import build_gateway
from mockgateway.clock import FakeClock
from mockgateway.config import Settings
from mockgateway.http.app import create_app
from tests.conftest import T0, AiohttpClient
from tests.packaging.deploy import HEALTH_PATH


async def test_the_health_path_answers_ok_without_the_admin_token(aiohttp_client: AiohttpClient) -> None:
    settings = Settings(admin_token="secret")
    client = await aiohttp_client(create_app(settings, gateway=build_gateway(settings, clock=FakeClock(T0))))
    response = await client.get(HEALTH_PATH)
    assert response.status == 200
    assert (await response.json())["status"] == "ok"
    assert (await client.get("/__admin/messages")).status == 401, "the token is asked for elsewhere"
