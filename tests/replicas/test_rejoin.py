"""A replica whose subscription to the others' notes was cut reads again, once subscribed anew, what the notes
published meanwhile would have told it: opt-outs added and removed, runtime callback targets and the virtual
clock's position."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.conftest import T0
from tests.internals import notes_connection
from tests.replicas.conftest import Client, Replica, settled

MOBIVATE = {"Authorization": "Bearer demo-mobivate-key"}
HANDSET = "447700900123"
OPTED_IN_LATER = "447700900456"
#: Guards against a hang only: the connection is given back by the test itself.
GUARD_S = 30.0


async def _json(response: Any, status: int = 200) -> Any:
    assert response.status == status, await response.text()
    return await response.json()


async def _state(client: Client) -> tuple[list[str], Any, float]:
    """What the replica behind ``client`` holds: the opt-outs, the demo account's targets, the clock."""
    opted_out = [entry["mobile"] for entry in await _json(await client.get("/addressbook/optout", headers=MOBIVATE))]
    accounts = (await _json(await client.get("/__admin/accounts")))["accounts"]
    demo = next(account for account in accounts if account["name"] == "demo")
    clock = (await _json(await client.get("/__admin/clock")))["epoch"]
    return opted_out, demo["provider_callbacks"], clock


async def test_notes_missed_while_the_subscription_was_cut_are_read_again_once_subscribed(
    replicas: list[Replica], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, _, c = replicas
    await _json(await a.client.post("/addressbook/optout", json={"mobile": OPTED_IN_LATER}, headers=MOBIVATE))
    await settled(replicas)
    connection = notes_connection(c.gateway)
    given_back, reconnected = asyncio.Event(), asyncio.Event()
    connect = connection.connect

    async def held_until_given_back() -> None:  # redis-py reconnects the subscription through it
        await given_back.wait()
        await connect()
        reconnected.set()

    monkeypatch.setattr(connection, "connect", held_until_given_back)
    await connection.disconnect()  # c hears nothing of the others until the connection is given back

    await _json(await a.client.post("/addressbook/optout", json={"mobile": HANDSET}, headers=MOBIVATE))
    await _json(await a.client.delete("/addressbook/optout", json={"mobile": OPTED_IN_LATER}, headers=MOBIVATE))
    own = {"mo_callback": "http://127.0.0.1:9/livelink-mo"}
    await _json(await a.client.put("/__admin/accounts/demo/callbacks/livelink", json=own))
    await _json(await a.client.post("/__admin/clock/advance", json={"seconds": 60}))
    await a.gateway.caught_up()  # every note a published has gone out, unheard by c

    given_back.set()
    await asyncio.wait_for(reconnected.wait(), GUARD_S)
    await asyncio.wait_for(c.gateway.caught_up(), GUARD_S)  # its own ping comes back after it rejoined

    opted_out, targets, clock = await _state(c.client)
    assert opted_out == [HANDSET]
    assert targets == (await _state(a.client))[1]
    assert targets["livelink"]["mo_callback"]["url"] == own["mo_callback"]
    assert clock == T0 + 60
