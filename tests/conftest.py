"""Shared fixtures: a gateway on a virtual clock, served in-process."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mockgateway.bootstrap import build_gateway
from mockgateway.clock import FakeClock
from mockgateway.config import Settings
from mockgateway.http.app import create_app
from mockgateway.service.events import Listener
from mockgateway.service.gateway import Gateway

#: ``pytester`` runs pytest inside pytest (tests/plugin); pytest accepts this only in the top-level conftest.
pytest_plugins = ["pytester"]

#: 2026-01-01T00:00:00Z, so virtual-clock tests read the same every run.
T0 = 1767225600.0
SHARED = Path(__file__).resolve().parents[1].parent / "shared"

AiohttpClient = Callable[..., Awaitable[TestClient[Any, Any]]]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def settings() -> Settings:
    return Settings(clock="virtual", seed=7)


@pytest.fixture
def subscribed(gateway: Gateway, monkeypatch: pytest.MonkeyPatch) -> asyncio.Event:
    """Set once a listener subscribes to the hub: a wait request is then waiting for events."""
    signal = asyncio.Event()
    subscribe = gateway.subscribe

    def spy(listener: Listener) -> Callable[[], None]:
        stop = subscribe(listener)
        signal.set()
        return stop

    monkeypatch.setattr(gateway, "subscribe", spy)
    return signal


@pytest.fixture
def gateway(settings: Settings, clock: FakeClock) -> Gateway:
    return build_gateway(settings, clock=clock)


@pytest.fixture
async def client(aiohttp_client: AiohttpClient, settings: Settings, gateway: Gateway) -> TestClient[Any, Any]:
    return await aiohttp_client(create_app(settings, gateway=gateway))


def basic(key: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()}


@pytest.fixture
async def token(client: TestClient[Any, Any]) -> str:
    response = await client.post(
        "/api/oauth/token", data={"grant_type": "client_credentials"}, headers=basic("demo-app-key", "demo-app-secret")
    )
    assert response.status == 200
    body = await response.json()
    return str(body["access_token"])


@pytest.fixture
def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def next_turn() -> None:
    """One turn of the event loop: what was scheduled before this has run."""
    loop = asyncio.get_running_loop()
    turn: asyncio.Future[None] = loop.create_future()
    loop.call_soon(turn.set_result, None)
    await turn


async def parked(gateway: Gateway, count: int = 1) -> None:
    """Until ``count`` sends wait on the virtual clock: a request crossing a socket takes loop turns, not time."""
    for _ in range(10_000):
        if gateway.sends_waiting >= count:
            return
        await next_turn()
    raise AssertionError(f"{gateway.sends_waiting} sends wait for the clock, not {count}")
