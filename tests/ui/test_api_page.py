"""The admin API's page: the OpenAPI document rendered in the browser, from the package alone, token or not."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from mockgateway.config import Settings
from mockgateway.http.app import create_app
from tests.ui.conftest import AiohttpServer

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext

pytestmark = pytest.mark.slow

METHODS = ("get", "put", "post", "delete", "patch")


@pytest.fixture
async def guarded(aiohttp_server: AiohttpServer) -> TestServer:
    """A gateway with an admin token: the page and the document are open all the same."""
    settings = Settings(clock="virtual", seed=7, admin_token="api-page-token")
    return await aiohttp_server(create_app(settings), host="127.0.0.1")


async def document_of(server: TestServer) -> dict[str, Any]:
    async with aiohttp.ClientSession() as session, session.get(server.make_url("/__admin/openapi.json")) as answer:
        assert answer.status == 200
        document: dict[str, Any] = await answer.json()
        return document


async def test_the_page_renders_every_operation_with_its_parameters_and_answers(
    context: BrowserContext, guarded: TestServer
) -> None:
    from playwright.async_api import expect

    document = await document_of(guarded)
    operations = [(method, path) for path, item in document["paths"].items() for method in METHODS if method in item]
    page = await context.new_page()
    page.on("pageerror", lambda error: pytest.fail(f"script error in the API page: {error}"))
    outside: list[str] = []
    page.on(
        "request",
        lambda request: None if request.url.startswith(str(guarded.make_url("/"))) else outside.append(request.url),
    )
    await page.goto(str(guarded.make_url("/__admin/ui/api.html")))

    await expect(page.locator("#operations")).to_have_attribute("data-state", "ready")
    await expect(page.locator("section.operation")).to_have_count(len(operations))
    listing = page.locator('section.operation[data-method="get"][data-path="/__admin/messages"]')
    await expect(listing).to_contain_text("Messages taken")
    await expect(listing.locator("table.parameters")).to_contain_text("livelink | mobivate | smsmode | textapp")
    await expect(listing).to_contain_text("MessagePage")
    await expect(listing).to_contain_text("401")
    health = page.locator('section.operation[data-method="get"][data-path="/__admin/health"]')
    await expect(health.locator(".open")).to_have_text("no token")
    await expect(page.locator("#toc a")).to_have_count(len(operations))
    assert outside == [], "the page loads nothing from elsewhere"
