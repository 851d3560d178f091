"""Fixtures for the web UI: the gateway on a real port, a callback receiver, and headless Chromium."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from mockgateway.config import Settings
from mockgateway.http.app import create_app
from mockgateway.service.gateway import Gateway
from tests.ui.harness import Api, Receiver, browser, ensure_chromium

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext

AiohttpServer = Callable[..., Awaitable[TestServer]]


@pytest.fixture(scope="session")
def chromium() -> None:
    """Debian's Chromium, installed with apt on first use where it is missing (CI machines run as root)."""
    pytest.importorskip("playwright.async_api", reason="Playwright is in the 'dev' extra: pip install -e '.[dev]'")
    try:
        reason = ensure_chromium()
    except (RuntimeError, OSError) as error:  # apt is there but failed: a broken set-up, not a reason to skip
        pytest.fail(f"could not install Chromium: {error}")
    if reason:
        pytest.skip(reason)


@pytest.fixture
async def server(aiohttp_server: AiohttpServer, settings: Settings, gateway: Gateway) -> TestServer:
    """The gateway on a real TCP port of 127.0.0.1, so a browser can reach it."""
    return await aiohttp_server(create_app(settings, gateway=gateway), host="127.0.0.1")


@pytest.fixture
async def receiver(aiohttp_server: AiohttpServer) -> tuple[Receiver, str]:
    found = Receiver()
    running = await aiohttp_server(found.app(), host="127.0.0.1")
    return found, str(running.make_url("")).rstrip("/")


@pytest.fixture
async def api(server: TestServer) -> AsyncIterator[Api]:
    async with aiohttp.ClientSession() as session:
        yield Api(session, str(server.make_url("/")))


@pytest.fixture
async def context(chromium: None, tmp_path: Path) -> AsyncIterator[BrowserContext]:
    from playwright.async_api import expect

    expect.set_options(timeout=15_000)  # a cold Chromium on a busy CI machine is slow to paint the first time
    async with browser(tmp_path / "profile") as opened:
        yield opened
