"""Error ACKs in the status pull keep to the swagger's ``status`` values (SENT, DELIVERED, RECEIVED).

An error ACK shows the status its part had reached, and its code in ``finalStatusIndicator`` and
``internalStatusId``, so a client generated from SAP's swagger parses every page.
"""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from mockgateway.scenario.build import build_scenario
from mockgateway.service.gateway import Gateway
from tests.conftest import basic
from tests.swagger import assert_matches

Client = TestClient[Any, Any]
WINDOW = {"startUTCTime": "202601010000", "endUTCTime": "202601030000"}
SPEC_STATUSES = {"SENT", "DELIVERED", "RECEIVED"}
RETRY_THEN_DELIVER, MULTIPART_PART_2_FAILS = "447700900003", "447700900060"
#: Every shipped scenario that ends in, or passes through, an error ACK.
ERROR_NUMBERS = [f"4477009000{n}" for n in range(10, 19)] + [RETRY_THEN_DELIVER, MULTIPART_PART_2_FAILS]
REJECTED = "447700900077"


async def send(client: Client, auth: dict[str, str], destination: str, message: str = "Hello") -> list[str]:
    body = {"destination": [destination], "message": message}
    response = await client.post("/api/v2/sms", json=body, headers=auth)
    assert response.status == 200, await response.text()
    order_ids: list[str] = (await response.json())["livelinkOrderIds"][0]["livelinkOrderId"]
    return order_ids


async def pull(client: Client, **params: str) -> dict[str, Any]:
    """A page of ACKs, with a fresh token: the timelines here outlast a token's 45 minutes."""
    grant = await client.post(
        "/api/oauth/token", data={"grant_type": "client_credentials"}, headers=basic("demo-app-key", "demo-app-secret")
    )
    auth = {"Authorization": f"Bearer {(await grant.json())['access_token']}"}
    response = await client.get("/api/v2/sms/status", params={**WINDOW, **params}, headers=auth)
    assert response.status == 200, await response.text()
    body: dict[str, Any] = await response.json()
    return body


def summary(body: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return [
        (a["orderId"], a["status"], a["finalStatusIndicator"], a["internalStatusId"]) for a in body["SAPNotification"]
    ]


async def test_a_temporary_error_shows_the_status_reached_with_its_code(
    client: Client, auth: dict[str, str], gateway: Gateway
) -> None:
    (order,) = await send(client, auth, RETRY_THEN_DELIVER)
    await gateway.advance(2 * 3600)
    body = await pull(client)
    assert summary(body) == [
        (order, "SENT", "NOT_FINAL", "SENT"),
        (order, "SENT", "NOT_FINAL", "RETRYING"),  # Live Link retries: a temporary error, with no final code
        (order, "DELIVERED", "FINAL", "DELIVERED"),
    ]
    assert "is being retried" in body["SAPNotification"][1]["messageBody"]
    assert_matches("PollStatusResponse", body)


async def test_an_error_shows_its_own_part_s_status_not_another_part_s(
    client: Client, auth: dict[str, str], gateway: Gateway
) -> None:
    first, second = await send(client, auth, MULTIPART_PART_2_FAILS, "x" * 200)
    await gateway.advance(10)
    body = await pull(client, status="nok")
    assert summary(body) == [(second, "SENT", "DB52", "DB52")]
    everything = summary(await pull(client))
    assert (first, "DELIVERED", "FINAL", "DELIVERED") in everything
    assert_matches("PollStatusResponse", body)


async def test_an_error_before_any_other_ack_shows_sent(client: Client, auth: dict[str, str], gateway: Gateway) -> None:
    rejected = build_scenario(
        {
            "name": "rejected-at-once",
            "match": {"destination": f"+{REJECTED}"},
            "steps": [{"status": "failed", "after": "1s", "reason": "no_operator"}],
        },
        "test",
    )
    gateway.scenarios = (rejected, *gateway.scenarios)
    (order,) = await send(client, auth, REJECTED)
    await gateway.advance(10)
    body = await pull(client)
    assert summary(body) == [(order, "SENT", "4503", "4503")]
    assert_matches("PollStatusResponse", body)


async def test_every_page_of_every_error_scenario_keeps_to_the_spec_s_statuses(
    client: Client, auth: dict[str, str], gateway: Gateway
) -> None:
    for number in ERROR_NUMBERS:
        await send(client, auth, number, "x" * 200 if number == MULTIPART_PART_2_FAILS else "Hello")
    await gateway.advance(2 * 3600)
    first = await pull(client)
    pages = [first] + [await pull(client, pageIndex=str(i)) for i in range(2, first["pageCount"] + 1)]
    acks = [ack for page in pages for ack in page["SAPNotification"]]
    # SENT + outcome each but the refused recipient (its refusal alone); the retry's DELIVERED; part 2's two
    assert len(acks) == 2 * len(ERROR_NUMBERS) - 1 + 3
    assert {ack["status"] for ack in acks} == SPEC_STATUSES - {"RECEIVED"}
    final_errors = [ack for ack in acks if ack["finalStatusIndicator"].startswith(("DB", "45"))]
    assert len(final_errors) == len(ERROR_NUMBERS) - 1  # all but the retry, which ends delivered
    for page in pages:
        assert_matches("PollStatusResponse", page)
