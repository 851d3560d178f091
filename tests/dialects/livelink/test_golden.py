"""Every kind of Live Link answer and pushed body, pinned byte for byte in golden files (ids as placeholders).

Where SAP's swagger defines the model, the body also carries exactly its fields in its JSON types.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import orjson
import pytest
from aiohttp.test_utils import TestClient

from mockgateway.dialects.livelink import callbacks
from mockgateway.domain.model import CallbackTarget
from mockgateway.domain.queries import EventQuery
from mockgateway.service.gateway import Gateway
from tests.conftest import basic
from tests.dialects.livelink.conftest import GOLDEN, assert_golden
from tests.swagger import assert_matches, v1_response_extra

Client = TestClient[Any, Any]
HAPPY, FAILS_DB62, REPLIES_STOP, DEFAULT = "447700900001", "447700900010", "447700900030", "447700909001"
WINDOW = {"startUTCTime": "202601010000", "endUTCTime": "202601010100"}
RECEIVER = CallbackTarget(url="http://receiver.test/acks")


#: Every flag that adds a field to an ACK (ackFinalOnly would leave the SENT ACKs out).
FIELD_FLAGS = dict.fromkeys(
    ("ackOperatorId", "ackCountryCode", "ackFinalStatus", "ackInternalStatus", "ackDeliveredTime", "ackMTReceivedTime",
     "ackTpoa"),
    True,
)  # fmt: skip


class Traffic:
    """One run's traffic: a v2 send with every ACK flag, a v1 send, their ACKs and a reply; ids to placeholders."""

    def __init__(self, client: Client, auth: dict[str, str], gateway: Gateway) -> None:
        self.client, self.auth, self.gateway = client, auth, gateway
        self.placeholders: dict[str, str] = {}
        self.bodies: dict[str, Any] = {}

    def name(self, value: str, kind: str) -> None:
        if value not in self.placeholders:
            count = sum(1 for name in self.placeholders.values() if name.startswith(kind))
            self.placeholders[value] = f"{kind}-{count + 1}"

    async def post(self, path: str, body: dict[str, Any], key: str) -> None:
        response = await self.client.post(path, json=body, headers=self.auth)
        assert response.status == 200, await response.text()
        self.bodies[key] = await response.json()
        for entry in self.bodies[key]["livelinkOrderIds"]:
            for order_id in entry["livelinkOrderId"]:
                self.name(order_id, "order-id")

    async def run(self) -> None:
        v2 = {
            "destination": [HAPPY, FAILS_DB62, REPLIES_STOP], "message": "Hello", "origin": "12345",
            "acknowledgement": True, "ackType": "MESSAGE", "subject": "ref-42", **FIELD_FLAGS,
        }  # fmt: skip
        await self.post("/api/v2/sms", v2, "send_v2")
        v1 = {"destination": DEFAULT, "body": "Hello from v1", "origin": None, "ackFlags": "{ackOperatorId: true}"}
        await self.post("/api/messages", v1, "send_v1")
        await self.gateway.advance(60)
        for path, key in (("status", "pull_status"), ("mo", "pull_mo")):
            response = await self.client.get(f"/api/v2/sms/{path}", params=WINDOW, headers=self.auth)
            assert response.status == 200, await response.text()
            self.bodies[key] = await response.json()
        for mo in await self.gateway.mos(EventQuery(account="demo")):
            self.name(mo.id, "mo-id")


@pytest.fixture
async def traffic(client: Client, auth: dict[str, str], gateway: Gateway, host_zone: str) -> Traffic:
    """v1 ACKs are written in the host's time (unless ackTimeInGMT): a fixed zone keeps their sentence stable."""
    traffic = Traffic(client, auth, gateway)
    await traffic.run()
    return traffic


# -- answers -----------------------------------------------------------------------------------------------------
def test_send_v2_answer(traffic: Traffic) -> None:
    body = traffic.bodies["send_v2"]
    assert_golden("send_v2.json", body, traffic.placeholders)
    assert_matches("LiveLinkResponse", body)


def test_send_v1_answer_echoes_the_request_with_the_account_s_client_id(traffic: Traffic) -> None:
    body = traffic.bodies["send_v1"]
    assert_golden("send_v1.json", body, traffic.placeholders)
    assert_matches("SmsRequest", body, extra=v1_response_extra())


def test_status_pull_page(traffic: Traffic) -> None:
    body = traffic.bodies["pull_status"]
    assert_golden("pull_status.json", body, traffic.placeholders)
    assert_matches("PollStatusResponse", body)


def test_mo_pull_page(traffic: Traffic) -> None:
    body = traffic.bodies["pull_mo"]
    assert_golden("pull_mo.json", body, traffic.placeholders)
    # The documentation's MO page adds orderId and parameters.clientId to the swagger's PollMo; both are strings.
    items = body["sapnotification"]
    assert items
    assert all(isinstance(item["orderId"], str) and isinstance(item["parameters"]["clientId"], str) for item in items)
    swagger_only = [
        {**{k: v for k, v in item.items() if k != "orderId"}, "parameters": without(item["parameters"], "clientId")}
        for item in items
    ]
    assert_matches("PollMoResponse", {**body, "sapnotification": swagger_only})


def without(mapping: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if k != key}


# -- pushed bodies ---------------------------------------------------------------------------------------------------
async def test_ack_callback_bodies(traffic: Traffic) -> None:
    gateway = traffic.gateway
    account = dataclasses.replace(gateway.account("demo"), status_callback=RECEIVER)
    pushed = []
    acks = callbacks.LiveLinkCallbacks()
    for n in await gateway.notifications(EventQuery(account="demo")):
        message = await gateway.message(n.message_id)
        pushed += [orjson.loads(call.body) for call in acks.status_calls(message, n, account)]
    assert_golden("ack_callbacks.json", pushed, traffic.placeholders)


async def test_mo_callback_body(traffic: Traffic) -> None:
    gateway = traffic.gateway
    account = dataclasses.replace(gateway.account("demo"), mo_callback=RECEIVER)
    (mo,) = await gateway.mos(EventQuery(account="demo"))
    replied_to = await gateway.message(mo.in_reply_to) if mo.in_reply_to else None
    (call,) = callbacks.mo_calls(mo, account, replied_to)
    assert_golden("mo_callback.json", orjson.loads(call.body), traffic.placeholders)


# -- OAuth -----------------------------------------------------------------------------------------------------------
async def test_oauth_answers(client: Client, token: str) -> None:
    response = await client.post(
        "/api/oauth/token", data={"grant_type": "client_credentials"}, headers=basic("demo-app-key", "demo-app-secret")
    )
    grant = await response.json()
    placeholders = {grant["access_token"]: "access-token", grant["refresh_token"]: "refresh-token", token: "token"}
    assert_golden("oauth_token.json", grant, placeholders)
    assert_matches("AccessToken", grant)
    valid = await (await client.post("/api/oauth/token/validate", data=token)).json()
    assert_golden("oauth_validate.json", valid, placeholders)
    assert_matches("ValidateTokenResponse", valid)
    refused = await client.post(
        "/api/oauth/token", data={"grant_type": "client_credentials"}, headers=basic("demo-app-key", "wrong")
    )
    assert refused.status == 401
    assert_golden("oauth_error_401.json", await refused.json())
    unknown = await client.post("/api/oauth/token/validate", data="not-a-token")
    assert unknown.status == 401
    assert_golden("oauth_validate_401.json", await unknown.json())


# -- errors ----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "status", "body", "authorized"),
    [
        ("error_400.json", 400, {"destination": ["abc"], "message": "hi"}, True),
        ("error_401.json", 401, {"destination": [HAPPY], "message": "hi"}, False),
        ("error_403.json", 403, {"destination": [HAPPY], "message": "hi", "clientId": 999}, True),
    ],
)
async def test_error_answers(
    client: Client, auth: dict[str, str], name: str, status: int, body: dict[str, Any], authorized: bool
) -> None:
    response = await client.post("/api/v2/sms", json=body, headers=auth if authorized else {})
    assert response.status == status
    answer = await response.json()
    assert_golden(name, answer)
    assert_matches("LiveLinkResponse", answer)


def test_every_golden_file_is_checked() -> None:
    checked = {
        "send_v2.json", "send_v1.json", "pull_status.json", "pull_mo.json", "ack_callbacks.json", "mo_callback.json",
        "oauth_token.json", "oauth_validate.json", "oauth_error_401.json", "oauth_validate_401.json",
        "error_400.json", "error_401.json", "error_403.json",
    }  # fmt: skip
    assert {path.name for path in GOLDEN.glob("*.json")} == checked
