"""A callback receiver served in-process, scripted per path, and a factory of dispatchers pointed at it."""

from __future__ import annotations

import asyncio
import base64
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from mockgateway.clock import FakeClock
from mockgateway.dispatch.dispatcher import CallbackDispatcher
from mockgateway.dispatch.policy import RetryPolicy
from mockgateway.dispatch.transport import HttpTransport
from mockgateway.domain.model import AttemptOutcome, Delivery, HttpCall, OAuth2Credentials
from mockgateway.storage.memory import InMemoryStore

AiohttpServer = Callable[..., Awaitable[TestServer]]
CLIENT_ID = "receiver-client"
CLIENT_SECRET = "receiver-secret"


@dataclass(frozen=True)
class Seen:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Answers POST /<path> with the statuses scripted for it (then 200), and serves POST /token."""

    scripts: dict[str, list[int]] = field(default_factory=dict)
    gates: dict[str, asyncio.Event] = field(default_factory=dict)  #: path -> set it to let the answer go
    arrivals: dict[str, asyncio.Event] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    token_requests: list[Seen] = field(default_factory=list)
    token_statuses: list[int] = field(default_factory=list)  #: forced answers of /token, in order
    server: TestServer | None = None

    def url(self, path: str) -> str:
        assert self.server is not None
        return str(self.server.make_url(path))

    def hits(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]

    def hold(self, path: str) -> asyncio.Event:
        return self.gates.setdefault(path, asyncio.Event())

    def arrived(self, path: str) -> asyncio.Event:
        return self.arrivals.setdefault(path, asyncio.Event())

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/token", self._token)
        app.router.add_post("/{name}", self._callback)
        return app

    async def _callback(self, request: web.Request) -> web.Response:
        self.seen.append(Seen(request.path, dict(request.headers), await request.read()))
        self.arrived(request.path).set()
        gate = self.gates.get(request.path)
        if gate is not None:
            await gate.wait()
        script = self.scripts.get(request.path)
        return web.Response(status=script.pop(0) if script else 200)

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        self.token_requests.append(Seen(request.path, dict(request.headers), await request.read()))
        gate = self.gates.get(request.path)
        if gate is not None:
            await gate.wait()
        expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        status = self.token_statuses.pop(0) if self.token_statuses else 200
        if request.headers.get("Authorization") != expected or form.get("grant_type") != "client_credentials":
            status = 401
        if status != 200:
            return web.json_response({"error": "invalid_client"}, status=status)
        token = f"tok-{len(self.token_requests)}"
        return web.json_response({"access_token": token, "token_type": "Bearer", "expires_in": 3600})


@pytest.fixture
async def receiver(aiohttp_server: AiohttpServer) -> AsyncIterator[Receiver]:
    receiver = Receiver()
    receiver.server = await aiohttp_server(receiver.app())
    yield receiver
    for gate in receiver.gates.values():  # let held handlers end so the server can shut down
        gate.set()


@pytest.fixture
def refused_url() -> Iterator[str]:
    """A port bound but not listening: connecting is refused, and nothing else can take the port meanwhile."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/cb"


class SignallingStore(InMemoryStore):
    """Lets a test wait for a delivery to be saved instead of draining everything."""

    def __init__(self) -> None:
        super().__init__()
        self._saved: dict[str, asyncio.Event] = {}

    async def save_delivery(self, delivery: Delivery) -> None:
        await super().save_delivery(delivery)
        self._saved.setdefault(delivery.id, asyncio.Event()).set()

    async def save_outcome(self, delivery_id: str, outcome: AttemptOutcome) -> bool:
        saved = await super().save_outcome(delivery_id, outcome)
        self._saved.setdefault(delivery_id, asyncio.Event()).set()
        return saved

    async def wait_saved(self, delivery_id: str) -> Delivery:
        async with asyncio.timeout(5):  # a guard against a hang, not a pause: the event normally fires first
            await self._saved.setdefault(delivery_id, asyncio.Event()).wait()
        saved = await self.get_delivery(delivery_id)
        assert saved is not None
        return saved


@pytest.fixture
def store() -> SignallingStore:
    return SignallingStore()


Factory = Callable[..., CallbackDispatcher]


@pytest.fixture
async def make_dispatcher(receiver: Receiver, clock: FakeClock, store: SignallingStore) -> AsyncIterator[Factory]:
    made: list[CallbackDispatcher] = []

    def make(policy: RetryPolicy | None = None, **kwargs: Any) -> CallbackDispatcher:
        dispatcher = CallbackDispatcher(
            HttpTransport(), clock, store, policy or RetryPolicy(delays=(1.0, 5.0)), **kwargs
        )
        made.append(dispatcher)
        return dispatcher

    yield make
    for dispatcher in made:
        await dispatcher.close()


def oauth2(receiver: Receiver, secret: str = CLIENT_SECRET) -> OAuth2Credentials:
    return OAuth2Credentials(client_id=CLIENT_ID, client_secret=secret, token_url=receiver.url("/token"))


def delivery(
    url: str, delivery_id: str = "d1", *, created_at: float = 0.0, oauth: OAuth2Credentials | None = None
) -> Delivery:
    body = b'{"livelinkOrderId":"1000000001","status":"DELIVERED"}'
    return Delivery(
        id=delivery_id,
        account="demo",
        kind="status",
        subject_id=f"n-{delivery_id}",
        message_id="1000000001",
        call=HttpCall(method="POST", url=url, body=body, oauth2=oauth),
        created_at=created_at,
    )
