"""Live Link send requests: nulls mean absent, origins fit an SMS, v1's ackFlags and clientId, ACK time zones."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mockgateway.dialects.livelink.callbacks import ack_text
from mockgateway.domain.model import MessageStatus, Notification

Client = TestClient[Any, Any]
NUMBER = "447700909001"
V2 = {"destination": [NUMBER], "message": "hi"}
V1 = {"destination": [NUMBER], "body": "hi"}
#: Every optional field of ``SmsRequestV2`` and ``SmsRequest`` (SAP's swagger), so this runs without it too.
V2_OPTIONAL = (
    "ackCountryCode", "ackDeliveredTime", "ackFinalOnly", "ackFinalStatus", "ackInternalStatus", "ackMTReceivedTime",
    "ackOperatorId", "ackTimeInGMT", "ackTpoa", "ackType", "acknowledgement", "callback", "clientId",
    "contentTextEncoding", "messageClass", "mobileNotification", "operatorId", "origin", "pId", "randomId",
    "sessionId", "subject", "validityPeriod",
)  # fmt: skip
V1_OPTIONAL = (
    "clientId", "channel", "origin", "ackType", "validityPeriod", "sessionId", "contentTextEncoding", "subject",
    "mobileNotification", "operatorId", "messageClass", "pId", "ackFlags",
)  # fmt: skip
DEMO_CLIENT_ID = 12345
NOT_FLAGS = ("ackType", "acknowledgement")


async def stored(client: Client, order_id: str) -> dict[str, Any]:
    """What the gateway made of a request, without what differs from one message to the next."""
    message: dict[str, Any] = await (await client.get(f"/__admin/messages/{order_id}")).json()
    return {key: value for key, value in message.items() if key not in ("id", "part_ids", "parts", "created_at")}


async def post(client: Client, auth: dict[str, str], path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(path, json=body, headers=auth)
    answer: dict[str, Any] = await response.json()
    assert response.status == 200, answer
    return answer


def first_order_id(answer: dict[str, Any]) -> str:
    return str(answer["livelinkOrderIds"][0]["livelinkOrderId"][0])


# -- nulls -----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "minimal", "optional"), [("/api/v2/sms", V2, V2_OPTIONAL), ("/api/messages", V1, V1_OPTIONAL)]
)
async def test_a_null_optional_field_means_the_same_as_leaving_it_out(
    client: Client, auth: dict[str, str], path: str, minimal: dict[str, Any], optional: tuple[str, ...]
) -> None:
    plain = await post(client, auth, path, minimal)
    nulls = await post(client, auth, path, {**minimal, **dict.fromkeys(optional)})
    assert await stored(client, first_order_id(nulls)) == await stored(client, first_order_id(plain))
    assert nulls.keys() == plain.keys()
    assert None not in nulls.values(), "an answer never carries a null where the spec has a string or number"


async def test_nulls_inside_a_callback_object_mean_absent(client: Client, auth: dict[str, str]) -> None:
    url = "https://acks.example.com/live"
    nulls = [{"url": url, "authType": None, "oAuth2": None}]
    answer = await post(client, auth, "/api/v2/sms", {**V2, "callback": nulls})
    assert (await stored(client, first_order_id(answer)))["callbacks"] == [{"url": url}]


# -- v1 answer -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("given", [{}, {"clientId": None}, {"clientId": DEMO_CLIENT_ID}, {"clientId": "12345"}])
async def test_v1_echoes_the_account_s_client_id_as_a_number(
    client: Client, auth: dict[str, str], given: dict[str, Any]
) -> None:
    answer = await post(client, auth, "/api/messages", {**V1, **given})
    assert answer["clientId"] == DEMO_CLIENT_ID
    assert isinstance(answer["clientId"], int)


async def test_v1_echoes_a_single_destination_as_the_spec_s_list(client: Client, auth: dict[str, str]) -> None:
    answer = await post(client, auth, "/api/messages", {**V1, "destination": NUMBER})
    assert answer["destination"] == [NUMBER]


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ("{ackOperatorId: true, ackTpoa: false}", {"ackOperatorId": True}),
        ("{'ackOperatorId': true}", {"ackOperatorId": True}),
        ('{"ackTimeInGMT": TRUE}', {"ackTimeInGMT": True}),
        ("ackInternalStatus: true", {"ackInternalStatus": True}),
        ("{}", {}),
        ("", {}),
    ],
)
async def test_v1_ack_flags_are_read(
    client: Client, auth: dict[str, str], flags: str, expected: dict[str, bool]
) -> None:
    answer = await post(client, auth, "/api/messages", {**V1, "ackFlags": flags})
    options = (await stored(client, first_order_id(answer)))["options"]
    assert {key: value for key, value in options.items() if key.startswith("ack") and key not in NOT_FLAGS} == expected


@pytest.mark.parametrize(
    "flags",
    [
        "{ackOperatorId: true",
        "ackOperatorId: true}",
        "{{ackOperatorId: true}}",
        "{ackOperatorId: true,}",
        "{, ackOperatorId: true}",
        "{ackOperatorId: true, ackOperatorId: false}",
        "{ackOperatorId: true; ackTpoa: true}",
        "{ackOperatorId = true}",
        "{ackOperatorId: 'true\"}",
        "{ackOperatorId: true ackTpoa: true}",
        "[ackOperatorId: true]",
    ],
)
async def test_a_malformed_v1_ack_flags_is_400(client: Client, auth: dict[str, str], flags: str) -> None:
    response = await client.post("/api/messages", json={**V1, "ackFlags": flags}, headers=auth)
    body = await response.json()
    assert response.status == 400, body
    assert body["userMessage"].startswith("ackFlags: "), body
    assert (await (await client.get("/__admin/messages")).json())["total"] == 0


# -- origin ----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("origin", ["ShopName123", "My Shop", "12345", "447700900999", "+447700900999", "9" * 15])
@pytest.mark.parametrize("path", ["/api/v2/sms", "/api/messages"])
async def test_a_sender_id_of_up_to_11_characters_or_a_number_of_up_to_15_digits_is_accepted(
    client: Client, auth: dict[str, str], path: str, origin: str
) -> None:
    answer = await post(client, auth, path, {**V2, **V1, "origin": origin})
    assert (await stored(client, first_order_id(answer)))["origin"] == origin


@pytest.mark.parametrize(
    "origin", ["ShopName1234", "Twelve chars", "9" * 16, "+" + "9" * 16, "Shop*Name", "Café", "12345\n", "١٢٣٤٥"]
)
@pytest.mark.parametrize("path", ["/api/v2/sms", "/api/messages"])
async def test_a_longer_or_unsendable_origin_is_400(
    client: Client, auth: dict[str, str], path: str, origin: str
) -> None:
    response = await client.post(path, json={**V2, **V1, "origin": origin}, headers=auth)
    body = await response.json()
    assert response.status == 400, body
    assert body["userMessage"].startswith("origin: "), body


# -- the time zone of an ACK's sentence ------------------------------------------------------------------------------
def notification_at(moment: datetime) -> Notification:
    return Notification(
        id="N1", message_id="1000000001", account="demo", provider="livelink", part_index=0, part_id="1000000001",
        status=MessageStatus.DELIVERED, created_at=moment.timestamp(), destination=NUMBER,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("host_zone", "moment", "written"),
    [
        ("Europe/London", datetime(2026, 7, 1, 12, tzinfo=UTC), "13:00:00 (BST) on the 01-07-2026"),
        ("Europe/London", datetime(2026, 1, 1, 12, tzinfo=UTC), "12:00:00 (GMT) on the 01-01-2026"),
        ("America/New_York", datetime(2026, 7, 1, 3, tzinfo=UTC), "23:00:00 (EDT) on the 30-06-2026"),
        ("Asia/Dubai", datetime(2026, 1, 1, 12, tzinfo=UTC), "16:00:00 (GMT+04:00) on the 01-01-2026"),
        ("Asia/Kolkata", datetime(2026, 1, 1, 12, tzinfo=UTC), "17:30:00 (IST) on the 01-01-2026"),
        ("America/St_Johns", datetime(2026, 1, 1, 12, tzinfo=UTC), "08:30:00 (NST) on the 01-01-2026"),
        ("America/Sao_Paulo", datetime(2026, 1, 1, 12, tzinfo=UTC), "09:00:00 (GMT-03:00) on the 01-01-2026"),
    ],
    indirect=["host_zone"],
)
def test_a_local_time_ack_names_the_zone_it_is_written_in(host_zone: str, moment: datetime, written: str) -> None:
    assert f"has been delivered at {written}." in ack_text(notification_at(moment), gmt=False)


def test_a_gmt_ack_is_written_in_gmt_whatever_the_host_s_zone(host_zone: str) -> None:
    moment = datetime(2026, 7, 1, 12, tzinfo=UTC)
    assert "has been delivered at 12:00:00 (GMT) on the 01-07-2026." in ack_text(notification_at(moment), gmt=True)
