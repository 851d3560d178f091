"""TextApp test helpers: a call to the HTTP service, and a receiver that records the GET callbacks it gets."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from mockgateway.bootstrap import build_gateway
from mockgateway.clock import FakeClock
from mockgateway.config import Settings
from mockgateway.dispatch.dispatcher import CallbackDispatcher
from mockgateway.dispatch.policy import RetryPolicy
from mockgateway.dispatch.transport import HttpTransport
from mockgateway.domain.model import MessageStatus
from mockgateway.http.app import create_app
from mockgateway.scenario.model import Match, Scenario, Step
from mockgateway.service.gateway import Gateway
from mockgateway.storage.memory import InMemoryStore
from tests.conftest import AiohttpClient

PATH = "/webservice/httpservice.aspx"
NUMBER = "+447700900123"
GOLDEN = Path(__file__).parent / "golden"

AiohttpServer = Callable[..., Awaitable[TestServer]]


#: A destination whose part is sent, retried, then fails as the handset could not be found (512).
FAILING = "+447700900010"
FAILS_ABSENT = Scenario(
    name="fails-absent",
    match=Match(destination=FAILING.lstrip("+")),
    steps=(
        Step(status=MessageStatus.SENT, after=1),
        Step(status=MessageStatus.RETRYING, after=1),
        Step(status=MessageStatus.FAILED, after=2, code="512"),
    ),
)


def send_params(**overrides: str | None) -> dict[str, str]:
    """A valid SendSMS call; an override of ``None`` leaves the parameter out."""
    params: dict[str, str | None] = {
        "returnCSVString": "false",
        "externalLogin": "demo-login",
        "password": "demo-password",
        "clientBillingReference": "billing-1",
        "clientMessageReference": "ref-1",
        "originator": "MyShop",
        "destinations": NUMBER,
        "body": "Hello",
        "validity": "72",
        "characterSetID": "2",
        "replyMethodID": "1",
        "replyData": "",
        "statusNotificationUrl": "",
    }
    params.update(overrides)
    return {name: value for name, value in params.items() if value is not None}


async def post(client: TestClient[Any, Any], params: dict[str, str], method: str = "SendSMS") -> str:
    """POST form data to ``?method=…``; TextApp answers 200 whatever the outcome."""
    response = await client.post(f"{PATH}?method={method}", data=params)
    text = await response.text()
    assert response.status == 200, text
    return text


def golden(name: str) -> str:
    return (GOLDEN / name).read_text(encoding="utf-8").rstrip("\n")


@dataclass
class Receiver:
    """Answers every GET with 200 and keeps ``path?query`` exactly as it arrived."""

    seen: list[str] = field(default_factory=list)
    server: TestServer | None = None

    def url(self, path: str) -> str:
        assert self.server is not None
        return str(self.server.make_url(path))

    def hits(self, path: str) -> list[str]:
        return [line.partition("?")[2] for line in self.seen if line.partition("?")[0] == path]

    async def handle(self, request: web.Request) -> web.Response:
        self.seen.append(request.raw_path)  # as sent, still percent-encoded
        return web.Response(text="OK")


@pytest.fixture
async def receiver(aiohttp_server: AiohttpServer) -> Receiver:
    receiver = Receiver()
    app = web.Application()
    app.router.add_get("/{name}", receiver.handle)
    receiver.server = await aiohttp_server(app)
    return receiver


@dataclass(frozen=True)
class Live:
    gateway: Gateway
    client: TestClient[Any, Any]


@pytest.fixture
async def live(aiohttp_client: AiohttpClient, settings: Settings, clock: FakeClock) -> AsyncIterator[Live]:
    """A gateway whose callbacks really go out over HTTP, timed on the virtual clock."""
    store = InMemoryStore()
    dispatcher = CallbackDispatcher(HttpTransport(), clock, store, RetryPolicy(delays=(1.0,)))
    gateway = build_gateway(settings, clock=clock, store=store, outbox=dispatcher)
    client = await aiohttp_client(create_app(settings, gateway=gateway))
    yield Live(gateway, client)
    await dispatcher.close()
