"""Bad Live Link requests get a 400/403 ``LiveLinkResponse`` naming the field, never a 500."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from aiohttp.test_utils import TestClient

from mockgateway.bootstrap import build_gateway
from mockgateway.clock import FakeClock
from mockgateway.config import DEMO_ACCOUNT, Settings
from mockgateway.domain.model import Account
from mockgateway.http.app import MAX_BODY_BYTES, create_app
from tests.conftest import AiohttpClient, basic
from tests.swagger import assert_matches

V2 = {"destination": ["447700900123"], "message": "hi"}
OAUTH = {"oAuthClient": "c", "oAuthSecret": "s", "tokenUrl": "https://auth.example.com/token"}


def raw(payload: bytes, field: str) -> Any:
    return pytest.param(payload, field, id=f"raw:{payload[:24]!r}")


def v2(field: str, changes: dict[str, Any], *, drop: str | None = None, case: str = "") -> Any:
    payload = {key: value for key, value in {**V2, **changes}.items() if key != drop}
    shown = f"{field}={next(iter(changes.values()))!r}"[:60] if changes else f"{field}-missing"
    return pytest.param(orjson.dumps(payload), field, id=case or shown)


BAD_V2 = [
    raw(b'{"destination": ["447700900123"], "message": ', "body"),
    raw(b"[]", "body"),
    raw(b'[{"destination": "447700900123", "message": "hi"}]', "body"),
    raw(b"", "body"),
    raw(b"   ", "body"),
    raw(b'"just a string"', "body"),
    raw(b"null", "body"),
    raw(b"\xff\xfe{}", "body"),
    raw(b'{"destination": ["447700900123"], "message": "' + b"\\ud800" + b'"}', "body"),
    raw(b'{"destination": ["447700900123"], "message": "hi", "randomId": 18446744073709551616}', "randomId"),
    raw(b"[" * 5000 + b"]" * 5000, "body"),
    v2("message", {}, drop="message"),
    v2("message", {"message": None}),
    v2("message", {"message": 123}),
    v2("message", {"message": ["hi"]}),
    v2("message", {"message": "   "}),
    v2("message", {"message": "x" * 6000}, case="message-6000-chars"),
    v2("destination", {}, drop="destination"),
    v2("destination", {"destination": []}),
    v2("destination", {"destination": "abc"}),
    v2("destination", {"destination": ""}),
    v2("destination", {"destination": 123}),
    v2("destination", {"destination": 447700900123}),
    v2("destination", {"destination": {"to": "447700900123"}}),
    v2("destination[1]", {"destination": ["447700900123", "abc"]}),
    v2("destination[0]", {"destination": [447700900123]}),
    v2("destination[0]", {"destination": [None]}),
    v2("destination[0]", {"destination": ["44 7700 900123"]}),
    v2("destination[0]", {"destination": ["1234567890123456"]}),
    v2("destination[0]", {"destination": ["4\u0664\u0667\u0667\u0660\u0660\u0669"]}, case="destination-arabic-indic"),
    v2("destination", {"destination": ["447700900123"] * 1001}, case="destination-1001"),
    v2("ackFinalOnly", {"ackFinalOnly": "yes"}),
    v2("ackTimeInGMT", {"ackTimeInGMT": 1}),
    v2("acknowledgement", {"acknowledgement": "true"}),
    v2("ackType", {"ackType": "ALL"}),
    v2("ackType", {"ackType": "order"}),
    v2("contentTextEncoding", {"contentTextEncoding": "ASCII"}),
    v2("messageClass", {"messageClass": "7"}),
    v2("messageClass", {"messageClass": 1}),
    v2("mobileNotification", {"mobileNotification": "MAYBE"}),
    v2("validityPeriod", {"validityPeriod": "1y"}),
    v2("validityPeriod", {"validityPeriod": "abc"}),
    v2("validityPeriod", {"validityPeriod": "0d"}),
    v2("validityPeriod", {"validityPeriod": "1\u0660d"}, case="validityPeriod-arabic-indic-zero"),
    v2("validityPeriod", {"validityPeriod": 7}),
    v2("clientId", {"clientId": "abc"}),
    v2("clientId", {"clientId": "\u00b2"}, case="clientId-superscript-two"),
    v2("clientId", {"clientId": -1}),
    v2("clientId", {"clientId": 1.5}),
    v2("operatorId", {"operatorId": True}),
    v2("randomId", {"randomId": "x"}),
    v2("pId", {"pId": "ZZ"}),
    v2("origin", {"origin": ""}),
    v2("origin", {"origin": 12345}),
    v2("origin", {"origin": "x" * 17}),
    v2("subject", {"subject": "s" * 256}),
    v2("sessionId", {"sessionId": {"id": 1}}),
    v2("callback", {"callback": "not a url"}),
    v2("callback", {"callback": "ftp://acks.example.com/"}),
    v2("callback", {"callback": "https:///acks"}, case="callback-no-host"),
    v2("callback", {"callback": "http://acks.example.com:99999/"}, case="callback-bad-port"),
    v2("callback[0].url", {"callback": [{"url": "http://", "authType": "NONE"}]}, case="callback-url-no-host"),
    v2("callback", {"callback": 42}),
    v2("callback", {"callback": {"url": "https://acks.example.com"}}),
    v2("callback", {"callback": ["https://acks.example.com"] * 11}, case="callback-11"),
    v2("callback[0]", {"callback": [42]}),
    v2("callback[0].url", {"callback": [{"authType": "NONE"}]}),
    v2("callback[0].authType", {"callback": [{"url": "https://a.example.com", "authType": "BASIC"}]}),
    v2("callback[0].oAuth2", {"callback": [{"url": "https://a.example.com", "authType": "OAUTH2"}]}),
    v2("callback[0].oAuth2", {"callback": [{"url": "https://a.example.com", "authType": "OAUTH2", "oAuth2": "x"}]}),
    v2(
        "callback[0].oAuth2.tokenUrl",
        {"callback": [{"url": "https://a.example.com", "authType": "OAUTH2", "oAuth2": {**OAUTH, "tokenUrl": "x"}}]},
        case="oauth2-bad-token-url",
    ),
    v2(
        "callback[0].oAuth2.oAuthSecret",
        {"callback": [{"url": "https://a.example.com", "authType": "OAUTH2", "oAuth2": {**OAUTH, "oAuthSecret": ""}}]},
        case="oauth2-empty-secret",
    ),
]


async def assert_bad_request(response: Any, field: str) -> None:
    assert response.status == 400, await response.text()
    body = await response.json()
    assert body["httpStatusCode"] == "400 BAD_REQUEST"
    assert field in body["userMessage"], body
    assert field in body["debugMessage"], body
    assert_matches("LiveLinkResponse", body)


@pytest.mark.parametrize(("payload", "field"), BAD_V2)
async def test_bad_v2_request_is_400_naming_the_field(
    client: TestClient[Any, Any], auth: dict[str, str], payload: bytes, field: str
) -> None:
    headers = {**auth, "Content-Type": "application/json"}
    await assert_bad_request(await client.post("/api/v2/sms", data=payload, headers=headers), field)
    assert (await (await client.get("/__admin/messages")).json())["total"] == 0, "nothing is sent"


async def test_oversized_body_is_413_naming_the_limit(client: TestClient[Any, Any], auth: dict[str, str]) -> None:
    payload = orjson.dumps({**V2, "message": "x" * MAX_BODY_BYTES})
    response = await client.post("/api/v2/sms", data=payload, headers={**auth, "Content-Type": "application/json"})
    assert response.status == 413, await response.text()
    body = await response.json()
    assert body["httpStatusCode"] == "413 REQUEST_ENTITY_TOO_LARGE"
    assert body["apiErrorCode"] == 4130
    assert body["userMessage"] == "The request body is too large"
    assert f"larger than {MAX_BODY_BYTES} bytes" in body["debugMessage"], body
    assert_matches("LiveLinkResponse", body)
    assert (await (await client.get("/__admin/messages")).json())["total"] == 0, "nothing is sent"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"body": None}, "body", id="missing-body"),
        pytest.param({"body": None, "message": "v2 name"}, "body", id="v2-field-name"),
        pytest.param({"ackFlags": "{ackOperatorId: maybe}"}, "ackFlags", id="ackFlags-value"),
        pytest.param({"ackFlags": "{ackNothing: true}"}, "ackFlags", id="ackFlags-key"),
        pytest.param({"ackFlags": "ackOperatorId"}, "ackFlags", id="ackFlags-no-colon"),
        pytest.param({"ackFlags": {"ackOperatorId": True}}, "ackFlags", id="ackFlags-object"),
        pytest.param({"channel": "EMAIL"}, "channel", id="channel"),
        pytest.param({"contentTextEncoding": "UTF16"}, "contentTextEncoding", id="encoding"),
        pytest.param({"operatorId": 61}, "operatorId", id="operatorId-number"),
    ],
)
async def test_bad_v1_request_is_400_naming_the_field(
    client: TestClient[Any, Any], auth: dict[str, str], changes: dict[str, Any], field: str
) -> None:
    payload = {"destination": ["447700900123"], "body": "hi", **changes}
    payload = {key: value for key, value in payload.items() if value is not None}
    await assert_bad_request(await client.post("/api/messages", json=payload, headers=auth), field)


# -- 403: origins and client ids of other accounts --------------------------------------------------------------------
SHOP = Account(
    name="shop",
    credentials={"livelink": {"app_key": "shop-key", "app_secret": "shop-secret", "client_id": 777}},
    origins=("+4915112345678", "ShopName"),
)


@pytest.fixture
async def shop(aiohttp_client: AiohttpClient, clock: FakeClock) -> tuple[TestClient[Any, Any], dict[str, str]]:
    settings = Settings(clock="virtual", seed=7, accounts=(SHOP, DEMO_ACCOUNT))
    client = await aiohttp_client(create_app(settings, gateway=build_gateway(settings, clock=clock)))
    response = await client.post(
        "/api/oauth/token", data={"grant_type": "client_credentials"}, headers=basic("shop-key", "shop-secret")
    )
    assert response.status == 200
    return client, {"Authorization": f"Bearer {(await response.json())['access_token']}"}


@pytest.mark.parametrize("origin", ["ShopName", "4915112345678", "+4915112345678"])
async def test_registered_origin_is_accepted(shop: tuple[TestClient[Any, Any], dict[str, str]], origin: str) -> None:
    client, auth = shop
    response = await client.post("/api/v2/sms", json={**V2, "origin": origin}, headers=auth)
    assert response.status == 200


@pytest.mark.parametrize("path", ["/api/v2/sms", "/api/messages"])
async def test_origin_of_someone_else_is_403(shop: tuple[TestClient[Any, Any], dict[str, str]], path: str) -> None:
    client, auth = shop
    payload = {"destination": ["447700900123"], "message": "hi", "body": "hi", "origin": "OtherBrand"}
    response = await client.post(path, json=payload, headers=auth)
    assert response.status == 403
    body = await response.json()
    assert body["httpStatusCode"] == "403 FORBIDDEN"
    assert "origin" in body["debugMessage"]
    assert_matches("LiveLinkResponse", body)
    assert (await (await client.get("/__admin/messages")).json())["total"] == 0


@pytest.mark.parametrize("client_id", [12345, "12345", 99999])
async def test_client_id_of_another_account_is_403(
    shop: tuple[TestClient[Any, Any], dict[str, str]], client_id: object
) -> None:
    client, auth = shop
    response = await client.post("/api/v2/sms", json={**V2, "clientId": client_id}, headers=auth)
    assert response.status == 403
    body = await response.json()
    assert "clientId" in body["debugMessage"]
    assert_matches("LiveLinkResponse", body)


async def test_own_client_id_is_accepted(shop: tuple[TestClient[Any, Any], dict[str, str]]) -> None:
    client, auth = shop
    assert (await client.post("/api/v2/sms", json={**V2, "clientId": 777}, headers=auth)).status == 200
