"""A gateway on SQLite restarted on the same file loses nothing: state, pending timeline and callbacks resume."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient
from msgspec.structs import replace

from mockgateway.bootstrap import build_gateway
from mockgateway.clock import FakeClock
from mockgateway.config import Settings
from mockgateway.domain.model import CallbackTarget, Delivery, DeliveryState, MessageStatus, SendRequest
from mockgateway.domain.queries import EventQuery
from mockgateway.http.app import create_app
from mockgateway.service.gateway import Gateway
from mockgateway.storage.sqlite import SqliteStore
from tests.conftest import T0, AiohttpClient, basic
from tests.internals import store_of
from tests.storage.test_gateway_retention import ACK_ALL


def _gateway(path: Path, clock: FakeClock) -> Gateway:
    settings = Settings(clock="virtual", seed=7, store=f"sqlite:{path}")
    return build_gateway(settings, clock=clock)


def _send() -> SendRequest:
    return SendRequest(
        account="demo",
        provider="livelink",
        destinations=("33612345678", "33612345679"),  # the default timeline: SENT +1 s, DELIVERED +3 s
        text="Hello",
        callbacks=(),
        options=ACK_ALL,
    )


async def test_pending_notifications_fire_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    clock = FakeClock(T0)
    first = _gateway(path, clock)
    assert isinstance(store_of(first), SqliteStore)
    await first.open()
    accepted = await first.send(_send())
    await first.advance(1)  # SENT now; DELIVERED is due at +3 s
    await first.close()

    second = _gateway(path, clock)
    restored = await second.open()
    try:
        assert restored.jobs == 2
        assert [n.status for n in await second.notifications(EventQuery())] == [MessageStatus.SENT] * 2
        await second.advance(5)
        statuses = [n.status for n in await second.notifications(EventQuery(status="DELIVERED"))]
        assert statuses == [MessageStatus.DELIVERED] * 2
        for message in accepted.messages:
            assert (await second.message(message.id)).status is MessageStatus.DELIVERED
        again = await second.send(_send())  # new ids never repeat stored ones, even with the same seed
        old_ids = {part for m in accepted.messages for part in m.part_ids}
        assert not old_ids & {part for m in again.messages for part in m.part_ids}
        await second.advance(5)
        assert await second.count_notifications(EventQuery()) == 8
    finally:
        await second.close()


class HoldingOutbox:
    """Takes callbacks and never sends them, so they stay PENDING in the store."""

    def __init__(self) -> None:
        self.held: list[Delivery] = []

    def enqueue(self, delivery: Delivery) -> None:
        self.held.append(delivery)

    def next_due(self) -> float | None:
        return None

    def run_due(self) -> None:
        return None

    async def drain(self) -> None:
        return None

    async def replay(self, delivery: Delivery) -> Delivery:
        return delivery

    def restore(self, deliveries: Iterable[Delivery]) -> int:
        before = len(self.held)
        self.held.extend(deliveries)
        return len(self.held) - before

    def clear(self) -> None:
        self.held.clear()

    async def close(self) -> None:
        return None


async def test_undelivered_callbacks_are_handed_back_to_the_outbox(tmp_path: Path) -> None:
    settings = Settings(clock="virtual", seed=7, store=f"sqlite:{tmp_path / 'state.db'}")
    clock = FakeClock(T0)
    first = build_gateway(settings, clock=clock, outbox=HoldingOutbox())
    await first.open()
    await first.send(replace(_send(), callbacks=(CallbackTarget(url="http://127.0.0.1:9/cb"),)))
    await first.advance(1)
    pending = await first.deliveries(EventQuery(status="PENDING"))
    assert len(pending) == 2
    await first.close()

    outbox = HoldingOutbox()
    second = build_gateway(settings, clock=clock, outbox=outbox)
    try:
        restored = await second.open()
        assert restored.callbacks == 2
        assert sorted(d.id for d in outbox.held) == sorted(d.id for d in pending)
        assert all(d.state is DeliveryState.PENDING for d in outbox.held)
    finally:
        await second.close()


async def test_the_app_restores_on_start_up(aiohttp_client: AiohttpClient, tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    clock = FakeClock(T0)
    settings = Settings(clock="virtual", seed=7, store=f"sqlite:{path}")
    client: TestClient[Any, Any] = await aiohttp_client(
        create_app(settings, gateway=build_gateway(settings, clock=clock))
    )
    token = await _token(client)
    sent = await client.post(
        "/api/v2/sms",
        json={"destination": ["447700900001"], "message": "Hi"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert sent.status == 200
    await client.close()

    restarted = await aiohttp_client(create_app(settings, gateway=build_gateway(settings, clock=clock)))
    advanced = await restarted.post("/__admin/clock/advance", json={"seconds": 5})
    assert advanced.status == 200
    listed = await restarted.get("/__admin/notifications")
    assert [n["status"] for n in (await listed.json())["notifications"]] == ["SENT", "DELIVERED"]


async def _token(client: TestClient[Any, Any]) -> str:
    response = await client.post(
        "/api/oauth/token", data={"grant_type": "client_credentials"}, headers=basic("demo-app-key", "demo-app-secret")
    )
    return str((await response.json())["access_token"])
