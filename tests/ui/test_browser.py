"""The web UI in a real browser: messages appear live, and the handset replies through the form."""

from __future__ import annotations

import asyncio
import importlib.util
import struct
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from aiohttp.test_utils import TestServer

from mockgateway.config import Settings
from mockgateway.http.app import create_app
from tests.ui.conftest import AiohttpServer
from tests.ui.harness import Api, Receiver, seed_demo

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, Page

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
HANDSET = "447700900123"  # follows the default scenario: SENT, DELIVERED, then RECEIVED when a handset ACK is asked


async def open_ui(context: BrowserContext, server: TestServer, fragment: str = "") -> Page:
    from playwright.async_api import expect

    page = await context.new_page()
    page.on("pageerror", lambda error: pytest.fail(f"script error in the UI: {error}"))
    await page.goto(str(server.make_url("/")) + fragment)  # the gateway's root leads to the UI
    await expect(page.locator("#live")).to_have_attribute("data-state", "on")
    return page


async def test_a_message_appears_live_and_the_handset_replies(
    context: BrowserContext, server: TestServer, api: Api, receiver: tuple[Receiver, str]
) -> None:
    from playwright.async_api import expect

    found, receiver_url = receiver
    await api.set_callbacks(None, f"{receiver_url}/mo")
    page = await open_ui(context, server)
    await expect(page.locator("#conversations")).to_contain_text("No conversations yet")
    assert page.url.endswith("/__admin/ui/")
    await page.evaluate("window.notReloaded = true")

    order_id = await api.send(f"+{HANDSET}", "Your code is 482913", origin="ACME", callback=f"{receiver_url}/acks")
    conversation = page.locator(f'a.conversation[data-number="{HANDSET}"]')
    await expect(conversation).to_contain_text("Your code is 482913")
    await expect(conversation.locator(".status")).to_have_text("ACCEPTED")

    await page.get_by_role("button", name="+10 s").click()  # the virtual clock's advance control
    await expect(conversation.locator(".status")).to_have_text("RECEIVED")
    await conversation.click()
    await expect(page.locator("#thread-number")).to_have_text(f"+{HANDSET}")
    bubble = page.locator(f'.item.out[data-id="{order_id}"]')
    await expect(bubble).to_contain_text("Your code is 482913")
    await expect(bubble.locator(".chip.scenario")).to_have_text("default")
    timeline = bubble.locator(".timeline")
    await expect(timeline.locator(".event.note .status")).to_have_text(["SENT", "DELIVERED", "RECEIVED"])
    await expect(timeline.locator(".event.callback")).to_have_count(3)
    await expect(timeline.locator(".event.callback").first).to_contain_text(f"POST {receiver_url}/acks")
    await expect(timeline.locator(".event.callback .http").first).to_have_text("HTTP 200")

    await expect(page.locator("#reply-to")).to_have_value("ACME")  # the number that texted the handset
    await page.locator("#reply-text").fill("STOP texting me")
    await page.get_by_role("button", name="Send").click()
    incoming = page.locator(".item.in")
    await expect(incoming).to_contain_text("STOP texting me")
    await expect(incoming.locator(".event.callback")).to_contain_text(f"POST {receiver_url}/mo")
    await expect(incoming.locator(".event.callback .http")).to_have_text("HTTP 200")
    await expect(page.locator("#reply-text")).to_have_value("")

    await asyncio.wait_for(found.arrived("/mo").wait(), 10)
    [body] = found.bodies["/mo"]
    assert "STOP texting me" in body
    [delivery] = (await api.json("GET", "/__admin/callbacks?kind=mo"))["callbacks"]
    assert delivery["state"] == "DELIVERED"
    assert delivery["url"] == f"{receiver_url}/mo"
    assert [a["status"] for a in delivery["attempts"]] == [200]
    [mo] = (await api.json("GET", f"/__admin/mo?from={HANDSET}"))["mo"]
    assert (mo["to"], mo["in_reply_to"]) == ("ACME", order_id)
    assert await page.evaluate("window.notReloaded") is True


async def test_filters_scenarios_and_reset(
    context: BrowserContext, server: TestServer, api: Api, receiver: tuple[Receiver, str]
) -> None:
    from playwright.async_api import expect

    await seed_demo(api, receiver[1])
    page = await open_ui(context, server)
    conversations = page.locator("a.conversation")
    await expect(conversations).to_have_count(5)
    await expect(page.locator("#clock-mode")).to_have_text("virtual clock")
    await expect(page.locator("#clock-now")).to_contain_text("2026-01-01")

    await page.locator("#filter-status").select_option("FAILED")
    failed = [f"+{number}" for number in ("447700900060", "447700900013")]  # multipart part 2, blocked recipient
    await expect(conversations.locator(".number")).to_have_text(failed)
    await page.locator("#filter-status").select_option("")
    await page.locator("#search").fill("parcel")
    await expect(conversations).to_have_count(1)
    await expect(conversations).to_have_attribute("data-number", "447700900031")
    await page.locator("#search").fill("")
    await expect(conversations).to_have_count(5)

    await page.locator('a.conversation[data-number="447700900031"]').click()
    await expect(page.locator(".item.in")).to_contain_text("YES please")
    await page.locator(".item.out .chip.scenario").click()
    highlighted = page.locator('#scenarios .scenario-item[aria-current="true"]')
    await expect(highlighted).to_contain_text("reply-yes")
    await expect(highlighted).to_contain_text("replies.yaml")
    await page.locator("#scenarios-dialog [data-close]").click()

    await page.get_by_role("button", name="Reset").click()
    await page.locator("#confirm-reset").click()
    await expect(page.locator("#conversations")).to_contain_text("No conversations yet")
    assert (await api.json("GET", "/__admin/messages"))["total"] == 0


async def test_the_advance_control_is_only_for_the_virtual_clock(
    context: BrowserContext, server: TestServer, aiohttp_server: AiohttpServer
) -> None:
    from playwright.async_api import expect

    virtual = await open_ui(context, server)
    await expect(virtual.locator("#advance")).to_be_visible()
    await virtual.get_by_role("button", name="+1 h").click()
    await expect(virtual.locator("#clock-now")).to_have_text("2026-01-01 01:00:00 UTC")

    real_server = await aiohttp_server(create_app(Settings(clock="real", seed=7)), host="127.0.0.1")
    real = await open_ui(context, real_server)
    await expect(real.locator("#clock-mode")).to_have_text("real clock")
    await expect(real.locator("#advance")).to_be_hidden()


async def test_narrow_screens_show_one_pane_at_a_time(
    context: BrowserContext, server: TestServer, api: Api, receiver: tuple[Receiver, str]
) -> None:
    from playwright.async_api import expect

    await api.send(f"+{HANDSET}", "hello")
    page = await open_ui(context, server)
    await page.set_viewport_size({"width": 390, "height": 800})
    await page.locator(f'a.conversation[data-number="{HANDSET}"]').click()
    await expect(page.locator("#phone")).to_be_visible()
    await expect(page.locator(".sidebar")).to_be_hidden()
    await page.get_by_role("link", name="Back to conversations").click()
    await expect(page.locator(".sidebar")).to_be_visible()
    await expect(page.locator("#phone")).to_be_hidden()


async def test_the_screenshot_script_still_works(chromium: None, tmp_path: Path) -> None:
    """docs/screenshot.py regenerates the README's picture; it must keep up with the UI."""
    spec = importlib.util.spec_from_file_location("screenshot", ROOT / "docs" / "screenshot.py")
    assert spec is not None
    assert spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    out = tmp_path / "shot.png"
    await script.capture(out)
    head = out.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", head[16:24]) == (1280, 800)
