"""A gateway on a real port of 127.0.0.1, its loop in a thread: for clients that block (schemathesis, requests)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from mockgateway.bootstrap import build_gateway
from mockgateway.clock import FakeClock
from mockgateway.config import Settings
from mockgateway.http.app import create_app
from mockgateway.service.gateway import Gateway
from tests.conftest import T0


@dataclass
class Served:
    base_url: str
    gateway: Gateway
    loop: asyncio.AbstractEventLoop

    def run(self, coroutine: Any) -> Any:
        """Runs ``coroutine`` on the server's loop and waits for its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def livelink_token(self, app_key: str, app_secret: str) -> str:
        """A Live Link access token, asked for over HTTP as a client would."""
        import requests  # a dependency of schemathesis, the blocking client these servers are for

        answer = requests.post(
            f"{self.base_url}/api/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(app_key, app_secret),
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        token: str = answer.json()["access_token"]
        return token


@contextmanager
def served_in_thread(settings: Settings) -> Iterator[Served]:
    """The gateway of ``settings`` on the virtual clock at ``T0``, until the block ends."""
    loop = asyncio.new_event_loop()
    gateway = build_gateway(settings, clock=FakeClock(T0))
    runner = web.AppRunner(create_app(settings, gateway=gateway))
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    async def start() -> int:
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        return int(runner.addresses[0][1])

    port = asyncio.run_coroutine_threadsafe(start(), loop).result()
    try:
        yield Served(f"http://127.0.0.1:{port}", gateway, loop)
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()
