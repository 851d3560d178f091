"""Regenerates docs/screenshot.png: the web UI with demo traffic, in headless Chromium.

    .venv/bin/python docs/screenshot.py

Needs /usr/bin/chromium (Debian's ``chromium`` package) and the ``dev`` extra (Playwright).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

import aiohttp
from aiohttp.test_utils import TestServer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mockgateway.bootstrap import build_gateway  # noqa: E402
from mockgateway.clock import FakeClock  # noqa: E402
from mockgateway.config import Settings  # noqa: E402
from mockgateway.http.app import create_app  # noqa: E402
from tests.ui.harness import Api, Receiver, browser, ensure_chromium, seed_demo  # noqa: E402

START = 1767258000.0  # 2026-01-01T09:00:00Z
SHOWN = "447700900031"  # a conversation with statuses, callbacks and a reply


async def capture(out: Path) -> None:
    settings = Settings(clock="virtual", seed=7)
    gateway = build_gateway(settings, clock=FakeClock(START))
    receiver = Receiver()
    async with (
        TestServer(create_app(settings, gateway=gateway), host="127.0.0.1") as server,
        TestServer(receiver.app(), host="127.0.0.1") as receiver_server,
        aiohttp.ClientSession() as session,
    ):
        base = str(server.make_url("/"))
        await seed_demo(Api(session, base), str(receiver_server.make_url("")).rstrip("/"))
        with tempfile.TemporaryDirectory() as profile:
            async with browser(Path(profile)) as context:
                page = await context.new_page()
                await page.goto(f"{base}__admin/ui/#/n/{SHOWN}")
                await page.wait_for_selector("#live[data-state=on]")
                await page.wait_for_selector('#bubbles .item.in >> text="YES please"')
                await page.wait_for_selector('.item.in .event.callback >> text="HTTP 200"')
                await page.screenshot(path=str(out))


def main() -> int:
    reason = ensure_chromium()
    if reason:
        print(reason, file=sys.stderr)
        return 1
    out = ROOT / "docs" / "screenshot.png"
    asyncio.run(capture(out))
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
