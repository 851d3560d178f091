"""Admin lists refuse a filter or value they do not know, rather than listing everything; the clock stays in range."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

LISTS = ("/__admin/messages", "/__admin/notifications", "/__admin/mo", "/__admin/callbacks")


async def refused(client: TestClient[Any, Any], path: str, method: str = "GET") -> dict[str, Any]:
    response = await client.request(method, path)
    assert response.status == 400, await response.text()
    body: dict[str, Any] = await response.json()
    assert body["error"] == "invalid_request"
    return body


@pytest.mark.parametrize("path", LISTS)
async def test_a_misspelt_filter_is_refused_naming_it(client: TestClient[Any, Any], path: str) -> None:
    body = await refused(client, f"{path}?acount=demo")
    assert body["field"] == "acount"
    assert "unknown filter acount" in body["message"]
    assert "account" in body["message"]  # and says what is accepted


async def test_deleting_with_a_misspelt_filter_deletes_nothing(
    client: TestClient[Any, Any], auth: dict[str, str]
) -> None:
    sent = await client.post("/api/v2/sms", json={"destination": ["447700900001"], "message": "hi"}, headers=auth)
    assert sent.status == 200
    await refused(client, "/__admin/messages?destinaton=447700900001", method="DELETE")
    assert (await (await client.get("/__admin/messages")).json())["total"] == 1


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/__admin/messages?provider=sap", "provider"),
        ("/__admin/notifications?provider=sap", "provider"),
        ("/__admin/mo?provider=sap", "provider"),
        ("/__admin/notifications?status=LOST", "status"),
        ("/__admin/notifications?state=done", "state"),
        ("/__admin/callbacks?kind=sms", "kind"),
        ("/__admin/callbacks?state=DONE", "state"),
    ],
)
async def test_an_unknown_value_is_refused_naming_the_filter(
    client: TestClient[Any, Any], path: str, field: str
) -> None:
    body = await refused(client, path)
    assert body["field"] == field
    assert body["message"].startswith(f"{field}: ")


@pytest.mark.parametrize(
    "path",
    [
        "/__admin/messages?provider=livelink&account=demo&to=%2B447700900001&limit=5&offset=0",
        "/__admin/notifications?status=delivered&message=x&order_id=y",
        "/__admin/notifications?status=nok",
        "/__admin/mo?from=447700900001&text=yes&message_id=x",
        "/__admin/callbacks?kind=MO&state=pending&message=x",
    ],
)
async def test_known_filters_in_any_case_are_accepted(client: TestClient[Any, Any], path: str) -> None:
    response = await client.get(path)
    assert response.status == 200, await response.text()


async def test_events_filter_by_provider_in_any_case(client: TestClient[Any, Any], auth: dict[str, str]) -> None:
    sent = await client.post("/api/v2/sms", json={"destination": ["447700900001"], "message": "hi"}, headers=auth)
    assert sent.status == 200
    assert (await client.post("/__admin/clock/advance", json={"seconds": 10})).status == 200
    for path, key in (("notifications", "notifications"), ("messages", "messages")):
        mine = await (await client.get(f"/__admin/{path}?provider=LiveLink")).json()
        theirs = await (await client.get(f"/__admin/{path}?provider=smsmode")).json()
        assert (len(mine[key]) > 0, theirs[key]) == (True, []), path


async def test_kind_matches_in_any_case(client: TestClient[Any, Any]) -> None:
    targets = await client.put("/__admin/accounts/demo/callbacks", json={"mo_callback": "http://127.0.0.1:9/mo"})
    assert targets.status == 200
    response = await client.post(
        "/__admin/mo", json={"from": "+447700900555", "to": "12345", "text": "hello", "account": "demo"}
    )
    assert response.status == 201
    lower = await (await client.get("/__admin/callbacks?kind=mo")).json()
    upper = await (await client.get("/__admin/callbacks?kind=MO")).json()
    assert len(lower["callbacks"]) == 1
    assert lower == upper


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"seconds": 1e300}, "seconds"),
        ({"seconds": 10**20}, "seconds"),
        ({"to": "9999-12-31T23:59:59Z"}, "to"),
    ],
)
async def test_advancing_out_of_range_is_refused_and_harms_nothing(
    client: TestClient[Any, Any], body: dict[str, Any], field: str
) -> None:
    before = await (await client.get("/__admin/clock")).json()
    response = await client.post("/__admin/clock/advance", json=body)
    assert response.status == 400
    refusal = await response.json()
    assert refusal["field"] == field
    assert "9999-01-01T00:00:00.000Z" in refusal["message"]
    assert await (await client.get("/__admin/clock")).json() == before
    assert (await client.get("/__admin/health")).status == 200


async def test_advancing_to_the_last_allowed_instant_works(client: TestClient[Any, Any]) -> None:
    response = await client.post("/__admin/clock/advance", json={"to": "9999-01-01T00:00:00Z"})
    assert response.status == 200
    assert (await client.get("/__admin/health")).status == 200
    assert (await client.get("/__admin/messages")).status == 200


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("POST", "/__admin/clock/advance", {"second": 5}, "second"),
        ("POST", "/__admin/clock/advance", {"seconds": 5, "to": "2026-01-02T00:00:00Z"}, "to"),
        ("PUT", "/__admin/accounts/demo/callbacks", {"status_callbak": "http://127.0.0.1:9/"}, "status_callbak"),
        ("POST", "/__admin/mo", {"from": "+447700900555", "to": "12345", "text": "hi", "acount": "demo"}, "acount"),
    ],
)
async def test_a_body_key_the_route_does_not_take_is_refused_and_nothing_done(
    client: TestClient[Any, Any], method: str, path: str, body: dict[str, Any], field: str
) -> None:
    clock_before = await (await client.get("/__admin/clock")).json()
    accounts_before = await (await client.get("/__admin/accounts")).json()
    response = await client.request(method, path, json=body)
    assert response.status == 400
    assert (await response.json())["field"] == field
    assert await (await client.get("/__admin/clock")).json() == clock_before
    assert await (await client.get("/__admin/accounts")).json() == accounts_before
    assert (await (await client.get("/__admin/mo")).json())["mo"] == []


async def test_an_admin_body_over_the_limit_is_a_json_413(client: TestClient[Any, Any]) -> None:
    response = await client.post(
        "/__admin/mo", data=b" " * (1024 * 1024 + 1), headers={"Content-Type": "application/json"}
    )
    assert response.status == 413
    body = await response.json()
    assert (body["error"], body["field"]) == ("body_too_large", "body")


async def test_an_admin_body_its_content_encoding_does_not_inflate_is_a_json_400(
    client: TestClient[Any, Any], caplog: pytest.LogCaptureFixture
) -> None:
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    response = await client.post("/__admin/mo", data=b"not gzip", headers=headers)
    assert response.status == 400
    body = await response.json()
    assert (body["error"], body["field"]) == ("invalid_request", "body")
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
