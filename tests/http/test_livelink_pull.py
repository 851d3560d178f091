"""Live Link's pull API: ``GET /api/v2/sms/status`` (ACKs) and ``GET /api/v2/sms/mo`` (MOs)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mockgateway.bootstrap import build_gateway
from mockgateway.clock import FakeClock
from mockgateway.config import DEMO_ACCOUNT, Settings
from mockgateway.domain.model import Account
from mockgateway.http.app import create_app
from mockgateway.service.gateway import Gateway
from tests.conftest import AiohttpClient, basic
from tests.swagger import assert_matches

#: T0 is 2026-01-01T00:00:00Z; this window is its first hour.
WINDOW = {"startUTCTime": "202601010000", "endUTCTime": "202601010100"}
HAPPY, FAILS_DB62, REPLIES_STOP, REPLIES_YES = "447700900001", "447700900010", "447700900030", "447700900031"
OTHER = Account(
    name="other",
    credentials={"livelink": {"app_key": "other-key", "app_secret": "other-secret", "client_id": 777}},
)

Client = TestClient[Any, Any]


@pytest.fixture
def settings() -> Settings:
    return Settings(clock="virtual", seed=7, accounts=(DEMO_ACCOUNT, OTHER))


async def send(client: Client, auth: dict[str, str], *destinations: str) -> list[list[str]]:
    body = {"destination": list(destinations), "message": "Hello", "origin": "447700900999"}
    response = await client.post("/api/v2/sms", json=body, headers=auth)
    assert response.status == 200, await response.text()
    return [entry["livelinkOrderId"] for entry in (await response.json())["livelinkOrderIds"]]


async def pull(client: Client, auth: dict[str, str], path: str = "status", **params: str) -> dict[str, Any]:
    response = await client.get(f"/api/v2/sms/{path}", params={**WINDOW, **params}, headers=auth)
    assert response.status == 200, await response.text()
    body: dict[str, Any] = await response.json()
    return body


async def other_auth(client: Client) -> dict[str, str]:
    response = await client.post(
        "/api/oauth/token", data={"grant_type": "client_credentials"}, headers=basic("other-key", "other-secret")
    )
    return {"Authorization": f"Bearer {(await response.json())['access_token']}"}


# -- ACKs -----------------------------------------------------------------------------------------
async def test_acks_of_the_window_come_oldest_first_in_the_spec_shape(
    client: Client, auth: dict[str, str], gateway: Gateway
) -> None:
    (happy,), (failing,) = await send(client, auth, HAPPY, FAILS_DB62)
    await gateway.advance(10)
    body = await pull(client, auth)
    assert (body["clientId"], body["pageCount"], body["pageIndex"]) == ("12345", 1, 1)
    acks = body["SAPNotification"]
    assert [(a["orderId"], a["status"]) for a in acks] == [
        (happy, "SENT"),
        (failing, "SENT"),
        (happy, "DELIVERED"),
        (failing, "SENT"),
    ]
    sent = acks[0]
    assert sent["recipient"] == "+447700900001"
    assert sent["timestamp"] == "2026-01-01T00:00:01.000Z"
    assert sent["messageBody"] == (
        f"Message 1 of the order {happy} at destination of +447700900001 has been sent at 00:00:01 (GMT) "
        "on the 01-01-2026."
    )
    assert (sent["finalStatusIndicator"], sent["internalStatusId"]) == ("NOT_FINAL", "SENT")
    assert isinstance(sent["operatorId"], int)
    assert (acks[2]["finalStatusIndicator"], acks[2]["timestamp"]) == ("FINAL", "2026-01-01T00:00:03.000Z")
    assert (acks[3]["finalStatusIndicator"], acks[3]["internalStatusId"]) == ("DB62", "DB62")
    assert acks[3]["messageBody"].endswith("could not be delivered at 00:00:03 (GMT) on the 01-01-2026. Error DB62.")
    assert_matches("PollStatusResponse", body)


async def test_acks_filter_by_status_and_order_id(client: Client, auth: dict[str, str], gateway: Gateway) -> None:
    (happy,), (failing,) = await send(client, auth, HAPPY, FAILS_DB62)
    await gateway.advance(10)

    async def statuses(**params: str) -> list[tuple[str, str]]:
        return [(a["orderId"], a["status"]) for a in (await pull(client, auth, **params))["SAPNotification"]]

    assert await statuses(status="nok") == [(failing, "SENT")]
    assert await statuses(status="SENT") == [(happy, "SENT"), (failing, "SENT")]
    assert await statuses(status="DELIVERED") == [(happy, "DELIVERED")]
    assert await statuses(status="all", orderId=failing) == [(failing, "SENT"), (failing, "SENT")]
    assert await statuses(status="SENT", orderId=happy) == [(happy, "SENT")]
    empty = await pull(client, auth, status="RECEIVED")
    assert (empty["pageCount"], empty["pageIndex"], empty["SAPNotification"]) == (0, 1, [])
    assert (await pull(client, auth, orderId="999"))["SAPNotification"] == []


async def test_acks_come_ten_to_a_page(client: Client, auth: dict[str, str], gateway: Gateway) -> None:
    numbers = [f"336123456{i:02}" for i in range(23)]  # the default timeline: SENT and DELIVERED
    await send(client, auth, *numbers)
    await gateway.advance(10)
    first = await pull(client, auth, pageIndex="1")
    assert (first["pageCount"], len(first["SAPNotification"])) == (5, 10)
    assert [a["recipient"] for a in first["SAPNotification"]] == [f"+{n}" for n in numbers[:10]]
    third = await pull(client, auth, pageIndex="3")
    assert [(a["recipient"], a["status"]) for a in third["SAPNotification"]] == [
        *((f"+{n}", "SENT") for n in numbers[20:]),
        *((f"+{n}", "DELIVERED") for n in numbers[:7]),
    ]
    last = await pull(client, auth, pageIndex="5")
    assert (last["pageIndex"], len(last["SAPNotification"])) == (5, 6)
    delivered = await pull(client, auth, status="DELIVERED", pageIndex="3")
    assert (delivered["pageCount"], len(delivered["SAPNotification"])) == (3, 3)


async def test_the_window_takes_its_start_and_leaves_out_its_end(
    client: Client, auth: dict[str, str], gateway: Gateway
) -> None:
    await send(client, auth, HAPPY)  # ACKs at 00:00:01 and 00:00:03
    await gateway.advance(60)
    await send(client, auth, HAPPY)  # ACKs at 00:01:01 and 00:01:03
    await gateway.advance(10)

    async def count(start: str, end: str) -> int:
        body = await pull(client, auth, startUTCTime=start, endUTCTime=end)
        return len(body["SAPNotification"])

    assert await count("202601010000", "202601010001") == 2
    assert await count("202601010001", "202601010002") == 2
    assert await count("202601010000", "202601010000") == 0
    assert await count("202512310000", "202601020000") == 4
    assert await count("202601010002", "202601010100") == 0


async def test_an_account_sees_only_its_own_acks(client: Client, auth: dict[str, str], gateway: Gateway) -> None:
    (mine,) = await send(client, auth, HAPPY)
    other = await other_auth(client)
    (theirs,) = await send(client, other, "447700900001")
    await gateway.advance(10)
    demo_body = await pull(client, auth)
    other_body = await pull(client, other)
    assert {a["orderId"] for a in demo_body["SAPNotification"]} == {mine[0]}
    assert {a["orderId"] for a in other_body["SAPNotification"]} == {theirs[0]}
    assert other_body["clientId"] == "777"
    assert (await pull(client, other, orderId=mine[0]))["SAPNotification"] == []


async def test_the_documented_lowercase_list_key_is_a_setting(aiohttp_client: AiohttpClient, clock: FakeClock) -> None:
    settings = Settings(clock="virtual", seed=7, status_list_key="sapnotification")
    client = await aiohttp_client(create_app(settings, gateway=build_gateway(settings, clock=clock)))
    token = await client.post(
        "/api/oauth/token", data={"grant_type": "client_credentials"}, headers=basic("demo-app-key", "demo-app-secret")
    )
    auth = {"Authorization": f"Bearer {(await token.json())['access_token']}"}
    await send(client, auth, HAPPY)
    await client.post("/__admin/clock/advance", json={"seconds": 10})
    body = await pull(client, auth)
    assert "SAPNotification" not in body
    assert [a["status"] for a in body["sapnotification"]] == ["SENT", "DELIVERED"]
    for ack in body["sapnotification"]:
        assert_matches("PollStatus", ack)


# -- MOs ------------------------------------------------------------------------------------------
async def test_mos_of_the_window_in_the_documented_shape(
    client: Client, auth: dict[str, str], gateway: Gateway
) -> None:
    (stop,), (yes,) = await send(client, auth, REPLIES_STOP, REPLIES_YES)  # replies 33 s after sending
    await gateway.advance(60)
    body = await pull(client, auth, "mo")
    assert (body["pageCount"], body["pageIndex"]) == (1, 1)
    assert body["sapnotification"] == [
        {
            "contentText": "STOP",
            "orderId": stop,
            "parameters": {"clientId": "12345", "keyword": "", "receivedTime": "2026-01-01T00:00:33.000Z"},
            "recipient": "447700900999",
            "sender": "tel:+447700900030",
        },
        {
            "contentText": "YES please",
            "orderId": yes,
            "parameters": {"clientId": "12345", "keyword": "", "receivedTime": "2026-01-01T00:00:33.000Z"},
            "recipient": "447700900999",
            "sender": "tel:+447700900031",
        },
    ]
    # The documentation adds orderId and parameters.clientId to the spec's PollMo: check the rest's types.
    assert_matches("PollMoResponse", body, strict=False)


async def test_mos_match_a_keyword_without_regard_to_case(
    client: Client, auth: dict[str, str], gateway: Gateway
) -> None:
    await send(client, auth, REPLIES_STOP, REPLIES_YES)
    await gateway.advance(60)
    body = await pull(client, auth, "mo", keyword="Please")
    assert [m["contentText"] for m in body["sapnotification"]] == ["YES please"]
    assert body["sapnotification"][0]["parameters"]["keyword"] == "Please"
    assert (await pull(client, auth, "mo", keyword="stop"))["pageCount"] == 1
    none = await pull(client, auth, "mo", keyword="hello")
    assert (none["pageCount"], none["pageIndex"], none["sapnotification"]) == (0, 1, [])


async def test_mos_page_and_stay_with_their_account(client: Client, auth: dict[str, str]) -> None:
    for i in range(12):
        injected = await client.post(
            "/__admin/mo", json={"from": f"+3361234{i:04}", "to": "447700900999", "text": f"m{i}", "account": "demo"}
        )
        assert injected.status == 201
    second = await pull(client, auth, "mo", pageIndex="2")
    assert (second["pageCount"], [m["contentText"] for m in second["sapnotification"]]) == (2, ["m10", "m11"])
    other = await pull(client, await other_auth(client), "mo")
    assert (other["pageCount"], other["sapnotification"]) == (0, [])


# -- refusals -------------------------------------------------------------------------------------
BAD_QUERIES = [
    pytest.param({"startUTCTime": None}, "startUTCTime", id="start-missing"),
    pytest.param({"endUTCTime": None}, "endUTCTime", id="end-missing"),
    pytest.param({"startUTCTime": "2026-01-01"}, "startUTCTime", id="start-iso"),
    pytest.param({"startUTCTime": "20260101"}, "startUTCTime", id="start-short"),
    pytest.param({"endUTCTime": "202613010000"}, "endUTCTime", id="end-month-13"),
    pytest.param({"endUTCTime": "2026010100\uff160"}, "endUTCTime", id="end-non-ascii-digit"),
    pytest.param({"endUTCTime": "20260101003\u0660"}, "endUTCTime", id="end-arabic-indic-zero"),
    pytest.param({"endUTCTime": "202512312359"}, "endUTCTime", id="end-before-start"),
    pytest.param({"pageIndex": "0"}, "pageIndex", id="page-0"),
    pytest.param({"pageIndex": "-1"}, "pageIndex", id="page-negative"),
    pytest.param({"pageIndex": "one"}, "pageIndex", id="page-word"),
    pytest.param({"pageIndex": "\u00b2"}, "pageIndex", id="page-superscript-two"),
    pytest.param({"pageIndex": "\u0661"}, "pageIndex", id="page-arabic-indic-one"),
    pytest.param({"pageIndex": "2"}, "pageIndex", id="page-past-the-last"),
    pytest.param({"pageIndex": "99999999999999999999"}, "pageIndex", id="page-huge"),
]


async def assert_bad_request(response: Any, field: str) -> None:
    assert response.status == 400, await response.text()
    body = await response.json()
    assert body["httpStatusCode"] == "400 BAD_REQUEST"
    assert body["apiErrorCode"] == 4000
    assert re.search(rf"\b{field}\b", body["userMessage"]), body
    assert_matches("LiveLinkResponse", body)


@pytest.mark.parametrize("path", ["status", "mo"])
@pytest.mark.parametrize(("changes", "field"), BAD_QUERIES)
async def test_bad_query_input_is_400_naming_the_parameter(
    client: Client, auth: dict[str, str], path: str, changes: dict[str, str | None], field: str
) -> None:
    params = {key: value for key, value in {**WINDOW, **changes}.items() if value is not None}
    await assert_bad_request(await client.get(f"/api/v2/sms/{path}", params=params, headers=auth), field)


@pytest.mark.parametrize("status", ["LOST", "ERROR", "accepted", ""])
async def test_an_unknown_status_is_400(client: Client, auth: dict[str, str], status: str) -> None:
    response = await client.get("/api/v2/sms/status", params={**WINDOW, "status": status}, headers=auth)
    if status == "":  # an empty value means "not given": all statuses
        assert response.status == 200
        return
    await assert_bad_request(response, "status")


@pytest.mark.parametrize("path", ["status", "mo"])
async def test_pulling_needs_a_valid_token(client: Client, path: str) -> None:
    assert (await client.get(f"/api/v2/sms/{path}", params=WINDOW)).status == 401
    bad = {"Authorization": "Bearer nope"}
    assert (await client.get(f"/api/v2/sms/{path}", params=WINDOW, headers=bad)).status == 401


async def test_pulls_list_only_what_went_through_live_link(
    client: Client, auth: dict[str, str], gateway: Gateway
) -> None:
    """The demo account also sends through smsmode: those ACKs and replies are not Live Link's to list."""
    ((mine,),) = await send(client, auth, REPLIES_YES)
    through_smsmode = await client.post(
        "/sms/v1/messages",
        json={"recipient": {"to": f"+{REPLIES_STOP}"}, "body": {"text": "Hello"}},
        headers={"X-Api-Key": "demo-smsmode-api-key"},
    )
    assert through_smsmode.status == 201, await through_smsmode.text()
    await gateway.advance(60)
    everything = await (await client.get("/__admin/notifications", params={"account": "demo"})).json()
    assert {n["provider"] for n in everything["notifications"]} == {"livelink", "smsmode"}
    acks = (await pull(client, auth))["SAPNotification"]
    assert [a["status"] for a in acks] == ["SENT", "DELIVERED"]
    assert {a["orderId"] for a in acks} == {mine}
    replies = await pull(client, auth, "mo")
    assert (replies["pageCount"], [m["orderId"] for m in replies["sapnotification"]]) == (1, [mine])
