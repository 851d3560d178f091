"""The web UI of a gateway started with ``--admin-token``: it asks for the token once, then works live."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from mockgateway.config import Settings
from mockgateway.http.app import create_app
from tests.ui.conftest import AiohttpServer
from tests.ui.harness import Api

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, Dialog

pytestmark = pytest.mark.slow

TOKEN = "ui-admin-token"
HANDSET = "447700900123"


@pytest.fixture
async def guarded(aiohttp_server: AiohttpServer) -> TestServer:
    return await aiohttp_server(create_app(Settings(clock="virtual", seed=7, admin_token=TOKEN)), host="127.0.0.1")


@pytest.fixture
async def provider(guarded: TestServer) -> AsyncIterator[Api]:
    async with aiohttp.ClientSession() as session:
        yield Api(session, str(guarded.make_url("/")))


async def test_the_ui_asks_for_the_token_once_and_then_updates_live(
    context: BrowserContext, guarded: TestServer, provider: Api
) -> None:
    from playwright.async_api import expect

    asked: list[str] = []

    async def answer(dialog: Dialog) -> None:
        asked.append(dialog.message)
        await dialog.accept(TOKEN)

    page = await context.new_page()
    page.on("pageerror", lambda error: pytest.fail(f"script error in the UI: {error}"))
    page.on("dialog", answer)
    await page.goto(str(guarded.make_url("/")))
    await expect(page.locator("#conversations")).to_contain_text("No conversations yet")
    await expect(page.locator("#live")).to_have_attribute("data-state", "on")  # the stream, with the token
    assert len(asked) == 1
    assert "token" in asked[0]
    assert await page.evaluate("sessionStorage.getItem('mockgateway.adminToken')") == TOKEN

    await provider.send(f"+{HANDSET}", "Your code is 123456")  # shown through the stream, no reload
    await expect(page.locator(f'a.conversation[data-number="{HANDSET}"]')).to_contain_text("Your code is 123456")
    assert len(asked) == 1
