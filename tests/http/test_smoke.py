from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient


async def test_health_reports_ok_and_virtual_clock(client: TestClient[Any, Any]) -> None:
    response = await client.get("/__admin/health")
    assert response.status == 200
    body = await response.json()
    assert body["status"] == "ok"
    assert body["clock"] == "virtual"


async def test_send_then_inspect(client: TestClient[Any, Any], auth: dict[str, str]) -> None:
    response = await client.post("/api/v2/sms", json={"destination": "447700900123", "message": "hi"}, headers=auth)
    assert response.status == 200
    order_id = (await response.json())["livelinkOrderIds"][0]["livelinkOrderId"][0]
    listed = await (await client.get("/__admin/messages")).json()
    assert [m["id"] for m in listed["messages"]] == [order_id]
    one = await (await client.get(f"/__admin/messages/{order_id}")).json()
    assert one["destination"] == "+447700900123"
