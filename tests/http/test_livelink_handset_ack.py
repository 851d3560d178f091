"""Live Link with a handset acknowledgement asked for (ackType MESSAGE): the SMS-C's DELIVERED is not final, the
handset's RECEIVED is, in the status pull as in the pushed ACKs."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mockgateway.service.gateway import Gateway

Client = TestClient[Any, Any]
WINDOW = {"startUTCTime": "202601010000", "endUTCTime": "202601010100"}  #: the first hour after T0


async def pull_statuses(client: Client, auth: dict[str, str]) -> list[tuple[str, str]]:
    response = await client.get("/api/v2/sms/status", params=WINDOW, headers=auth)
    assert response.status == 200, await response.text()
    return [(ack["status"], ack["finalStatusIndicator"]) for ack in (await response.json())["SAPNotification"]]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, [("SENT", "NOT_FINAL"), ("DELIVERED", "FINAL")]),
        ({"acknowledgement": True, "ackType": "ORDER"}, [("SENT", "NOT_FINAL"), ("DELIVERED", "FINAL")]),
        (
            {"acknowledgement": True, "ackType": "MESSAGE"},
            [("SENT", "NOT_FINAL"), ("DELIVERED", "NOT_FINAL"), ("RECEIVED", "FINAL")],
        ),
        # ackType alone asks for the handset's ACK, whether or not ACKs are pushed
        ({"ackType": "MESSAGE"}, [("SENT", "NOT_FINAL"), ("DELIVERED", "NOT_FINAL"), ("RECEIVED", "FINAL")]),
    ],
    ids=["no-ack", "order", "message", "message-pulled-only"],
)
async def test_the_pull_marks_delivered_final_only_without_a_handset_ack(
    client: Client, auth: dict[str, str], gateway: Gateway, fields: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    body = {"destination": ["447700909001"], "message": "Hello", **fields}
    response = await client.post("/api/v2/sms", json=body, headers=auth)
    assert response.status == 200, await response.text()
    await gateway.advance(60)
    assert await pull_statuses(client, auth) == expected


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, [("SENT", False), ("DELIVERED", True)]),
        ({"ackType": "MESSAGE"}, [("SENT", False), ("DELIVERED", False), ("RECEIVED", True)]),
    ],
    ids=["no-handset-ack", "handset-ack"],
)
async def test_the_admin_api_marks_final_as_the_pull_does(
    client: Client, auth: dict[str, str], gateway: Gateway, fields: dict[str, Any], expected: list[tuple[str, bool]]
) -> None:
    body = {"destination": ["447700909001"], "message": "Hello", **fields}
    assert (await client.post("/api/v2/sms", json=body, headers=auth)).status == 200
    await gateway.advance(60)
    listed = (await (await client.get("/__admin/notifications")).json())["notifications"]
    assert [(n["status"], n["final"]) for n in listed] == expected
    waited = await (await client.get("/__admin/notifications/wait", params={"status": "DELIVERED"})).json()
    assert waited["final"] is expected[1][1]
