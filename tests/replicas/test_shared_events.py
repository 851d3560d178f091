"""What happens on one replica reaches the live stream and the wait API of another."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import ClientResponse

from tests.conftest import basic, next_turn
from tests.internals import wants_events
from tests.replicas.conftest import Client, Replica, settled

#: Guards against a hang only: every awaited event is already on its way when the read starts.
READ_GUARD_S = 30.0
DESTINATION = "447700900003"


async def _token(client: Client) -> str:
    response = await client.post(
        "/api/oauth/token", data={"grant_type": "client_credentials"}, headers=basic("demo-app-key", "demo-app-secret")
    )
    assert response.status == 200, await response.text()
    return str((await response.json())["access_token"])


async def _send(client: Client, token: str, text: str = "Hello") -> str:
    body = {"destination": [DESTINATION], "message": text}
    response = await client.post("/api/v2/sms", json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status == 200, await response.text()
    order: str = (await response.json())["livelinkOrderIds"][0]["livelinkOrderId"][0]
    return order


async def _next_event(stream: ClientResponse) -> tuple[str, dict[str, Any]]:
    """The next ``event:``/``data:`` pair of a Server-Sent Events stream."""
    kind = ""
    while True:
        line = (await asyncio.wait_for(stream.content.readline(), READ_GUARD_S)).decode().strip()
        if line.startswith("event: "):
            kind = line.removeprefix("event: ")
        elif line.startswith("data: ") and kind:
            return kind, json.loads(line.removeprefix("data: "))


async def test_the_live_stream_of_one_replica_shows_what_another_does(replicas: list[Replica]) -> None:
    a, b, _ = replicas
    stream = await b.client.get("/__admin/events")  # answered once every replica forwards to it
    assert stream.status == 200
    token = await _token(a.client)
    await _send(a.client, token)
    message_id = (await (await a.client.get("/__admin/messages")).json())["messages"][0]["id"]

    assert await _next_event(stream) == ("message", {"id": message_id, "account": "demo"})
    await a.gateway.advance(1)  # SENT, on the replica the message was sent through
    kind, _ = await _next_event(stream)
    assert kind in {"notification", "clock"}
    stream.close()


async def test_a_wait_on_one_replica_answers_when_the_message_is_sent_through_another(
    replicas: list[Replica],
) -> None:
    a, b, c = replicas
    token = await _token(c.client)
    waiting = asyncio.ensure_future(b.client.get("/__admin/messages/wait", params={"to": DESTINATION, "timeout": "30"}))
    while not wants_events(a.gateway, "message"):  # the wait on b listens, and a has heard of it
        await next_turn()
    await _send(a.client, token, "Your code is 123456")
    found = await waiting
    assert found.status == 200, await found.text()
    assert (await found.json())["text"] == "Your code is 123456"


async def test_events_go_to_the_other_replicas_only_while_someone_there_listens(replicas: list[Replica]) -> None:
    a, b, _ = replicas
    assert not wants_events(a.gateway, "message")
    stop = b.gateway.subscribe(lambda _: None, kinds=("message",))
    await b.gateway.heard_everywhere()
    assert wants_events(a.gateway, "message")
    assert not wants_events(a.gateway, "reset")
    stop()
    await settled(replicas)
    assert not wants_events(a.gateway, "message")
