"""The wait API: answers as soon as a match exists, or 408 with near misses; the latest-message shortcut."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

Client = TestClient[Any, Any]
AiohttpServer = Callable[..., Awaitable[TestServer]]


async def send(client: Client, auth: dict[str, str], to: str, text: str, **more: Any) -> str:
    body = {"destination": to, "message": text, **more}
    response = await client.post("/api/v2/sms", json=body, headers=auth)
    assert response.status == 200, await response.text()
    return str((await response.json())["livelinkOrderIds"][0]["livelinkOrderId"][0])


async def waiting(client: Client, path: str, subscribed: asyncio.Event) -> asyncio.Task[Any]:
    """Start a wait request and return once it is waiting."""
    task = asyncio.ensure_future(client.get(path))
    await asyncio.wait_for(subscribed.wait(), 5)
    assert not task.done()
    return task


async def test_an_already_stored_message_is_answered_at_once(client: Client, auth: dict[str, str]) -> None:
    sent = await send(client, auth, "447700900001", "Your code is 123456")
    response = await client.get("/__admin/messages/wait?to=%2B447700900001&text=your%20CODE&timeout=0")
    assert response.status == 200, await response.text()
    body = await response.json()
    assert (body["id"], body["destination"]) == (sent, "+447700900001")


async def test_an_unencoded_plus_still_means_the_number(client: Client, auth: dict[str, str]) -> None:
    sent = await send(client, auth, "447700900001", "hello")
    response = await client.get("/__admin/messages/wait?to=+447700900001&timeout=0")
    assert (await response.json())["id"] == sent


async def test_a_wait_wakes_when_the_message_arrives(
    client: Client, auth: dict[str, str], subscribed: asyncio.Event
) -> None:
    task = await waiting(client, "/__admin/messages/wait?to=447700900123&text=code&timeout=30", subscribed)
    await send(client, auth, "447700900999", "not this one: other number")
    sent = await send(client, auth, "447700900123", "Your code is 4711")
    response = await asyncio.wait_for(task, 10)
    assert response.status == 200
    assert (await response.json())["id"] == sent


async def test_a_timeout_lists_the_near_misses_best_first(client: Client, auth: dict[str, str]) -> None:
    same_number = await send(client, auth, "447700900001", "Your code is 1234")
    same_text = await send(client, auth, "447700900002", "Goodbye then")
    await send(client, auth, "447700900003", "unrelated")
    response = await client.get("/__admin/messages/wait?to=447700900001&text=goodbye&timeout=0")
    assert response.status == 408
    body = await response.json()
    assert body["error"] == "timeout"
    assert "to='447700900001'" in body["message"]
    assert "text='goodbye'" in body["message"]
    misses = [(m["item"]["id"], m["matched"], m["mismatched"]) for m in body["near_misses"]]
    # Each satisfies one filter; the unrelated one satisfies none and is left out. Newer first on a tie.
    assert misses == [(same_text, ["text"], ["to"]), (same_number, ["to"], ["text"])]


async def test_with_nothing_close_the_most_recent_are_listed(client: Client, auth: dict[str, str]) -> None:
    older = await send(client, auth, "447700900001", "one")
    newer = await send(client, auth, "447700900002", "two")
    body = await (await client.get("/__admin/messages/wait?to=447700900777&timeout=0")).json()
    assert [m["item"]["id"] for m in body["near_misses"]] == [newer, older]
    assert body["near_misses"][0]["matched"] == []


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/__admin/messages/wait?to=447700900001&timeout=soon", "timeout"),
        ("/__admin/messages/wait?to=447700900001&timeout=61", "timeout"),
        ("/__admin/messages/wait?to=447700900001&timeout=-1", "timeout"),
        ("/__admin/messages/wait?to=447700900001&timeout=1_0", "timeout"),
        ("/__admin/messages/wait?to=447700900001&timeout=%D9%A3", "timeout"),
        ("/__admin/messages/wait?to=447700900001&timeout=nan", "timeout"),
        ("/__admin/messages/wait?tp=447700900001", "tp"),
        ("/__admin/messages/wait?to=not-a-number", "to"),
        ("/__admin/messages/wait?to=%D9%A4%D9%A4%D9%A7%D9%A7%D9%A0%D9%A0", "to"),
        ("/__admin/mo/wait?from=%C2%B2%C2%B2%C2%B2%C2%B2%C2%B2%C2%B2", "from"),
        ("/__admin/notifications/wait?status=LOST", "status"),
        ("/__admin/callbacks/wait?kind=sms", "kind"),
        ("/__admin/callbacks/wait?state=DONE", "state"),
        ("/__admin/mo/wait?from=abc", "from"),
        ("/__admin/messages/latest", "to"),
    ],
)
async def test_bad_parameters_are_refused_naming_them(client: Client, path: str, field: str) -> None:
    response = await client.get(path)
    assert response.status == 400
    body = await response.json()
    assert body["field"] == field
    assert field in body["message"]


async def test_the_id_route_still_serves_ids(client: Client, auth: dict[str, str]) -> None:
    sent = await send(client, auth, "447700900001", "hello")
    assert (await (await client.get(f"/__admin/messages/{sent}")).json())["id"] == sent
    missing = await client.get("/__admin/messages/12345")
    assert missing.status == 404


async def test_latest_reads_the_one_time_code_of_the_newest_message(client: Client, auth: dict[str, str]) -> None:
    await send(client, auth, "447700900001", "Your code is 111111")
    newest = await send(client, auth, "447700900001", "Acme: 20 May, code 654321 (valid 10 min), ref 12")
    await send(client, auth, "447700900002", "Your code is 999999")
    response = await client.get("/__admin/messages/latest?to=447700900001")
    assert response.status == 200
    body = await response.json()
    assert (body["id"], body["code"]) == (newest, "654321")


async def test_latest_without_digits_has_no_code_and_none_is_404(client: Client, auth: dict[str, str]) -> None:
    await send(client, auth, "447700900001", "Hi, see you at 9")
    body = await (await client.get("/__admin/messages/latest?to=447700900001")).json()
    assert body["code"] is None
    missing = await client.get("/__admin/messages/latest?to=447700900002")
    assert missing.status == 404
    assert (await missing.json())["error"] == "not_found"


async def test_a_notification_wait_wakes_when_the_clock_moves(
    client: Client, auth: dict[str, str], subscribed: asyncio.Event
) -> None:
    sent = await send(client, auth, "447700900001", "hello")
    task = await waiting(client, f"/__admin/notifications/wait?message={sent}&status=delivered&timeout=30", subscribed)
    advanced = await client.post("/__admin/clock/advance", json={"seconds": 5})
    assert advanced.status == 200
    response = await asyncio.wait_for(task, 10)
    assert response.status == 200
    body = await response.json()
    assert (body["message_id"], body["status"]) == (sent, "DELIVERED")


async def test_a_notification_timeout_names_the_statuses_seen(client: Client, auth: dict[str, str]) -> None:
    sent = await send(client, auth, "447700900010", "hello")  # SENT, then FAILED
    await client.post("/__admin/clock/advance", json={"seconds": 5})
    response = await client.get(f"/__admin/notifications/wait?message={sent}&status=DELIVERED&timeout=0")
    assert response.status == 408
    misses = (await response.json())["near_misses"]
    assert [m["item"]["status"] for m in misses] == ["FAILED", "SENT"]
    assert all(m["mismatched"] == ["status"] for m in misses)


async def test_an_mo_wait_wakes_on_a_reply(client: Client, subscribed: asyncio.Event) -> None:
    task = await waiting(client, "/__admin/mo/wait?from=%2B447700900555&text=yes&timeout=30", subscribed)
    reply = {"from": "+447700900555", "to": "447700900999", "text": "YES please"}
    assert (await client.post("/__admin/mo", json=reply)).status == 201
    response = await asyncio.wait_for(task, 10)
    assert response.status == 200
    assert (await response.json())["text"] == "YES please"


async def test_an_mo_timeout_shows_the_reply_from_another_number(client: Client) -> None:
    await client.post("/__admin/mo", json={"from": "+447700900556", "to": "447700900999", "text": "YES"})
    response = await client.get("/__admin/mo/wait?from=447700900555&text=yes&timeout=0")
    assert response.status == 408
    [miss] = (await response.json())["near_misses"]
    assert (miss["item"]["from"], miss["mismatched"]) == ("+447700900556", ["from"])


async def test_a_callback_wait_sees_the_delivered_status_callback(
    client: Client, auth: dict[str, str], aiohttp_server: AiohttpServer, subscribed: asyncio.Event
) -> None:
    hits: list[str] = []

    async def receive(request: web.Request) -> web.Response:
        hits.append(request.path)
        return web.Response()

    receiver = web.Application()
    receiver.router.add_post("/acks", receive)
    server = await aiohttp_server(receiver)
    target = {"status_callback": str(server.make_url("/acks"))}
    assert (await client.put("/__admin/accounts/demo/callbacks", json=target)).status == 200
    sent = await send(client, auth, "447700900001", "hello", acknowledgement=True)
    missing = await client.get(f"/__admin/callbacks/wait?message={sent}&timeout=0")
    assert missing.status == 408
    task = await waiting(client, f"/__admin/callbacks/wait?message={sent}&state=delivered&timeout=30", subscribed)
    await client.post("/__admin/clock/advance", json={"seconds": 1})
    response = await asyncio.wait_for(task, 10)
    assert response.status == 200, await response.text()
    body = await response.json()
    assert (body["kind"], body["state"], body["message_id"]) == ("status", "DELIVERED", sent)
    assert hits == ["/acks"]


async def test_a_timeout_without_filters_says_nothing_came(client: Client) -> None:
    response = await client.get("/__admin/callbacks/wait?timeout=0")
    assert response.status == 408
    assert (await response.json())["message"] == "no callback within 0 s"
