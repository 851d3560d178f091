"""A gateway that delivers webhooks for real to an in-process receiver, and Mobivate request helpers."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from mockgateway.bootstrap import build_gateway
from mockgateway.clock import FakeClock
from mockgateway.config import DEMO_ACCOUNT, Settings
from mockgateway.dispatch.dispatcher import CallbackDispatcher
from mockgateway.dispatch.policy import RetryPolicy
from mockgateway.dispatch.transport import HttpTransport
from mockgateway.domain.model import Account
from mockgateway.http.app import create_app
from mockgateway.service.gateway import Gateway
from mockgateway.storage.memory import InMemoryStore

KEY = "demo-mobivate-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
SHOP_AUTH = {"Authorization": "Bearer shop-key"}
GOLDEN = Path(__file__).parent / "golden"
AiohttpServer = Callable[..., Awaitable[TestServer]]
AiohttpClient = Callable[..., Awaitable[TestClient[Any, Any]]]
Client = TestClient[Any, Any]


def golden(name: str) -> Any:
    return json.loads((GOLDEN / name).read_text(encoding="utf-8"))


@dataclass
class Hooks:
    """Records every webhook POSTed to it, by path, and answers 200."""

    seen: list[tuple[str, Any]] = field(default_factory=list)
    server: TestServer | None = None

    def url(self, path: str) -> str:
        assert self.server is not None
        return str(self.server.make_url(path))

    def bodies(self, path: str) -> list[Any]:
        return [body for seen_path, body in self.seen if seen_path == path]

    async def record(self, request: web.Request) -> web.Response:
        self.seen.append((request.path, json.loads(await request.read())))
        return web.Response(status=200)


@pytest.fixture
async def hooks(aiohttp_server: AiohttpServer) -> Hooks:
    hooks = Hooks()
    app = web.Application()
    app.router.add_post("/{name}", hooks.record)
    hooks.server = await aiohttp_server(app)
    return hooks


@pytest.fixture
async def two_accounts(aiohttp_client: AiohttpClient, clock: FakeClock) -> tuple[Client, Gateway]:
    """The demo account and ``shop``, whose key is ``shop-key`` and who may only send as ``Shop``."""
    shop = Account(name="shop", credentials={"mobivate": {"api_key": "shop-key"}}, origins=("Shop",))
    settings = Settings(clock="virtual", seed=7, accounts=(DEMO_ACCOUNT, shop))
    gateway = build_gateway(settings, clock=clock)
    return await aiohttp_client(create_app(settings, gateway=gateway)), gateway


@pytest.fixture
async def gateway(settings: Settings, clock: FakeClock) -> AsyncIterator[Gateway]:
    """Overrides the shared fixture: webhooks go out over HTTP, timed on the virtual clock."""
    store = InMemoryStore()
    dispatcher = CallbackDispatcher(HttpTransport(), clock, store, RetryPolicy(delays=(1.0,), timeout_s=5.0))
    yield build_gateway(settings, clock=clock, store=store, outbox=dispatcher)
    await dispatcher.close()


async def call(client: Client, method: str, path: str, body: Any = None, *, status: int = 200, **kwargs: Any) -> Any:
    """Send a JSON request with the demo API key; assert the HTTP status and return the JSON answer."""
    headers = kwargs.pop("headers", AUTH)
    response = await client.request(method, path, json=body, headers=headers, **kwargs)
    text = await response.text()
    assert response.status == status, text
    assert response.content_type == "application/json"
    return json.loads(text)


SINGLE = {"originator": "Test", "recipient": "44700011122", "body": "This is a test message", "routeId": "mglobal"}


def assert_golden(name: str, actual: Any) -> None:
    """Equal values, and the same JSON text: ``0`` is not ``0.0`` nor ``1`` ``true`` to a typed client."""
    expected = golden(name)
    assert actual == expected, f"{name} differs from the golden file"
    assert json.dumps(actual) == json.dumps(expected), f"{name}: same values, other JSON types or key order"
