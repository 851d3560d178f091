"""Bad input gets Mobivate's ``{code, message}`` body naming the field, never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from mockgateway.domain.model import SendRequest
from mockgateway.domain.queries import MessageQuery
from mockgateway.service.gateway import Gateway
from tests.dialects.mobivate.conftest import AUTH, SHOP_AUTH, SINGLE, Client, assert_golden, call

BATCH_MESSAGE = {"originator": "Shop", "recipient": "447400100001", "text": "Hi"}


def without(data: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != key}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (without(SINGLE, "originator"), "originator: is required"),
        (without(SINGLE, "recipient"), "recipient: is required"),
        (without(SINGLE, "body"), "body: is required"),
        (without(SINGLE, "routeId"), "routeId: is required"),
        ({**SINGLE, "originator": None}, "originator: is required"),
        ({**SINGLE, "recipient": None}, "recipient: is required"),
        ({**SINGLE, "body": None}, "body: is required"),
        ({**SINGLE, "routeId": None}, "routeId: is required"),
        ({**SINGLE, "body": "  "}, "body: must not be empty"),
        ({**SINGLE, "recipient": "07700 900123"}, "recipient: '07700 900123' is not an international phone number"),
        ({**SINGLE, "recipient": 44700011122}, "recipient: must be a string of digits"),
        (
            {**SINGLE, "recipient": "44\uff17\uff10\uff10\uff10\uff11"},
            "recipient: '44\uff17\uff10\uff10\uff10\uff11' is not an international",
        ),
        ({**SINGLE, "originator": "TwelveLetter"}, "originator: 'TwelveLetter' is not a sender name"),
        (
            {**SINGLE, "originator": "\u0664\u0664\u0667\u0667"},
            "originator: '\u0664\u0664\u0667\u0667' is not a sender",
        ),
        ({**SINGLE, "originator": ""}, "originator: is required"),
        ({**SINGLE, "routeId": 7}, "routeId: must be a string"),
        ({**SINGLE, "reference": ["x"]}, "reference: must be a string"),
        ({**SINGLE, "campaignId": 12}, "campaignId: must be a string"),
        ({**SINGLE, "callbackURL": "ftp://example.com/dlr"}, "callbackURL: must be an http(s) URL"),
        ({**SINGLE, "callbackURL": "https://"}, "callbackURL: must be an http(s) URL"),
        ({**SINGLE, "body": "x" * 1601}, "body: must be at most 1600 characters"),
        ([SINGLE], "body: the request body must be a JSON object"),
    ],
)
async def test_single_send_names_the_bad_field(client: Client, body: Any, message: str) -> None:
    answer = await call(client, "POST", "/send/single", body, status=400)
    assert answer["code"] == 400
    assert answer["message"].startswith(message), answer


def batch(*messages: Any, **extra: Any) -> dict[str, Any]:
    return {"routeId": "mglobal", "messages": list(messages) or [BATCH_MESSAGE], **extra}


M = BATCH_MESSAGE


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"messages": [M]}, "routeId: is required"),
        ({"routeId": None, "messages": [M]}, "routeId: is required"),
        ({"routeId": "mglobal"}, "messages: is required"),
        (batch(messages=None), "messages: is required"),
        (batch({**M, "originator": None}), "messages[0].originator: is required"),
        (batch({**M, "recipient": None}), "messages[0].recipient: is required"),
        (batch({**M, "text": None}), "messages[0].text: is required"),
        (batch(messages=[]), "messages: must be a non-empty array"),
        (batch(messages={"a": 1}), "messages: must be a non-empty array"),
        (batch(*[M] * 1001), "messages: must list at most 1000 messages, got 1001"),
        (batch(M, "hi"), "messages[1]: must be an object"),
        (batch(M, without(M, "recipient")), "messages[1].recipient: is required"),
        (batch(without(M, "text")), "messages[0].text: is required"),
        (batch(without(M, "originator")), "messages[0].originator: is required"),
        (batch({**M, "routeId": " "}), "messages[0].routeId: must not be empty"),
        (batch({**M, "reference": 3}), "messages[0].reference: must be a string"),
        (batch(scheduleDateTime="26/01/2024 15:30"), 'scheduleDateTime: Invalid format: "26/01/2024 15:30"'),
        (batch(shortenUrls="yes"), "shortenUrls: must be true or false"),
        (batch(spreadHours=-1), "spreadHours: must be between 0"),
        (batch(excludeOptouts=1), "excludeOptouts: must be true or false"),
    ],
)
async def test_batch_names_the_bad_field(client: Client, gateway: Gateway, body: Any, message: str) -> None:
    answer = await call(client, "POST", "/send/batch", body, status=400)
    assert answer["message"].startswith(message), answer
    assert (await gateway.messages(MessageQuery())).total == 0


async def test_a_body_that_is_not_json_is_refused(client: Client) -> None:
    response = await client.post("/send/single", data=b"{originator:", headers=AUTH)
    assert response.status == 400
    assert await response.json() == {"code": 400, "message": "body: the request body is not valid JSON"}


async def test_a_body_over_the_limit_is_413_naming_it(client: Client, gateway: Gateway) -> None:
    body = b'{"originator": "Test", "recipient": "44700011122", "body": "' + b"x" * (1024 * 1024) + b'"}'
    response = await client.post("/send/single", data=body, headers=AUTH)
    assert response.status == 413
    assert await response.json() == {
        "code": 413,
        "message": "the request body is larger than 1048576 bytes, the most accepted",
    }
    assert (await gateway.messages(MessageQuery())).total == 0


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-key"},
        {"Authorization": "Basic demo-mobivate-key"},
        {"Authorization": "Bearer "},
    ],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/send/single"),
        ("POST", "/send/batch"),
        ("GET", "/message"),
        ("GET", "/message/9A85B95E0A000A9D2FBD46710388AD54"),
        ("GET", "/addressbook/optout"),
        ("POST", "/addressbook/optout"),
        ("DELETE", "/addressbook/optout"),
        ("DELETE", "/optout"),
        ("POST", "/webhooks/receipt"),
        ("POST", "/webhooks/incoming"),
        ("POST", "/webhooks/click"),
    ],
)
async def test_a_missing_or_wrong_key_is_401(client: Client, headers: dict[str, str], method: str, path: str) -> None:
    answer = await call(client, method, path, SINGLE, status=401, headers=headers)
    assert_golden("error_401.json", answer)


async def test_a_wrong_legacy_key_is_401(client: Client) -> None:
    await call(client, "POST", "/send/single?api_key=wrong", SINGLE, status=401, headers={})


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("startDate=2023-13-01", 'startDate: Invalid format: "2023-13-01"'),
        ("startDate=01/07/2023", 'startDate: Invalid format: "01/07/2023"'),
        ("endDate=2023-07-01T25:00:00%2B0000", 'endDate: Invalid format: "2023-07-01T25:00:00+0000"'),
        ("endDate=2023-07-01T10:00:00", 'endDate: Invalid format: "2023-07-01T10:00:00"'),
        ("startDate=2023-07-0%D9%A1", 'startDate: Invalid format: "2023-07-0\u0661"'),
        ("endDate=2023-07-01T10:00:0%D9%A0%2B0000", 'endDate: Invalid format: "2023-07-01T10:00:0\u0660+0000"'),
        ("startDate=2023-07-02&endDate=2023-07-01", "endDate: must be after startDate"),
        ("page=0", "page: must be between 1 and"),
        ("page=two", "page: 'two' is not a whole number"),
        ("page=%D9%A1", "page: '\u0661' is not a whole number"),
        ("pageSize=1_0", "pageSize: '1_0' is not a whole number"),
        ("pageSize=1001", "pageSize: must be between 1 and 1000"),
        ("pageSize=0", "pageSize: must be between 1 and 1000"),
        ("direction=IN", "direction: 'IN' is not one of MO, MT"),
    ],
)
async def test_bad_search_parameters_are_named(client: Client, query: str, message: str) -> None:
    answer = await call(client, "GET", f"/message?{query}", status=400)
    assert answer["code"] == 400
    assert answer["message"].startswith(message), answer


async def test_bad_opt_out_dates_are_named(client: Client) -> None:
    answer = await call(client, "GET", "/addressbook/optout?startDate=2023-13-01", status=400)
    assert_golden("error_400_bad_date.json", answer)
    answer = await call(client, "GET", "/addressbook/optout?endDate=yesterday", status=400)
    assert answer == {"code": 400, "message": 'endDate: Invalid format: "yesterday"'}


@pytest.mark.parametrize(
    "wire_id", ["nope", "9A85B95E0A000A9D2FBD46710388AD54", "ef5796ce-e326-4a09-9033-6b457039b1ba"]
)
async def test_an_unknown_message_id_is_404(client: Client, wire_id: str) -> None:
    answer = await call(client, "GET", f"/message/{wire_id}", status=404)
    assert_golden("error_404.json", answer)


async def test_another_accounts_message_is_404(two_accounts: tuple[Client, Gateway]) -> None:
    client, _ = two_accounts
    sent = await call(client, "POST", "/send/single", {**SINGLE, "originator": "Shop"}, headers=SHOP_AUTH)
    await call(client, "GET", f"/message/{sent['id']}", headers=SHOP_AUTH)
    await call(client, "GET", f"/message/{sent['id']}", status=404)


async def test_another_providers_message_is_404(client: Client, gateway: Gateway) -> None:
    from mockgateway.dialects.mobivate.wire import hex_id

    accepted = await gateway.send(
        SendRequest(account="demo", provider="livelink", destinations=("447400100001",), text="Hi")
    )
    await call(client, "GET", f"/message/{hex_id(accepted.messages[0].id)}", status=404)


@pytest.mark.parametrize(
    "body", [{"mobile": "hello"}, {"mobile": ""}, {}, {"mobile": None}, {"mobile": True}, {"number": "447400100001"}]
)
@pytest.mark.parametrize(("method", "path"), [("POST", "/addressbook/optout"), ("DELETE", "/optout")])
async def test_a_bad_opt_out_number_is_refused(client: Client, body: Any, method: str, path: str) -> None:
    answer = await call(client, method, path, body, status=400)
    assert answer == {"code": 400, "message": "Invalid mobile number"}


async def test_deleting_a_number_that_is_not_opted_out_is_404(client: Client) -> None:
    answer = await call(client, "DELETE", "/addressbook/optout", {"mobile": "447400100001"}, status=404)
    assert answer == {"code": 404, "message": "Not Found"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "url: is required"),
        ({"url": None}, "url: is required"),
        ({"url": "example.com/hook"}, "url: must be an http(s) URL"),
        ({"url": 5}, "url: must be an http(s) URL"),
    ],
)
@pytest.mark.parametrize("kind", ["receipt", "incoming", "click"])
async def test_a_bad_webhook_url_is_named(client: Client, kind: str, body: Any, message: str) -> None:
    answer = await call(client, "POST", f"/webhooks/{kind}", body, status=400)
    assert answer["message"].startswith(message), answer
