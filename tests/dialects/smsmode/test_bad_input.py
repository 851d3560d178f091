"""Bad input gets smsmode's own answer naming the parameter: ``35 | …`` in plain text (1.6), JSON 4xx (REST)."""

from __future__ import annotations

from typing import Any

import pytest

from mockgateway.config import DEMO_ACCOUNT, Settings
from mockgateway.domain.model import Account, Scalar
from mockgateway.http.app import create_app
from tests.dialects.smsmode.conftest import (
    REST_AUTH,
    TOKEN,
    Client,
    assert_golden_json,
    http_get,
    send_http,
)

OK = {"accessToken": TOKEN, "message": "Hello", "numero": "0612345678"}
NOT_A_NUMBER = "is not a phone number (06…, 07…, 336… or +336…)"


@pytest.mark.parametrize(
    ("changes", "line"),
    [
        ({"accessToken": None}, "32 | Authentication error"),
        ({"accessToken": "wrong-token"}, "32 | Authentication error"),
        ({"message": None}, "35 | Missing mandatory parameter: message"),
        ({"message": "   "}, "35 | Missing mandatory parameter: message"),
        ({"numero": None}, "35 | Missing mandatory parameter: numero"),
        ({"numero": " , "}, "35 | Missing mandatory parameter: numero"),
        ({"numero": "12ab"}, f"35 | Invalid parameter: numero: '12ab' {NOT_A_NUMBER}"),
        ({"numero": "0612345678,061234"}, f"35 | Invalid parameter: numero: '061234' {NOT_A_NUMBER}"),
        ({"numero": "06\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668"},
         f"35 | Invalid parameter: numero: '06\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668' {NOT_A_NUMBER}"),
        ({"numero": ",".join(["0612345678"] * 301)}, "35 | Invalid parameter: numero: lists 301 numbers; "
         "at most 300; send more with POST"),
        ({"classe_msg": "3"}, "35 | Invalid parameter: classe_msg: must be 2 (Pro), 4 (reply-able) or 9 (Unicode)"),
        ({"emetteur": "ABCDEFGHIJKL"}, "35 | Invalid parameter: emetteur: must be 1 to 11 characters"),
        ({"emetteur": "33612345678"}, "35 | Invalid parameter: emetteur: '33612345678' looks like a phone number; "
         "a sender id is a name or a short number"),
        ({"emetteur": "\u00b2"}, "35 | Invalid parameter: emetteur: '\u00b2': letters A-Z, digits and . - _ & only, "
         "without blank space or accent"),
        ({"emetteur": "\u0663\u0666\u0661\u0665"}, "35 | Invalid parameter: emetteur: '\u0663\u0666\u0661\u0665': "
         "letters A-Z, digits and . - _ & only, without blank space or accent"),
        ({"emetteur": "Ma Boutique"}, "35 | Invalid parameter: emetteur: 'Ma Boutique': letters A-Z, digits and "
         ". - _ & only, without blank space or accent"),
        ({"refClient": "r" * 41}, "35 | Invalid parameter: refClient: must be at most 40 characters"),
        ({"notification_url": "ftp://example.com"},
         "35 | Invalid parameter: notification_url: must be an http(s) URL of at most 2048 characters"),
        ({"notification_url": "http://:8080/dlr"},
         "35 | Invalid parameter: notification_url: must be an http(s) URL of at most 2048 characters"),
        ({"notification_url_reponse": "example.com/mo"},
         "35 | Invalid parameter: notification_url_reponse: must be an http(s) URL of at most 2048 characters"),
        ({"nbr_msg": "0"}, "35 | Invalid parameter: nbr_msg: must be a whole number from 1 to 10"),
        ({"nbr_msg": "11"}, "35 | Invalid parameter: nbr_msg: must be a whole number from 1 to 10"),
        ({"nbr_msg": "two"}, "35 | Invalid parameter: nbr_msg: must be a whole number from 1 to 10"),
        ({"nbr_msg": "\u00b2"}, "35 | Invalid parameter: nbr_msg: must be a whole number from 1 to 10"),
        ({"nbr_msg": "\u0662"}, "35 | Invalid parameter: nbr_msg: must be a whole number from 1 to 10"),
        ({"date_envoi": "2026-01-01 10:00"},
         "35 | Invalid parameter: date_envoi: '2026-01-01 10:00' is not a date as ddMMyyyy-HH:mm"),
        ({"date_envoi": "0\uff12012026-10:00"},
         "35 | Invalid parameter: date_envoi: '0\uff12012026-10:00' is not a date as ddMMyyyy-HH:mm"),
        ({"date_envoi": "32012026-10:00"},
         "35 | Invalid parameter: date_envoi: '32012026-10:00' is not a date as ddMMyyyy-HH:mm"),
        ({"date_envoi": "31129999-23:59"},
         "35 | Invalid parameter: date_envoi: must not be later than 9999-01-01T00:00:00.000Z"),
    ],
)  # fmt: skip
async def test_send_refused(client: Client, changes: dict[str, str | None], line: str) -> None:
    params = {key: value for key, value in (OK | changes).items() if value is not None}
    response = await client.get("/http/1.6/sendSMS.do", params=params)
    assert (response.status, await response.text()) == (200, line)
    response = await client.post("/http/1.6/sendSMS.do", data=params)
    expected = line if "301 numbers" not in line else None  # POST takes more numbers
    assert expected is None or await response.text() == expected


async def test_post_takes_more_than_300_numbers(client: Client) -> None:
    data = OK | {"numero": ",".join(f"336{n:08d}" for n in range(301))}
    response = await client.post("/http/1.6/sendSMS.do", data=data)
    assert (await response.text()).startswith("0 | Accepted | ")


async def test_sender_not_registered_to_the_account(aiohttp_client: Any) -> None:
    credentials: dict[str, dict[str, Scalar]] = {"smsmode": {"access_token": "shop-token", "api_key": "shop-key"}}
    shop = Account(name="shop", credentials=credentials, origins=("Shop",))
    settings = Settings(clock="virtual", seed=7, accounts=(DEMO_ACCOUNT, shop))
    client = await aiohttp_client(create_app(settings))
    params = {"accessToken": "shop-token", "numero": "0612345678", "message": "x", "emetteur": "Other"}
    line = await http_get(client, "sendSMS.do", **params)
    assert line == "35 | Invalid parameter: emetteur: 'Other' is not registered to this account"
    body = {"recipient": {"to": "+33612345678"}, "body": {"text": "x"}, "from": "Other"}
    response = await client.post("/sms/v1/messages", headers={"X-Api-Key": "shop-key"}, json=body)
    assert response.status == 403
    assert_golden_json(await response.json(), "error_rest_403.json")


@pytest.mark.parametrize("endpoint", ["smsStatus.do", "compteRendu.do"])
async def test_status_calls_refused(client: Client, endpoint: str) -> None:
    sms_id = await send_http(client)
    assert await http_get(client, endpoint, accessToken="nope", smsID=sms_id) == "32 | Authentication error"
    assert await http_get(client, endpoint) == "35 | Missing mandatory parameter: smsID"
    assert await http_get(client, endpoint, smsID="AAAAAAAAAAAA") == "61 | SMS not found"
    assert await http_get(client, endpoint, smsID="not an id") == "61 | SMS not found"


async def test_status_of_another_accounts_message(aiohttp_client: Any) -> None:
    other = Account(name="other", credentials={"smsmode": {"access_token": "other-token", "api_key": "other-key"}})
    settings = Settings(clock="virtual", seed=7, accounts=(DEMO_ACCOUNT, other))
    client = await aiohttp_client(create_app(settings))
    sms_id = await send_http(client)
    assert await http_get(client, "smsStatus.do", smsID=sms_id) == "1 | In progress"
    assert await http_get(client, "smsStatus.do", smsID=sms_id, accessToken="other-token") == "61 | SMS not found"


async def test_credit_refused_without_token(client: Client) -> None:
    assert await http_get(client, "credit.do", accessToken="") == "32 | Authentication error"


async def test_oversized_body_is_413_with_a_smsmode_error_line_naming_the_limit(client: Client) -> None:
    response = await client.post("/http/1.6/sendSMS.do", data=b"message=" + b"x" * (1024 * 1024 + 1))
    assert response.status == 413
    text = await response.text()
    assert text.startswith("35 | Invalid parameter: body: "), text
    assert "1048576 bytes" in text


# -- REST ------------------------------------------------------------------------------------------------
GOOD: dict[str, Any] = {"recipient": {"to": "+33612345678"}, "body": {"text": "Hello"}}


def _with(path: str, value: Any) -> dict[str, Any]:
    """GOOD with ``path`` (dotted) set to ``value``; ``...`` removes it."""
    body = {key: dict(item) if isinstance(item, dict) else item for key, item in GOOD.items()}
    *parents, last = path.split(".")
    node = body
    for name in parents:
        node = node[name]
    if value is ...:
        node.pop(last, None)
    else:
        node[last] = value
    return body


@pytest.mark.parametrize(
    ("path", "value", "field", "message"),
    [
        ("recipient", ..., "recipient", "recipient: is required"),
        ("recipient", "+33612345678", "recipient", "recipient: must be an object"),
        ("recipient.to", ..., "recipient.to", "recipient.to: is required"),
        ("recipient.to", 33612345678, "recipient.to", "recipient.to: must be a string such as +33612345678"),
        ("recipient.to", "+3\uff13612345678", "recipient.to", f"recipient.to: '+3\uff13612345678' {NOT_A_NUMBER}"),
        ("body", ..., "body", "body: is required"),
        ("body.text", ..., "body.text", "body.text: is required"),
        ("body.text", None, "body.text", "body.text: is required"),
        ("body.text", "", "body.text", "body.text: must not be empty"),
        ("body.text", "x" * 5001, "body.text", "body.text: must be at most 5000 characters"),
        ("body.text", 5, "body.text", "body.text: must be a string"),
        ("body.encoding", "UTF8", "body.encoding", "body.encoding: must be one of GSM7, UNICODE"),
        ("recipient", None, "recipient", "recipient: is required"),
        ("recipient.to", None, "recipient.to", "recipient.to: is required"),
        ("body", None, "body", "body: is required"),
        ("from", "ABCDEFGHIJKL", "from", "from: must be 1 to 11 characters"),
        ("from", "Café", "from", "from: 'Café': letters A-Z, digits and . - _ & only, without blank space or accent"),
        ("from", 42, "from", "from: must be a string"),
        ("from", "\uff13\uff16\uff11\uff15", "from",
         "from: '\uff13\uff16\uff11\uff15': letters A-Z, digits and . - _ & only, without blank space or accent"),
        ("refClient", "r" * 41, "refClient", "refClient: must be at most 40 characters"),
        ("callbackUrlStatus", "nope", "callbackUrlStatus",
         "callbackUrlStatus: must be an http(s) URL of at most 2048 characters"),
        ("callbackUrlMo", 1, "callbackUrlMo", "callbackUrlMo: must be an http(s) URL of at most 2048 characters"),
        ("sentDate", "tomorrow", "sentDate",
         "sentDate: 'tomorrow' is not an ISO 8601 date-time such as 2026-01-31T09:30:00+01:00"),
        ("sentDate", "9999-12-31T23:59:59-14:00", "sentDate",
         "sentDate: must not be later than 9999-01-01T00:00:00.000Z"),
        ("sentDate", "9999-12-31T23:30:00Z", "sentDate", "sentDate: must not be later than 9999-01-01T00:00:00.000Z"),
    ],
)  # fmt: skip
async def test_rest_send_refused(client: Client, path: str, value: Any, field: str, message: str) -> None:
    response = await client.post("/sms/v1/messages", json=_with(path, value), headers=REST_AUTH)
    assert response.status == 400
    assert await response.json() == {"status": 400, "message": message, "field": field}


async def test_rest_bad_number_golden(client: Client) -> None:
    response = await client.post("/sms/v1/messages", json=_with("recipient.to", "12"), headers=REST_AUTH)
    assert response.status == 400
    assert_golden_json(await response.json(), "error_rest_400.json")


async def test_rest_gsm7_asked_for_a_unicode_text(client: Client) -> None:
    body = _with("body", {"text": "Привет", "encoding": "GSM7"})
    response = await client.post("/sms/v1/messages", json=body, headers=REST_AUTH)
    assert response.status == 400
    assert (await response.json())["field"] == "body.encoding"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "body: the request body is empty; a JSON object is expected"),
        (b"{nope", "body: the request body is not valid JSON: "),
        (b"[1, 2]", "body: the request body must be a JSON object"),
    ],
)
async def test_rest_body_not_an_object(client: Client, raw: bytes, message: str) -> None:
    headers = REST_AUTH | {"Content-Type": "application/json"}
    response = await client.post("/sms/v1/messages", data=raw, headers=headers)
    assert response.status == 400
    body = await response.json()
    assert body["message"].startswith(message)
    assert body["field"] == "body"


@pytest.mark.parametrize("headers", [{}, {"X-Api-Key": "wrong"}, {"X-Api-Key": TOKEN}])
async def test_rest_api_key_refused(client: Client, headers: dict[str, str]) -> None:
    response = await client.post("/sms/v1/messages", json=GOOD, headers=headers)
    assert response.status == 401
    assert_golden_json(await response.json(), "error_rest_401.json")
    response = await client.get("/sms/v1/messages/AAAAAAAAAAAA", headers=headers)
    assert response.status == 401


async def test_rest_unknown_message(client: Client) -> None:
    response = await client.get("/sms/v1/messages/AAAAAAAAAAAA", headers=REST_AUTH)
    assert response.status == 404
    assert await response.json() == {
        "status": 404,
        "message": "messageId: 'AAAAAAAAAAAA' is not a message of this account",
        "field": "messageId",
    }


async def test_rest_oversized_body_is_413_naming_the_limit(client: Client) -> None:
    response = await client.post("/sms/v1/messages", data=b"{" + b" " * (1024 * 1024) + b"}", headers=REST_AUTH)
    assert response.status == 413
    answer = await response.json()
    assert answer["status"] == 413
    assert answer["field"] == "body"
    assert "1048576 bytes" in answer["message"]
