"""Every field of Live Link's published request models is accepted, and answers match its response models."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mockgateway.config import DEMO_ACCOUNT
from tests import swagger
from tests.swagger import assert_matches

DEMO_CLIENT_ID = DEMO_ACCOUNT.credentials["livelink"]["client_id"]


# -- the checker itself must be able to fail ------------------------------------------------------------------------
def test_checker_rejects_invented_keys() -> None:
    body = {"livelinkOrderIds": [{"destination": ["447700900123"], "livelinkOrderId": ["1"]}], "extra": 1}
    assert any("extra" in problem for problem in swagger.errors("LiveLinkResponse", body))
    assert swagger.errors("LiveLinkResponse", body, strict=False) == []


def test_checker_rejects_invented_nested_keys_and_wrong_types() -> None:
    nested = {"livelinkOrderIds": [{"destination": ["1"], "livelinkOrderId": ["1"], "status": "ok"}]}
    assert swagger.errors("LiveLinkResponse", nested)
    assert swagger.errors("LiveLinkResponse", {"apiErrorCode": "4000"})
    assert swagger.errors("AccessToken", {"access_token": "x", "expires_in": 2.5})


def test_checker_enforces_integer_formats() -> None:
    assert swagger.errors("LiveLinkResponse", {"apiErrorCode": 2**31})
    assert swagger.errors("LiveLinkResponse", {"apiErrorCode": 2**31 - 1}) == []


def test_checker_resolves_references() -> None:
    good = {"pageCount": 1, "pageIndex": 1, "SAPNotification": [{"orderId": "1", "status": "DELIVERED"}]}
    assert swagger.errors("PollStatusResponse", good) == []
    bad = {"SAPNotification": [{"orderId": "1", "status": "LOST"}]}
    assert any("LOST" in problem for problem in swagger.errors("PollStatusResponse", bad))


def test_v1_answer_may_add_order_ids_and_nothing_else() -> None:
    extra = swagger.v1_response_extra()
    echo = {"destination": ["447700900123"], "body": "hi"}
    ids = [{"destination": ["447700900123"], "livelinkOrderId": ["1"]}]
    assert swagger.errors("SmsRequest", {**echo, "livelinkOrderIds": ids}, extra=extra) == []
    assert swagger.errors("SmsRequest", {**echo, "livelinkOrderIds": ids})
    assert swagger.errors("SmsRequest", {**echo, "orderIds": ids}, extra=extra)


# -- v2 --------------------------------------------------------------------------------------------------------------
def full_v2_request() -> dict[str, Any]:
    request = swagger.sample_request("SmsRequestV2")
    assert swagger.errors("SmsRequestV2", request) == [], "the sample must itself follow the spec"
    return request


async def test_v2_accepts_every_property_of_the_spec(client: TestClient[Any, Any], auth: dict[str, str]) -> None:
    request = full_v2_request()
    response = await client.post("/api/v2/sms", json=request, headers=auth)
    body = await response.json()
    assert response.status == 200, body
    assert [entry["destination"] for entry in body["livelinkOrderIds"]] == [[d] for d in request["destination"]]
    message = await (await client.get(f"/__admin/messages/{body['livelinkOrderIds'][0]['livelinkOrderId'][0]}")).json()
    assert message["origin"] == request["origin"]
    assert message["client_ref"] == request["subject"]
    assert message["validity_s"] == 7 * 24 * 3600
    assert message["callbacks"] == [{"url": request["callback"]}]
    options = message["options"]
    for flag in ("ackCountryCode", "ackDeliveredTime", "ackFinalOnly", "ackFinalStatus", "ackInternalStatus"):
        assert options[flag] is True
    for key in ("messageClass", "mobileNotification", "sessionId", "pId", "operatorId", "randomId", "clientId"):
        assert options[key] == request[key]
    assert_matches("LiveLinkResponse", body)


@pytest.mark.parametrize(("field", "value"), swagger.enum_cases("SmsRequestV2"))
async def test_v2_accepts_every_enum_value(
    client: TestClient[Any, Any], auth: dict[str, str], field: str, value: str
) -> None:
    response = await client.post(
        "/api/v2/sms", json={"destination": ["447700900123"], "message": "hi", field: value}, headers=auth
    )
    body = await response.json()
    assert response.status == 200, body
    assert_matches("LiveLinkResponse", body)


# -- v1 --------------------------------------------------------------------------------------------------------------
def full_v1_request() -> dict[str, Any]:
    request = swagger.sample_request("SmsRequest")
    # The spec's example clientId belongs to nobody here; a clientId must be the caller's own (else 403).
    request["clientId"] = DEMO_CLIENT_ID
    assert swagger.errors("SmsRequest", request) == [], "the sample must itself follow the spec"
    return request


async def test_v1_accepts_every_property_of_the_spec(client: TestClient[Any, Any], auth: dict[str, str]) -> None:
    request = full_v1_request()
    response = await client.post("/api/messages", json=request, headers=auth)
    body = await response.json()
    assert response.status == 200, body
    assert {key: body[key] for key in request} == request, "v1 answers with the request echoed"
    order_ids = body["livelinkOrderIds"]
    assert [entry["destination"] for entry in order_ids] == [[d] for d in request["destination"]]
    message = await (await client.get(f"/__admin/messages/{order_ids[0]['livelinkOrderId'][0]}")).json()
    assert message["text"] == request["body"]
    assert message["options"]["ackOperatorId"] is True
    assert message["options"]["ackInternalStatus"] is True
    assert_matches("SmsRequest", body, extra=swagger.v1_response_extra())


@pytest.mark.parametrize(("field", "value"), swagger.enum_cases("SmsRequest"))
async def test_v1_accepts_every_enum_value(
    client: TestClient[Any, Any], auth: dict[str, str], field: str, value: str
) -> None:
    request = {"destination": ["447700900123"], "body": "hi", field: value}
    response = await client.post("/api/messages", json=request, headers=auth)
    body = await response.json()
    assert response.status == 200, body
    assert body[field] == value
    assert_matches("SmsRequest", body, extra=swagger.v1_response_extra())
