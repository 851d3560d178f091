"""``clock/advance`` on any replica moves every replica, and answers once every callback it caused has finished,
on whichever replica the message was sent through."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.ack_receiver import AckReceiver
from tests.conftest import T0, basic
from tests.replicas.conftest import Client, Cluster, Replica

#: Outside the magic numbers: the default timeline, SENT +1 s, DELIVERED +3 s, RECEIVED +6 s.
DESTINATION = "33612345678"


async def _json(response: Any, status: int = 200) -> Any:
    assert response.status == status, await response.text()
    return await response.json()


async def _send_with_acks(client: Client, callback: str) -> str:
    grant = await _json(
        await client.post(
            "/api/oauth/token",
            data={"grant_type": "client_credentials"},
            headers=basic("demo-app-key", "demo-app-secret"),
        )
    )
    body = {
        "destination": [DESTINATION],
        "message": "Hello",
        "acknowledgement": True,
        "ackType": "MESSAGE",
        "callback": callback,
    }
    sent = await _json(
        await client.post("/api/v2/sms", json=body, headers={"Authorization": f"Bearer {grant['access_token']}"})
    )
    order: str = sent["livelinkOrderIds"][0]["livelinkOrderId"][0]
    return order


async def _advance(client: Client, seconds: float) -> Any:
    return await _json(await client.post("/__admin/clock/advance", json={"seconds": seconds}))


async def _clocks(replicas: list[Replica]) -> list[float]:
    return [(await _json(await r.client.get("/__admin/clock")))["epoch"] for r in replicas]


async def test_an_advance_on_one_replica_runs_the_callbacks_of_messages_sent_through_another(
    replicas: list[Replica], receiver: AckReceiver
) -> None:
    a, b, c = replicas
    first = await _send_with_acks(a.client, receiver.url)
    second = await _send_with_acks(c.client, receiver.url)

    moved = await _advance(b.client, 10)

    assert moved["epoch"] == T0 + 10
    assert receiver.statuses == {order: ["SENT", "DELIVERED", "RECEIVED"] for order in (first, second)}
    assert await _clocks(replicas) == [T0 + 10] * 3


async def test_advances_on_several_replicas_at_once_take_turns(replicas: list[Replica], receiver: AckReceiver) -> None:
    a, b, c = replicas
    order = await _send_with_acks(b.client, receiver.url)

    answers = await asyncio.gather(_advance(a.client, 2), _advance(c.client, 2), _advance(b.client, 2))

    assert sorted(answer["epoch"] for answer in answers) == [T0 + 2, T0 + 4, T0 + 6]
    assert receiver.statuses == {order: ["SENT", "DELIVERED", "RECEIVED"]}
    assert await _clocks(replicas) == [T0 + 6] * 3


async def test_a_replica_started_later_takes_the_shared_position(cluster: Cluster) -> None:
    first = await cluster.start()
    await _advance(first.client, 3600)
    later = await cluster.start()  # its own clock was built at T0
    assert await _clocks(cluster.replicas) == [T0 + 3600] * 2
    await _advance(later.client, 1)
    assert await _clocks(cluster.replicas) == [T0 + 3601] * 2


async def test_a_replica_started_later_joins_the_shared_clock_even_behind_its_own(
    cluster: Cluster, receiver: AckReceiver
) -> None:
    first = await cluster.start()
    await _advance(first.client, 60)
    later = await cluster.start(clock_at=T0 + 7200)  # started an hour later, its clock at the host's time
    assert await _clocks(cluster.replicas) == [T0 + 60] * 2
    order = await _send_with_acks(later.client, receiver.url)  # due on the shared clock, not an hour ahead of it
    await _advance(first.client, 10)
    assert receiver.statuses == {order: ["SENT", "DELIVERED", "RECEIVED"]}
