"""``/__admin/messages``: listing with filters and paging, one message, deletion."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mockgateway.config import DEMO_ACCOUNT, Settings
from mockgateway.domain.model import Account
from tests.conftest import basic

OTHER = Account(
    name="other",
    credentials={"livelink": {"app_key": "other-key", "app_secret": "other-secret", "client_id": 2}},
)


@pytest.fixture
def settings() -> Settings:
    return Settings(clock="virtual", seed=7, accounts=(DEMO_ACCOUNT, OTHER))


async def send(client: TestClient[Any, Any], auth: dict[str, str], to: str | list[str], text: str, **more: Any) -> str:
    response = await client.post("/api/v2/sms", json={"destination": to, "message": text, **more}, headers=auth)
    assert response.status == 200
    return str((await response.json())["livelinkOrderIds"][0]["livelinkOrderId"][0])


async def listing(client: TestClient[Any, Any], query: str = "") -> Any:
    response = await client.get(f"/__admin/messages{query}")
    assert response.status == 200, await response.text()
    return await response.json()


@pytest.fixture
async def sent(client: TestClient[Any, Any], auth: dict[str, str]) -> list[str]:
    """Four messages from two accounts, oldest first."""
    response = await client.post(
        "/api/oauth/token", data={"grant_type": "client_credentials"}, headers=basic("other-key", "other-secret")
    )
    other = {"Authorization": f"Bearer {(await response.json())['access_token']}"}
    return [
        await send(client, auth, "447700900001", "Hello World", origin="Brand"),
        await send(client, auth, "+447700900002", "second HELLO", origin="447700900999"),
        await send(client, auth, "447700900001", "unrelated"),
        await send(client, other, "447700900003", "from the other account", origin="Brand"),
    ]


async def ids(client: TestClient[Any, Any], query: str) -> list[str]:
    return [m["id"] for m in (await listing(client, query))["messages"]]


async def test_lists_newest_first(client: TestClient[Any, Any], sent: list[str]) -> None:
    body = await listing(client)
    assert [m["id"] for m in body["messages"]] == sent[::-1]
    assert (body["total"], body["offset"], body["limit"]) == (4, 0, 50)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("?destination=447700900001", [2, 0], id="destination-digits"),
        pytest.param("?destination=%2B447700900001", [2, 0], id="destination-plus-encoded"),
        pytest.param("?destination=+447700900002", [1], id="destination-plus-raw"),
        pytest.param("?to=447700900002", [1], id="to-alias"),
        pytest.param("?origin=Brand", [3, 0], id="origin"),
        pytest.param("?from=447700900999", [1], id="from-alias"),
        pytest.param("?text=hello", [1, 0], id="text-case-insensitive"),
        pytest.param("?text=WORLD", [0], id="text-substring"),
        pytest.param("?account=other", [3], id="account"),
        pytest.param("?account=demo&text=hello", [1, 0], id="combined"),
        pytest.param("?provider=livelink", [3, 2, 1, 0], id="provider"),
        pytest.param("?destination=447700900009", [], id="no-match"),
        pytest.param("?destination=", [3, 2, 1, 0], id="empty-filter-is-no-filter"),
    ],
)
async def test_filters(client: TestClient[Any, Any], sent: list[str], query: str, expected: list[int]) -> None:
    body = await listing(client, query)
    assert [m["id"] for m in body["messages"]] == [sent[i] for i in expected]
    assert body["total"] == len(expected)


async def test_message_view(client: TestClient[Any, Any], sent: list[str]) -> None:
    response = await client.get(f"/__admin/messages/{sent[0]}")
    assert response.status == 200
    message = await response.json()
    assert message["id"] == sent[0]
    assert message["account"] == "demo"
    assert message["provider"] == "livelink"
    assert message["destination"] == "+447700900001"
    assert message["origin"] == "Brand"
    assert message["text"] == "Hello World"
    assert message["parts"] == [sent[0]]
    assert message["created_at"] == "2026-01-01T00:00:00.000Z"


async def test_default_page_is_50(client: TestClient[Any, Any], auth: dict[str, str]) -> None:
    await send(client, auth, [f"4477008{i:05d}" for i in range(60)], "bulk")
    body = await listing(client)
    assert (len(body["messages"]), body["total"], body["limit"]) == (50, 60, 50)


async def test_offset_and_limit(client: TestClient[Any, Any], auth: dict[str, str]) -> None:
    sent = [await send(client, auth, f"4477009000{i:02d}", f"m{i}") for i in range(12)]
    newest_first = sent[::-1]
    body = await listing(client, "?offset=5&limit=4")
    assert [m["id"] for m in body["messages"]] == newest_first[5:9]
    assert (body["total"], body["offset"], body["limit"]) == (12, 5, 4)
    assert await ids(client, "?offset=10&limit=5") == newest_first[10:]
    assert await ids(client, "?offset=12") == []
    assert await ids(client, "?limit=1000") == newest_first


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?limit=abc", "limit"),
        ("?limit=0", "limit"),
        ("?limit=-1", "limit"),
        ("?limit=1001", "limit"),
        ("?limit=1.5", "limit"),
        ("?offset=-1", "offset"),
        ("?offset=x", "offset"),
        ("?limit=%C2%B2", "limit"),
        ("?limit=%D9%A3", "limit"),
        ("?limit=1_0", "limit"),
    ],
)
async def test_bad_paging_is_400_naming_the_parameter(client: TestClient[Any, Any], query: str, field: str) -> None:
    response = await client.get(f"/__admin/messages{query}")
    assert response.status == 400
    assert response.content_type == "application/json"
    body = await response.json()
    assert body["error"] == "invalid_request"
    assert body["field"] == field
    assert field in body["message"]


async def test_unknown_message_is_404_json(client: TestClient[Any, Any]) -> None:
    response = await client.get("/__admin/messages/12345")
    assert response.status == 404
    assert response.content_type == "application/json"
    body = await response.json()
    assert body["error"] == "not_found"
    assert "12345" in body["message"]


async def test_delete_all(client: TestClient[Any, Any], sent: list[str]) -> None:
    response = await client.delete("/__admin/messages")
    assert response.status == 200
    assert await response.json() == {"deleted": 4}
    assert (await listing(client))["total"] == 0
    assert (await client.get(f"/__admin/messages/{sent[0]}")).status == 404


async def test_delete_filtered(client: TestClient[Any, Any], sent: list[str]) -> None:
    response = await client.delete("/__admin/messages?destination=%2B447700900001")
    assert await response.json() == {"deleted": 2}
    assert await ids(client, "") == [sent[3], sent[1]]
    response = await client.delete("/__admin/messages?account=other")
    assert await response.json() == {"deleted": 1}
    assert await ids(client, "") == [sent[1]]


async def test_delete_with_no_match_keeps_everything(client: TestClient[Any, Any], sent: list[str]) -> None:
    response = await client.delete("/__admin/messages?text=nothing-like-this")
    assert await response.json() == {"deleted": 0}
    assert (await listing(client))["total"] == len(sent)


@pytest.mark.parametrize("paging", ["limit=1", "offset=1", "account=demo&limit=1"])
async def test_delete_refuses_paging_and_keeps_everything(
    client: TestClient[Any, Any], sent: list[str], paging: str
) -> None:
    response = await client.delete(f"/__admin/messages?{paging}")
    assert response.status == 400
    body = await response.json()
    assert body["field"] == paging.split("&")[-1].split("=")[0]
    assert "filters only" in body["message"]
    assert (await listing(client))["total"] == len(sent)
