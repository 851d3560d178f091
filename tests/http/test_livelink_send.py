"""Live Link sends: ``POST /api/v2/sms`` and ``POST /api/messages`` (v1) on the happy path."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests import swagger
from tests.swagger import assert_matches

NUMBER = "447700900123"


async def send(client: TestClient[Any, Any], auth: dict[str, str], **fields: Any) -> Any:
    payload = {"destination": [NUMBER], "message": "hi", **fields}
    response = await client.post("/api/v2/sms", json=payload, headers=auth)
    body = await response.json()
    assert response.status == 200, body
    assert_matches("LiveLinkResponse", body)
    return body


async def stored(client: TestClient[Any, Any], order_id: str) -> Any:
    response = await client.get(f"/__admin/messages/{order_id}")
    assert response.status == 200
    return await response.json()


async def test_single_destination_as_a_string(client: TestClient[Any, Any], auth: dict[str, str]) -> None:
    body = await send(client, auth, destination="+" + NUMBER)
    [entry] = body["livelinkOrderIds"]
    assert entry["destination"] == ["+" + NUMBER], "the number is echoed as the client wrote it"
    [order_id] = entry["livelinkOrderId"]
    assert order_id.isdigit()
    assert (await stored(client, order_id))["destination"] == "+" + NUMBER


async def test_one_entry_per_destination(client: TestClient[Any, Any], auth: dict[str, str]) -> None:
    numbers = ["447700900001", "+447700900002", "33612345678"]
    body = await send(client, auth, destination=numbers)
    entries = body["livelinkOrderIds"]
    assert [e["destination"] for e in entries] == [[n] for n in numbers]
    ids = [e["livelinkOrderId"][0] for e in entries]
    assert len(set(ids)) == 3
    for number, order_id in zip(numbers, ids, strict=True):
        assert (await stored(client, order_id))["destination"] == "+" + number.lstrip("+")


async def test_repeated_destination_gets_separate_messages(client: TestClient[Any, Any], auth: dict[str, str]) -> None:
    body = await send(client, auth, destination=[NUMBER, NUMBER])
    assert len({e["livelinkOrderId"][0] for e in body["livelinkOrderIds"]}) == 2


@pytest.mark.parametrize(
    ("text", "extra", "parts"),
    [
        pytest.param("a" * 160, {}, 1, id="160-gsm"),
        pytest.param("a" * 161, {}, 2, id="161-gsm"),
        pytest.param("a" * 306, {}, 2, id="306-gsm"),
        pytest.param("a" * 307, {}, 3, id="307-gsm"),
        pytest.param("ж" * 70, {}, 1, id="70-ucs2"),
        pytest.param("ж" * 71, {}, 2, id="71-ucs2"),
        pytest.param("a" * 71, {"contentTextEncoding": "UCS2"}, 2, id="71-ascii-forced-ucs2"),
        pytest.param("a" * 70, {"contentTextEncoding": "UCS2"}, 1, id="70-ascii-forced-ucs2"),
        pytest.param("a" * 159 + "€", {}, 2, id="euro-at-160"),
        pytest.param("a" * 158 + "€", {}, 1, id="euro-at-159"),
    ],
)
async def test_one_order_id_per_part(
    client: TestClient[Any, Any], auth: dict[str, str], text: str, extra: dict[str, Any], parts: int
) -> None:
    body = await send(client, auth, message=text, **extra)
    order_ids = body["livelinkOrderIds"][0]["livelinkOrderId"]
    assert len(order_ids) == len(set(order_ids)) == parts
    message = await stored(client, order_ids[0])
    assert message["parts"] == order_ids
    assert message["text"] == text


async def test_forced_ucs2_is_stored_as_ucs2(client: TestClient[Any, Any], auth: dict[str, str]) -> None:
    body = await send(client, auth, message="plain", contentTextEncoding="UCS2")
    assert (await stored(client, body["livelinkOrderIds"][0]["livelinkOrderId"][0]))["encoding"] == "UCS2"


async def test_every_destination_gets_every_part(client: TestClient[Any, Any], auth: dict[str, str]) -> None:
    body = await send(client, auth, destination=["447700900001", "447700900002"], message="b" * 200)
    ids = [order_id for e in body["livelinkOrderIds"] for order_id in e["livelinkOrderId"]]
    assert [len(e["livelinkOrderId"]) for e in body["livelinkOrderIds"]] == [2, 2]
    assert len(set(ids)) == 4


# -- callbacks -------------------------------------------------------------------------------------------------------
async def callbacks_of(client: TestClient[Any, Any], body: Any) -> Any:
    return (await stored(client, body["livelinkOrderIds"][0]["livelinkOrderId"][0]))["callbacks"]


async def test_callback_as_a_string(client: TestClient[Any, Any], auth: dict[str, str]) -> None:
    body = await send(client, auth, callback="https://acks.example.com/sap")
    assert await callbacks_of(client, body) == [{"url": "https://acks.example.com/sap"}]


async def test_callback_as_a_list_of_strings(client: TestClient[Any, Any], auth: dict[str, str]) -> None:
    urls = ["https://one.example.com/a", "http://127.0.0.1:9000/b"]
    body = await send(client, auth, callback=urls)
    assert await callbacks_of(client, body) == [{"url": url} for url in urls]


async def test_callback_objects_with_oauth2(client: TestClient[Any, Any], auth: dict[str, str]) -> None:
    oauth = {"oAuthClient": "cid", "oAuthSecret": "s3cret", "tokenUrl": "https://auth.example.com/token"}
    callback = [
        {"url": "https://acks.example.com/sap/1", "authType": "OAUTH2", "oAuth2": oauth},
        {"url": "https://acks.example.com/sap/2", "authType": "NONE"},
        {"url": "https://acks.example.com/sap/3"},
    ]
    body = await send(client, auth, callback=callback, acknowledgement=True, ackType="MESSAGE", subject="ref-1")
    assert await callbacks_of(client, body) == [
        {
            "url": "https://acks.example.com/sap/1",
            "oauth2": {"client_id": "cid", "token_url": "https://auth.example.com/token"},
        },
        {"url": "https://acks.example.com/sap/2"},
        {"url": "https://acks.example.com/sap/3"},
    ]
    message = await stored(client, body["livelinkOrderIds"][0]["livelinkOrderId"][0])
    assert "s3cret" not in str(message), "the admin API must not show callback secrets"
    assert message["handset_ack"] is True
    assert message["client_ref"] == "ref-1"


async def test_v2_defaults_are_stored(client: TestClient[Any, Any], auth: dict[str, str]) -> None:
    body = await send(client, auth)
    options = (await stored(client, body["livelinkOrderIds"][0]["livelinkOrderId"][0]))["options"]
    assert options["ackType"] == "ORDER"
    assert options["ackTimeInGMT"] is True
    assert "ackFinalOnly" not in options


@pytest.mark.parametrize(("period", "seconds"), [("1w", 604800), ("2d", 172800), ("3h", 10800), ("30m", 1800)])
async def test_validity_period(client: TestClient[Any, Any], auth: dict[str, str], period: str, seconds: int) -> None:
    body = await send(client, auth, validityPeriod=period)
    assert (await stored(client, body["livelinkOrderIds"][0]["livelinkOrderId"][0]))["validity_s"] == seconds


# -- v1 ----------------------------------------------------------------------------------------------------------------
async def send_v1(client: TestClient[Any, Any], auth: dict[str, str], **fields: Any) -> Any:
    payload = {"destination": [NUMBER], "body": "hello v1", **fields}
    response = await client.post("/api/messages", json=payload, headers=auth)
    body = await response.json()
    assert response.status == 200, body
    assert_matches("SmsRequest", body, extra=swagger.v1_response_extra())
    return body


async def test_v1_sends_body_and_echoes_the_request(client: TestClient[Any, Any], auth: dict[str, str]) -> None:
    body = await send_v1(client, auth, subject="v1-ref")
    assert body["body"] == "hello v1"
    assert body["subject"] == "v1-ref"
    [entry] = body["livelinkOrderIds"]
    message = await stored(client, entry["livelinkOrderId"][0])
    assert message["text"] == "hello v1"
    assert message["options"]["api"] == "v1"
    assert message["client_ref"] == "v1-ref"


async def test_v1_ack_flags_are_stored(client: TestClient[Any, Any], auth: dict[str, str]) -> None:
    body = await send_v1(client, auth, ackFlags="{ackOperatorId: true, ackInternalStatus: true, ackTpoa: false}")
    assert body["ackFlags"] == "{ackOperatorId: true, ackInternalStatus: true, ackTpoa: false}"
    options = (await stored(client, body["livelinkOrderIds"][0]["livelinkOrderId"][0]))["options"]
    assert options["ackOperatorId"] is True
    assert options["ackInternalStatus"] is True
    assert "ackTpoa" not in options
    assert "ackCountryCode" not in options


async def test_v1_splits_like_v2(client: TestClient[Any, Any], auth: dict[str, str]) -> None:
    body = await send_v1(client, auth, body="c" * 161)
    assert len(body["livelinkOrderIds"][0]["livelinkOrderId"]) == 2
