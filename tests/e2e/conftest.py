"""A gateway on the virtual clock whose demo account pushes ACKs and MOs to an in-process receiver."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from mockgateway.config import Settings
from mockgateway.domain.model import Account, CallbackTarget
from tests.conftest import AiohttpClient, basic


@dataclass
class Receiver:
    """Records every callback; answers with the scripted statuses first, then 200."""

    acks: list[dict[str, Any]] = field(default_factory=list)
    mos: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    script: list[int] = field(default_factory=list)
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.headers.append(dict(request.headers))
        status = self.script.pop(0) if self.script else 200
        if status == 200:
            target = self.acks if request.path == "/acks" else self.mos
            target.append(await request.json())
        return web.Response(status=status)

    async def token(self, request: web.Request) -> web.Response:
        form = await request.post()
        if request.headers.get("Authorization") != basic("cb-client", "cb-secret")["Authorization"]:
            return web.json_response({"error": "invalid_client"}, status=401)
        assert form.get("grant_type") == "client_credentials"
        return web.json_response({"access_token": "receiver-token", "token_type": "Bearer", "expires_in": 3600})

    def statuses(self, order_id: str | None = None) -> list[tuple[str, str | None]]:
        return [
            (ack["status"], ack.get("errorCode"))
            for ack in self.acks
            if order_id is None or ack["messageId"] == order_id
        ]


@pytest.fixture
async def receiver(aiohttp_server: Any) -> Receiver:
    recorder = Receiver()
    app = web.Application()
    app.router.add_post("/acks", recorder.handle)
    app.router.add_post("/mo", recorder.handle)
    app.router.add_post("/token", recorder.token)
    server: TestServer = await aiohttp_server(app)
    recorder.url = str(server.make_url("")).rstrip("/")
    return recorder


@pytest.fixture
def settings(receiver: Receiver) -> Settings:
    demo = Account(
        name="demo",
        credentials={"livelink": {"app_key": "demo-app-key", "app_secret": "demo-app-secret", "client_id": 12345}},
        status_callback=CallbackTarget(url=f"{receiver.url}/acks"),
        mo_callback=CallbackTarget(url=f"{receiver.url}/mo"),
    )
    return Settings(clock="virtual", seed=11, accounts=(demo,))


@pytest.fixture
async def client(aiohttp_client: AiohttpClient, settings: Settings, gateway: Any) -> TestClient[Any, Any]:
    from mockgateway.http.app import create_app

    return await aiohttp_client(create_app(settings, gateway=gateway))
