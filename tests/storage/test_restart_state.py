"""A gateway restarted on the same SQLite file, or the same Redis keys, keeps opt-outs, runtime callback
targets, tokens and its clock.

Each "process" is an app of its own on a fresh virtual clock at its configured start, as after a real restart.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mockgateway.bootstrap import build_gateway
from mockgateway.clock import FakeClock
from mockgateway.config import Settings
from mockgateway.http.app import create_app
from mockgateway.service.clock_keeper import ClockKeeper
from mockgateway.storage.one_process import InMemoryState
from tests.conftest import T0, AiohttpClient, basic
from tests.redis_server import redis_url

Client = TestClient[Any, Any]
Start = Callable[[], Awaitable[Client]]
MOBIVATE = {"Authorization": "Bearer demo-mobivate-key"}
LIVELINK_APP = basic("demo-app-key", "demo-app-secret")
HANDSET = "447700900123"


@pytest.fixture(params=["sqlite", "redis"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    if request.param == "redis":
        return Settings(clock="virtual", seed=7, store=redis_url(), redis_prefix=f"test:{tmp_path}:")
    return Settings(clock="virtual", seed=7, store=f"sqlite:{tmp_path / 'state.db'}")


@pytest.fixture
def start(aiohttp_client: AiohttpClient, settings: Settings) -> Start:
    """Start the gateway on the file; the one started before is stopped first, as a restart does."""
    running: list[Client] = []

    async def start_one() -> Client:
        if running:
            await running.pop().close()
        client = await aiohttp_client(create_app(settings, gateway=build_gateway(settings, clock=FakeClock(T0))))
        running.append(client)
        return client

    return start_one


async def _json(response: Any, status: int = 200) -> Any:
    assert response.status == status, await response.text()
    return await response.json()


async def _advance(client: Client, seconds: float) -> None:
    await _json(await client.post("/__admin/clock/advance", json={"seconds": seconds}))


async def _send(client: Client, bearer: dict[str, str]) -> int:
    """The status of a Live Link send with the bearer token."""
    response = await client.post("/api/v2/sms", json={"destination": ["447700900003"], "message": "Hi"}, headers=bearer)
    return response.status


async def _demo_account(client: Client) -> dict[str, Any]:
    accounts = (await _json(await client.get("/__admin/accounts")))["accounts"]
    return next(a for a in accounts if a["name"] == "demo")


async def test_opt_outs_from_a_stop_and_from_the_api_survive_a_restart(start: Start) -> None:
    first = await start()
    await _json(
        await first.post(
            "/__admin/mo", json={"from": HANDSET, "to": "447700900000", "text": "STOP", "account": "demo"}
        ),
        201,
    )
    await _advance(first, 60)
    await _json(await first.post("/addressbook/optout", json={"mobile": "447700900124"}, headers=MOBIVATE))

    second = await start()
    listed = await _json(await second.get("/addressbook/optout", headers=MOBIVATE))
    assert [(e["mobile"], e["note"], e["created"]) for e in listed] == [
        ("447700900124", "API", (T0 + 60) * 1000),
        (HANDSET, "MO", T0 * 1000),
    ]
    refused = await second.post(
        "/send/single",
        json={"originator": "Test", "recipient": HANDSET, "body": "Hi", "routeId": "mglobal"},
        headers=MOBIVATE,
    )
    assert refused.status == 403
    await _json(await second.delete("/addressbook/optout", json={"mobile": HANDSET}, headers=MOBIVATE))

    third = await start()
    listed = await _json(await third.get("/addressbook/optout", headers=MOBIVATE))
    assert [e["mobile"] for e in listed] == ["447700900124"]
    await _json(await third.delete("/__admin/state"))

    fourth = await start()  # a reset forgets opt-outs for good
    assert await _json(await fourth.get("/addressbook/optout", headers=MOBIVATE)) == []


async def test_callbacks_set_through_the_admin_api_survive_a_restart(start: Start) -> None:
    first = await start()
    oauth2 = {"client_id": "me", "client_secret": "s3cret", "token_url": "http://127.0.0.1:9/token"}
    wide = {"status_callback": {"url": "http://127.0.0.1:9/acks", "oauth2": oauth2}, "mo_callback": None}
    await _json(await first.put("/__admin/accounts/demo/callbacks", json=wide))
    own = {"mo_callback": "http://127.0.0.1:9/livelink-mo"}
    changed = await _json(await first.put("/__admin/accounts/demo/callbacks/livelink", json=own))

    second = await start()
    assert await _demo_account(second) == changed
    assert changed["status_callback"]["url"] == "http://127.0.0.1:9/acks"
    assert changed["provider_callbacks"]["livelink"]["mo_callback"]["url"] == "http://127.0.0.1:9/livelink-mo"


async def test_mobivate_webhooks_survive_a_restart(start: Start) -> None:
    first = await start()
    await _json(await first.post("/webhooks/receipt", json={"url": "http://127.0.0.1:9/dlr"}, headers=MOBIVATE))
    await _json(await first.post("/webhooks/incoming", json={"url": "http://127.0.0.1:9/mo"}, headers=MOBIVATE))

    second = await start()
    own = (await _demo_account(second))["provider_callbacks"]["mobivate"]
    assert own["status_callback"]["url"] == "http://127.0.0.1:9/dlr"
    assert own["mo_callback"]["url"] == "http://127.0.0.1:9/mo"


async def test_a_token_issued_before_a_restart_is_accepted_after_it_until_it_expires(
    start: Start, settings: Settings
) -> None:
    first = await start()
    grant = await _json(
        await first.post("/api/oauth/token", data={"grant_type": "client_credentials"}, headers=LIVELINK_APP)
    )
    bearer = {"Authorization": f"Bearer {grant['access_token']}"}
    assert await _send(first, bearer) == 200

    second = await start()
    assert await _send(second, bearer) == 200
    refreshed = await _json(
        await second.post(
            "/api/oauth/token", data={"grant_type": "refresh_token", "refresh_token": grant["refresh_token"]}
        )
    )
    await _advance(second, settings.access_token_ttl_s)
    assert await _send(second, bearer) == 401

    third = await start()  # the clock stays where it was: the first token is still expired
    assert await _send(third, bearer) == 401
    spent = await third.post(
        "/api/oauth/token", data={"grant_type": "refresh_token", "refresh_token": grant["refresh_token"]}
    )
    assert spent.status == 400  # a refresh token used before the restart stays used
    again = await third.post(
        "/api/oauth/token", data={"grant_type": "refresh_token", "refresh_token": refreshed["refresh_token"]}
    )
    assert again.status == 200


async def test_the_virtual_clock_resumes_where_it_stood(start: Start) -> None:
    first = await start()
    await _advance(first, 3600.5)

    second = await start()  # its clock was built at T0, an hour behind what the store holds
    clock = await _json(await second.get("/__admin/clock"))
    assert clock["now"] == "2026-01-01T01:00:00.500Z"


async def test_a_virtual_clock_configured_later_than_the_stored_position_keeps_its_start() -> None:
    state = InMemoryState()
    state.save_clock(T0 + 60)
    clock = FakeClock(T0 + 3600)
    assert await ClockKeeper(clock, state).resume() == 0.0
    assert clock.now() == T0 + 3600
    assert await state.load_clock() == T0 + 3600


class HostClock:
    """A real (not virtual) clock whose host time stands at ``T0``."""

    virtual = False

    def now(self) -> float:
        return T0


async def test_a_real_clock_behind_the_stored_position_is_reported_not_moved(caplog: pytest.LogCaptureFixture) -> None:
    state = InMemoryState()
    state.save_clock(T0 + 3600)
    with caplog.at_level(logging.WARNING, logger="mockgateway.service.clock_keeper"):
        reported = await ClockKeeper(HostClock(), state).resume()
    assert reported == 3600
    assert "2026-01-01T01:00:00.000Z, 3600.000 s ahead of this host's clock" in caplog.text
    assert await state.load_clock() == T0 + 3600
