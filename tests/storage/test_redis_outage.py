"""A Redis lost while the gateway runs, then started again on the same port and files.

While it is away every provider answers a send with its own 503 saying the store is unavailable (never a 500),
the admin API with its JSON error, and the health check with 503; once it is back the same gateway serves again,
the planned statuses that could not run do, and a state change made meanwhile is kept.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from aiohttp.test_utils import TestClient

from mockgateway.bootstrap import build_gateway
from mockgateway.clock import FakeClock
from mockgateway.config import Settings
from mockgateway.domain.errors import StoreUnavailable
from mockgateway.domain.model import MessageStatus, SendRequest
from mockgateway.domain.queries import EventQuery, MessageQuery
from mockgateway.http.app import create_app
from mockgateway.service.gateway import Gateway
from mockgateway.storage.redis_store import RedisStore
from tests.conftest import T0, basic
from tests.e2e.test_send_faults import Answer, mobivate, smsmode_http, smsmode_rest, textapp
from tests.redis_server import PrivateRedis, private_redis
from tests.storage.test_gateway_retention import ACK_ALL

Client = TestClient[Any, Any]
AiohttpClient = Callable[..., Awaitable[Client]]
UNAVAILABLE = "the message store is unavailable"


@pytest.fixture
def redis(tmp_path: Path) -> AsyncIterator[PrivateRedis]:
    with private_redis(tmp_path) as server:
        yield server


@pytest.fixture
def settings(redis: PrivateRedis) -> Settings:
    return Settings(clock="virtual", seed=7, store=redis.url, redis_prefix=f"t{uuid4().hex}:")


async def _livelink_with(token: str, client: Client) -> Answer:
    headers = {"Authorization": f"Bearer {token}"}
    response = await client.post(
        "/api/v2/sms", json={"destination": ["447700909201"], "message": "Hi"}, headers=headers
    )
    return Answer(response.status, response.headers.get("Retry-After"), await response.text())


def _json(body: str) -> dict[str, Any]:
    found = json.loads(body)
    assert isinstance(found, dict)
    return found


#: provider -> a check of its 503 body: its own shape, saying why
UNAVAILABLE_BODIES: dict[str, Callable[[str], bool]] = {
    "livelink": lambda body: (
        _json(body)["httpStatusCode"] == "503 SERVICE_UNAVAILABLE" and UNAVAILABLE in _json(body)["debugMessage"]
    ),
    "mobivate": lambda body: (
        _json(body) == {"code": 503, "message": f"Service Unavailable: {UNAVAILABLE}, try again shortly"}
    ),
    "smsmode-rest": lambda body: _json(body) == {"status": 503, "message": f"{UNAVAILABLE}, try again shortly"},
    "smsmode-http": lambda body: body == f"50 | Temporarily unavailable ({UNAVAILABLE}, try again shortly)",
    "textapp": lambda body: "<Transaction><Code>6</Code>" in body and UNAVAILABLE in body,
}


async def test_each_provider_answers_its_own_503_while_redis_is_away_and_serves_once_it_is_back(
    redis: PrivateRedis, aiohttp_client: AiohttpClient, settings: Settings
) -> None:
    gateway = build_gateway(settings, clock=FakeClock(T0))
    client = await aiohttp_client(create_app(settings, gateway=gateway))
    grant = await client.post(
        "/api/oauth/token", data={"grant_type": "client_credentials"}, headers=basic("demo-app-key", "demo-app-secret")
    )
    token = (await grant.json())["access_token"]
    sends = {
        "livelink": lambda c: _livelink_with(token, c),
        "mobivate": mobivate,
        "smsmode-rest": smsmode_rest,
        "smsmode-http": smsmode_http,
        "textapp": textapp,
    }
    accepted = {name: 201 if name == "smsmode-rest" else 200 for name in sends}
    before = {name: await send(client) for name, send in sends.items()}
    assert {name: answer.status for name, answer in before.items()} == accepted

    redis.kill()
    for name, send in sends.items():
        answer = await send(client)
        assert answer.status == 503, (name, answer.body)
        assert UNAVAILABLE_BODIES[name](answer.body), (name, answer.body)
        assert answer.retry_after == ("1" if name != "textapp" else None), name
    listed = await client.get("/__admin/messages")
    assert listed.status == 503
    assert (await listed.json())["error"] == "store_unavailable"
    assert listed.headers["Retry-After"] == "1"
    health = await client.get("/__admin/health")
    assert health.status == 503
    assert (await health.json())["store"] == "unavailable"

    redis.start()
    after = {name: await send(client) for name, send in sends.items()}
    assert {name: answer.status for name, answer in after.items()} == accepted
    health = await client.get("/__admin/health")
    assert (health.status, (await health.json())["store"]) == (200, "ok")
    assert (await gateway.messages(MessageQuery())).total == 2 * len(sends)


async def _opened(settings: Settings) -> AsyncIterator[Gateway]:
    gateway = build_gateway(settings, clock=FakeClock(T0))
    await gateway.open()
    try:
        yield gateway
    finally:
        await gateway.close()


@pytest.fixture
async def gateway(settings: Settings) -> AsyncIterator[Gateway]:
    async for opened in _opened(settings):
        yield opened


async def test_statuses_due_while_redis_is_away_are_applied_once_it_is_back(
    gateway: Gateway, redis: PrivateRedis
) -> None:
    request = SendRequest(
        account="demo", provider="livelink", destinations=("33612345678",), text="Hi", options=ACK_ALL
    )
    await gateway.send(request)
    redis.kill()
    with pytest.raises(StoreUnavailable):
        await gateway.advance(5)  # the shared jobs' next due time cannot be read: the clock stays
    assert gateway.now() == T0
    redis.start()
    await gateway.advance(3)  # SENT (+1 s), then DELIVERED (+3 s)
    statuses = [n.status for n in await gateway.notifications(EventQuery())]
    assert sorted(statuses) == sorted([MessageStatus.SENT, MessageStatus.DELIVERED])


async def test_a_state_change_made_while_redis_is_away_is_kept_once_it_is_back(
    gateway: Gateway, settings: Settings, redis: PrivateRedis
) -> None:
    redis.kill()
    gateway.opt_out("demo", "447700900555")
    with pytest.raises(StoreUnavailable):
        await gateway.saved()  # a request waiting for it is told the store is away, not kept waiting
    redis.start()
    while True:  # the write is retried with backoff: wait for it, however many tries it takes
        try:
            await gateway.saved()
            break
        except StoreUnavailable:
            continue
    store = RedisStore(redis.url, prefix=settings.redis_prefix)
    await store.open()
    try:
        assert [o.number for o in await store.state.load_opt_outs()] == ["447700900555"]
    finally:
        await store.close()
