"""A real browser on the gateway: Debian's Chromium driven by Playwright, a callback receiver, demo traffic.

Shared by the browser tests and by ``docs/screenshot.py``.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web

from tests.debian import ensure_package

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}


def ensure_chromium() -> str | None:
    """Install Debian's Chromium where it is missing. Returns why it cannot be had, or None when it is there."""
    return ensure_package("chromium", CHROMIUM)


@asynccontextmanager
async def browser(profile: Path) -> AsyncIterator[BrowserContext]:
    """Headless Chromium with a fresh profile; Playwright's own browser downloads are never used."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport=VIEWPORT,  # type: ignore[arg-type]
            locale="en-GB",
            timezone_id="UTC",
        )
        try:
            yield context
        finally:
            await context.close()


@dataclass
class Receiver:
    """Stands in for the customer's callback endpoints: answers 200 and remembers what came."""

    bodies: dict[str, list[Any]] = field(default_factory=dict)
    arrivals: dict[str, asyncio.Event] = field(default_factory=dict)

    def arrived(self, path: str) -> asyncio.Event:
        return self.arrivals.setdefault(path, asyncio.Event())

    def app(self) -> web.Application:
        async def record(request: web.Request) -> web.Response:
            raw = await request.read()
            self.bodies.setdefault(request.path, []).append(raw.decode("utf-8", "replace"))
            self.arrived(request.path).set()
            return web.json_response({"ok": True})

        app = web.Application()
        app.router.add_post("/{path:.*}", record)
        return app


class Api:
    """The gateway over real HTTP, as a client application and an operator would use it."""

    def __init__(self, session: aiohttp.ClientSession, base: str) -> None:
        self.session = session
        self.base = base.rstrip("/")
        self._token: str | None = None

    async def json(self, method: str, path: str, **kwargs: Any) -> Any:
        async with self.session.request(method, self.base + path, **kwargs) as response:
            body = await response.json()
            assert response.status < 300, (method, path, response.status, body)
            return body

    async def token(self) -> str:
        if self._token is None:
            basic = {"Authorization": "Basic " + base64.b64encode(b"demo-app-key:demo-app-secret").decode()}
            form = {"grant_type": "client_credentials"}
            body = await self.json("POST", "/api/oauth/token", data=form, headers=basic)
            self._token = str(body["access_token"])
        return self._token

    async def send(self, destination: str, text: str, *, origin: str = "ACME", **extra: Any) -> str:
        """A Live Link send; returns the message id."""
        headers = {"Authorization": f"Bearer {await self.token()}"}
        # Every status acknowledged, so each one is also a callback to the account's receiver.
        payload = {
            "destination": [destination],
            "message": text,
            "origin": origin,
            "acknowledgement": True,
            "ackType": "MESSAGE",
            **extra,
        }
        body = await self.json("POST", "/api/v2/sms", json=payload, headers=headers)
        return str(body["livelinkOrderIds"][0]["livelinkOrderId"][0])

    async def set_callbacks(self, status_url: str | None, mo_url: str | None) -> None:
        await self.json(
            "PUT", "/__admin/accounts/demo/callbacks", json={"status_callback": status_url, "mo_callback": mo_url}
        )

    async def advance(self, seconds: float) -> None:
        await self.json("POST", "/__admin/clock/advance", json={"seconds": seconds})

    async def inject_mo(self, sender: str, to: str, text: str) -> None:
        await self.json("POST", "/__admin/mo", json={"from": sender, "to": to, "text": text})


#: Destinations from the shipped scenario library (docs/magic-numbers.md), so the demo shows every kind of outcome.
DEMO_SENDS = [
    ("+447700900123", "Your Acme verification code is 482913. It expires in 10 minutes.", "ACME"),
    ("+447700900031", "Your parcel arrives tomorrow between 9:00 and 13:00. Reply YES to confirm.", "447700900999"),
    ("+447700900013", "Flash sale: 20% off everything this weekend only!", "ACME"),
    ("+447700900003", "Reminder: your dentist appointment is on Friday at 14:30.", "ACME"),
    ("+447700900060", "Your booking is confirmed. " * 7 + "See you soon - the Acme team.", "ACME"),
]


async def seed_demo(api: Api, receiver_url: str) -> None:
    """A few conversations with every kind of status, replies, and callbacks to ``receiver_url``."""
    await api.set_callbacks(f"{receiver_url}/status", f"{receiver_url}/mo")
    for destination, text, origin in DEMO_SENDS:
        await api.send(destination, text, origin=origin)
        await api.advance(7)
    await api.advance(45)  # statuses settle and the scripted reply arrives
    await api.inject_mo("+447700900123", "ACME", "Thanks, got it!")
    await api.send("+447700900003", "Please reply C to confirm or R to reschedule.", origin="447700900999")
    await api.advance(65)  # the retry scenario's temporary failure shows on the latest message
