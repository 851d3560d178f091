"""``/__admin/notifications`` and ``/__admin/mo`` filters, and ``DELETE /__admin/state``."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from mockgateway.domain.queries import EventQuery, MessageQuery
from mockgateway.service.gateway import Gateway
from tests.conftest import T0
from tests.internals import scheduler_of

Client = TestClient[Any, Any]


async def _send(client: Client, auth: dict[str, str], *destinations: str, **extra: Any) -> list[list[str]]:
    body = {"destination": list(destinations), "message": "Hello", "origin": "447700900999", **extra}
    response = await client.post("/api/v2/sms", json=body, headers=auth)
    assert response.status == 200, await response.text()
    return [entry["livelinkOrderId"] for entry in (await response.json())["livelinkOrderIds"]]


async def _listed(client: Client, path: str, key: str, **params: str) -> list[dict[str, Any]]:
    response = await client.get(f"/__admin/{path}", params=params)
    assert response.status == 200, await response.text()
    items: list[dict[str, Any]] = (await response.json())[key]
    return items


async def test_notifications_filter_by_account_message_order_id_and_status(
    client: Client, auth: dict[str, str], gateway: Gateway
) -> None:
    # A two-part message to the happy path, and one that fails with DB62.
    long_text = {"destination": ["447700900001"], "message": "x" * 200}
    two_parts = (await (await client.post("/api/v2/sms", json=long_text, headers=auth)).json())["livelinkOrderIds"]
    parts = two_parts[0]["livelinkOrderId"]
    ((failing,),) = await _send(client, auth, "447700900010")
    await gateway.advance(10)

    async def shown(**params: str) -> list[tuple[str, str]]:
        return [(n["part_id"], n["status"]) for n in await _listed(client, "notifications", "notifications", **params)]

    assert len(await shown()) == 6
    assert len(await shown(account="demo")) == 6
    assert await shown(account="nobody") == []
    assert await shown(message=parts[0]) == [
        (parts[0], "SENT"),
        (parts[1], "SENT"),
        (parts[0], "DELIVERED"),
        (parts[1], "DELIVERED"),
    ]
    assert await shown(order_id=parts[1]) == [(parts[1], "SENT"), (parts[1], "DELIVERED")]
    assert await shown(orderId=failing, status="FAILED") == [(failing, "FAILED")]
    assert await shown(status="nok") == [(failing, "FAILED")]
    assert await shown(status="delivered") == [(parts[0], "DELIVERED"), (parts[1], "DELIVERED")]
    assert await shown(status="SENT", limit="1", offset="1") == [(parts[1], "SENT")]
    failed = (await _listed(client, "notifications", "notifications", status="nok"))[0]
    assert (failed["code"], failed["reason"], failed["retriable"]) == ("DB62", "network_temporary", True)


async def test_mos_filter_by_account_message_number_and_text(
    client: Client, auth: dict[str, str], gateway: Gateway
) -> None:
    ((stop,), (yes,)) = await _send(client, auth, "447700900030", "447700900031")
    await gateway.advance(60)
    injected = await client.post("/__admin/mo", json={"from": "+447700900031", "to": "447700900999", "text": "More"})
    assert injected.status == 201

    async def texts(**params: str) -> list[str]:
        return [m["text"] for m in await _listed(client, "mo", "mo", **params)]

    assert await texts() == ["STOP", "YES please", "More"]
    assert await texts(account="demo") == ["STOP", "YES please", "More"]
    assert await texts(account="nobody") == []
    assert await texts(message=stop) == ["STOP"]
    assert await texts(message=yes) == ["YES please", "More"]  # the injected reply answers the last message
    assert await texts(**{"from": "+447700900031"}) == ["YES please", "More"]
    assert await texts(phone="447700900030") == ["STOP"]
    assert await texts(text="PLEASE") == ["YES please"]
    assert await texts(keyword="more", limit="5") == ["More"]


async def test_a_page_of_mos_tells_how_many_match_in_all(client: Client) -> None:
    for text in ("one", "two", "three"):
        body = {"from": "+447700900031", "to": "447700900999", "text": text}
        assert (await client.post("/__admin/mo", json=body)).status == 201
    newest = await (await client.get("/__admin/mo", params={"limit": "2", "offset": "1"})).json()
    assert (newest["total"], [m["text"] for m in newest["mo"]]) == (3, ["two", "three"])
    matching = await (await client.get("/__admin/mo", params={"text": "t", "limit": "1"})).json()
    assert (matching["total"], [m["text"] for m in matching["mo"]]) == (2, ["two"])


async def test_deleting_state_forgets_everything_but_the_clock(
    client: Client, auth: dict[str, str], gateway: Gateway
) -> None:
    # A reply after 33 s; a delivery after an hour; ACK callbacks (held, never sent, by the default outbox)
    await _send(client, auth, "447700900030", "447700900002", acknowledgement=True, callback="http://127.0.0.1:9/cb")
    await gateway.advance(60)
    assert await gateway.deliveries(EventQuery())
    moved = T0 + 60
    assert await gateway.count_notifications(EventQuery()) > 0
    assert await gateway.count_mos(EventQuery()) == 1
    assert len(scheduler_of(gateway)) > 0

    response = await client.delete("/__admin/state")
    assert response.status == 200
    assert (await response.json())["status"] == "reset"
    assert (await gateway.messages(MessageQuery())).total == 0
    assert await gateway.count_notifications(EventQuery()) == 0
    assert await gateway.count_mos(EventQuery()) == 0
    assert await gateway.deliveries(EventQuery()) == []
    assert len(scheduler_of(gateway)) == 0
    clock = await (await client.get("/__admin/clock")).json()
    assert clock["epoch"] == moved
    await gateway.advance(4000)  # nothing left to happen
    assert await gateway.count_notifications(EventQuery()) == 0
    assert await _listed(client, "notifications", "notifications") == []
    assert await _listed(client, "mo", "mo") == []
