"""smsmode fixtures: a gateway whose callbacks go out over HTTP to an in-process receiver, and request helpers."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from mockgateway.bootstrap import build_gateway
from mockgateway.clock import FakeClock
from mockgateway.config import Settings
from mockgateway.dialects.smsmode.wire import LOCAL_TZ
from mockgateway.dispatch.dispatcher import CallbackDispatcher
from mockgateway.dispatch.policy import RetryPolicy
from mockgateway.dispatch.transport import HttpTransport
from mockgateway.domain.model import Delivery
from mockgateway.domain.queries import EventQuery
from mockgateway.service.gateway import Gateway
from mockgateway.storage.memory import InMemoryStore

TOKEN = "demo-smsmode1"
API_KEY = "demo-smsmode-api-key"
REST_AUTH = {"X-Api-Key": API_KEY}
GOLDEN = Path(__file__).parent / "golden"
AiohttpServer = Callable[..., Awaitable[TestServer]]
Client = TestClient[Any, Any]
#: For tests that read dates: smsmode's are French local time, which needs the tz database.
needs_paris_time = pytest.mark.skipif(LOCAL_TZ.tzname(None) == "UTC", reason="no tz database: Europe/Paris unknown")


def golden_text(name: str, **values: str) -> str:
    """A golden file with its ``<name>`` placeholders (ids drawn at run time) filled in."""
    text = (GOLDEN / name).read_text(encoding="utf-8").strip()
    for key, value in values.items():
        text = text.replace(f"<{key}>", value)
    return text


def golden_json(name: str, **values: str) -> Any:
    return json.loads(golden_text(name, **values))


def assert_golden_json(actual: Any, name: str, **values: str) -> None:
    """``actual`` equals the golden file with the same JSON types throughout (``1`` is not ``1.0`` nor ``true``)
    and the same keys in the same order."""
    expected = golden_json(name, **values)
    assert actual == expected
    assert _shape(actual) == _shape(expected)


def _shape(value: Any) -> Any:
    if isinstance(value, dict):
        return [(key, _shape(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [_shape(item) for item in value]
    return type(value).__name__


@dataclass(frozen=True)
class Hit:
    method: str
    path: str
    query: list[tuple[str, str]]
    raw_query: str
    content_type: str
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Records every callback, GET or POST, on any path, and answers 200."""

    hits: list[Hit] = field(default_factory=list)
    server: TestServer | None = None

    def url(self, path: str) -> str:
        assert self.server is not None
        return str(self.server.make_url(path))

    def on(self, path: str) -> list[Hit]:
        return [hit for hit in self.hits if hit.path == path]

    async def record(self, request: web.Request) -> web.Response:
        query = parse_qsl(request.rel_url.raw_query_string, keep_blank_values=True)
        hit = Hit(
            request.method,
            request.path,
            query,
            request.rel_url.raw_query_string,
            request.headers.get("Content-Type", ""),
            await request.read(),
        )
        self.hits.append(hit)
        return web.Response(status=200)


@pytest.fixture
async def receiver(aiohttp_server: AiohttpServer) -> Receiver:
    receiver = Receiver()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", receiver.record)
    receiver.server = await aiohttp_server(app)
    return receiver


@pytest.fixture
async def gateway(settings: Settings, clock: FakeClock) -> AsyncIterator[Gateway]:
    """Overrides the shared fixture: callbacks go out over HTTP, timed on the virtual clock."""
    store = InMemoryStore()
    dispatcher = CallbackDispatcher(HttpTransport(), clock, store, RetryPolicy(delays=(1.0,), timeout_s=5.0))
    yield build_gateway(settings, clock=clock, store=store, outbox=dispatcher)
    await dispatcher.close()


async def http_get(client: Client, endpoint: str, **params: str) -> str:
    """A 1.6 call with the demo token (unless given); the API always answers 200 in plain text."""
    params.setdefault("accessToken", TOKEN)
    response = await client.get(f"/http/1.6/{endpoint}", params=params)
    body = await response.text()
    assert response.status == 200, body
    assert response.content_type == "text/plain"
    return body


async def send_http(client: Client, **params: str) -> str:
    """Send through sendSMS.do and return the smsID."""
    params.setdefault("message", "Hello")
    params.setdefault("numero", "0612345678")
    line = await http_get(client, "sendSMS.do", **params)
    code, description, sms_id = line.split(" | ")
    assert (code, description) == ("0", "Accepted"), line
    return sms_id


async def send_rest(client: Client, body: dict[str, Any], *, status: int = 201) -> Any:
    response = await client.post("/sms/v1/messages", json=body, headers=REST_AUTH)
    text = await response.text()
    assert response.status == status, text
    assert response.content_type == "application/json"
    return json.loads(text)


async def deliveries(gateway: Gateway, kind: str = "status") -> list[Delivery]:
    """Recorded callback deliveries, oldest first."""
    return list(reversed(await gateway.deliveries(EventQuery(kind=kind))))


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def statuts(items: list[Delivery]) -> list[str]:
    return [query_of(d.call.url)["statut"] for d in items]
