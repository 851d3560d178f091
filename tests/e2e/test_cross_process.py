"""Three ``serve`` processes on one Redis prefix and the virtual clock answer as one gateway, whichever process a
request reaches: what is sent through one is listed, pulled (paged consistently), waited for and streamed live
on the others; a token of one is good on all; and ``clock/advance`` on one moves all of them and answers once
every callback it caused, on any process, has been received.

The processes live for the whole module (starting them is most of the cost); each test sends its own messages
and looks for those, or compares what the processes answer with one another.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any
from uuid import uuid4

import aiohttp
import pytest

from tests.ack_receiver import AckReceiver, receiving
from tests.e2e.cluster import REPLICAS, Cluster, bearer, expect, send_round_robin, serving, sessions_of

pytestmark = pytest.mark.slow

#: Guards against a hang only: each awaited answer is already on its way.
GUARD_S = 30.0
#: Every ACK and MO the gateway ever kept: the pull's window is in UTC minutes.
WINDOW = {"startUTCTime": "200001010000", "endUTCTime": "210001010000"}
PAGE_SIZE = 10  #: Live Link's pull pages
MOBIVATE = {"Authorization": "Bearer demo-mobivate-key"}
MOBIVATE_PAGE_SIZE = 5
TEXTAPP = "/webservice/httpservice.aspx"
SMSMODE_PAGE_SIZE = 4


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with serving(tmp_path_factory.mktemp("cluster"), clock="virtual") as started:
        yield started


@pytest.fixture
async def sessions(cluster: Cluster) -> AsyncIterator[list[aiohttp.ClientSession]]:
    async with sessions_of(cluster) as opened:
        yield opened


def unique() -> str:
    return uuid4().hex[:12]


async def send(http: aiohttp.ClientSession, token: dict[str, str], text: str, **extra: Any) -> str:
    body = {"destination": ["33612345678"], "message": text, **extra}
    answer = await expect(await http.post("/api/v2/sms", json=body, headers=token))
    order: str = answer["livelinkOrderIds"][0]["livelinkOrderId"][0]
    return order


async def advance(http: aiohttp.ClientSession, seconds: float) -> Any:
    return await expect(await http.post("/__admin/clock/advance", json={"seconds": seconds}))


async def test_a_message_sent_through_one_process_is_listed_by_the_others(
    sessions: list[aiohttp.ClientSession],
) -> None:
    a, b, c = sessions
    text = f"listed {unique()}"
    order = await send(a, await bearer(a), text)
    for http in (b, c):
        listed = (await expect(await http.get("/__admin/messages", params={"text": text})))["messages"]
        assert [message["parts"] for message in listed] == [[order]]


async def test_a_token_issued_by_one_process_is_accepted_by_the_others(sessions: list[aiohttp.ClientSession]) -> None:
    a, b, c = sessions
    token = await bearer(a)
    for http in (b, c):
        await send(http, token, f"token {unique()}")
    refused = await b.post("/api/v2/sms", json={"destination": ["33612345678"], "message": "Hi"}, headers={
        "Authorization": "Bearer not-issued-anywhere"
    })  # fmt: skip
    assert refused.status == 401


async def _pages(sessions: list[aiohttp.ClientSession], path: str, key: str) -> list[list[dict[str, Any]]]:
    """Every page of a Live Link pull, page N from process N modulo the processes (each with a token of its
    own); ``key`` names the page's list."""
    tokens = [await bearer(http) for http in sessions]
    pages: list[list[dict[str, Any]]] = []
    count = 1
    while len(pages) < count:
        replica = len(pages) % len(sessions)
        params = {**WINDOW, "pageIndex": str(len(pages) + 1)}
        page = await expect(await sessions[replica].get(path, params=params, headers=tokens[replica]))
        count = page["pageCount"]
        pages.append(page[key])
    return pages


async def test_status_pulls_paged_across_the_processes_give_each_ack_once(
    sessions: list[aiohttp.ClientSession],
) -> None:
    orders = await send_round_robin(sessions, 2 * PAGE_SIZE + 3, message=f"pulled {unique()}")
    await advance(sessions[1], 1)  # SENT and DELIVERED for each, on whichever process runs the step

    pages = await _pages(sessions, "/api/v2/sms/status", "SAPNotification")
    acks = [(ack["orderId"], ack["status"]) for page in pages for ack in page]
    assert len(acks) == len(set(acks)), "an ACK was on two pages"
    assert {(order, status) for order in orders for status in ("SENT", "DELIVERED")} <= set(acks)
    assert acks == [
        (ack["orderId"], ack["status"]) for page in await _pages(sessions[:1], "/api/v2/sms/status", "SAPNotification")
        for ack in page
    ], "the processes page the ACKs differently"  # fmt: skip


async def test_reply_pulls_paged_across_the_processes_give_each_mo_once(sessions: list[aiohttp.ClientSession]) -> None:
    texts = [f"reply {number} {unique()}" for number in range(PAGE_SIZE + 2)]
    for number, text in enumerate(texts):  # each MO through the next process
        mo = {"from": "447700900123", "to": "447700900000", "text": text, "account": "demo"}
        await expect(await sessions[number % REPLICAS].post("/__admin/mo", json=mo), 201)

    pages = await _pages(sessions, "/api/v2/sms/mo", "sapnotification")
    pulled = [json.dumps(mo, sort_keys=True) for page in pages for mo in page]
    assert len(pulled) == len(set(pulled)), "an MO was on two pages"
    assert all(any(text in mo for mo in pulled) for text in texts)


async def _mobivate_log(http: aiohttp.ClientSession, page: int) -> list[dict[str, Any]]:
    params = {"page": str(page), "pageSize": str(MOBIVATE_PAGE_SIZE)}
    found: list[dict[str, Any]] = await expect(await http.get("/message", params=params, headers=MOBIVATE))
    return found


async def test_message_log_pages_from_different_processes_give_each_message_once(
    sessions: list[aiohttp.ClientSession],
) -> None:
    text = f"logged {unique()}"
    for number in range(2 * MOBIVATE_PAGE_SIZE + 1):  # each through the next process
        body = {"originator": "Test", "recipient": "447700900003", "body": text, "routeId": "mglobal"}
        await expect(await sessions[number % REPLICAS].post("/send/single", json=body, headers=MOBIVATE))

    pages: list[list[dict[str, Any]]] = []
    while not pages or pages[-1]:  # page N from process N modulo the processes, until an empty one
        pages.append(await _mobivate_log(sessions[len(pages) % REPLICAS], len(pages) + 1))
    ids = [record["id"] for page in pages for record in page]
    assert len(ids) == len(set(ids)), "a message was on two pages"
    assert sum(record["body"] == text for page in pages for record in page) == 2 * MOBIVATE_PAGE_SIZE + 1
    one = [record["id"] for page in range(1, len(pages)) for record in await _mobivate_log(sessions[0], page)]
    assert ids == one, "the processes page the log differently"


async def _smsmode_replies(http: aiohttp.ClientSession, start: int) -> list[str]:
    params = {"accessToken": "demo-smsmode1", "start": str(start), "offset": str(SMSMODE_PAGE_SIZE)}
    answer = await http.get("/http/1.6/responseList.do", params=params)
    assert answer.status == 200, await answer.text()
    return [line for line in (await answer.text()).splitlines() if line.strip()]


async def test_reply_list_pages_from_different_processes_give_each_reply_once(
    sessions: list[aiohttp.ClientSession],
) -> None:
    handset = f"336{uuid4().int % 10**8:08d}"
    sent = {"accessToken": "demo-smsmode1", "message": "Reply to this", "numero": handset}
    answer = await sessions[0].get("/http/1.6/sendSMS.do", params=sent)  # a reply to it comes through smsmode
    assert answer.status == 200, await answer.text()
    texts = [f"answer {number} {unique()}" for number in range(2 * SMSMODE_PAGE_SIZE + 1)]
    for number, text in enumerate(texts):  # each reply through the next process
        mo = {"from": handset, "to": "36034", "text": text, "account": "demo"}
        await expect(await sessions[number % REPLICAS].post("/__admin/mo", json=mo), 201)

    pages: list[list[str]] = []
    while not pages or pages[-1]:  # page N from process N modulo the processes, until an empty one
        pages.append(await _smsmode_replies(sessions[len(pages) % REPLICAS], len(pages) * SMSMODE_PAGE_SIZE))
    lines = [line for page in pages for line in page]
    assert len(lines) == len(set(lines)), "a reply was on two pages"
    assert [text for text in texts if sum(text in line for line in lines) != 1] == [], lines
    one = [
        line for page in range(len(pages) - 1) for line in await _smsmode_replies(sessions[0], page * SMSMODE_PAGE_SIZE)
    ]
    assert lines == one, "the processes page the replies differently"


async def test_an_inbound_message_is_handed_out_once_across_the_processes(
    sessions: list[aiohttp.ClientSession],
) -> None:
    a, b, c = sessions
    inbound = f"4477009{uuid4().int % 10**5:05d}"
    texts = [f"inbound {number} {unique()}" for number in range(2)]
    for text in texts:
        mo = {"from": "447700900123", "to": inbound, "text": text, "account": "demo"}
        await expect(await a.post("/__admin/mo", json=mo), 201)
    ask = {"method": "GetSMSInbound", "externalLogin": "demo-login", "password": "demo-password", "number": inbound}

    first = await (await b.get(TEXTAPP, params=ask)).text()
    again = await (await c.get(TEXTAPP, params=ask)).text()
    assert all(text in first for text in texts), first
    assert not any(text in again for text in texts), "handed out twice, by two processes"


async def test_credits_spent_through_one_process_are_gone_on_the_others(sessions: list[aiohttp.ClientSession]) -> None:
    a, b, c = sessions
    login = {"externalLogin": "demo-login", "password": "demo-password", "returnCSVString": "true"}

    async def credits_left(http: aiohttp.ClientSession) -> float:
        answer = await (await http.post(TEXTAPP, data={**login, "method": "GetCreditsLeft"})).text()
        assert answer.startswith("#1#"), answer
        return float(answer.split("\r\n")[1])

    before = await credits_left(b)
    sms = {**login, "method": "SendSMS", "destinations": "+447700900001,+447700900002", "body": "x" * 200}
    sms |= {"originator": "MyShop", "clientBillingReference": "b", "clientMessageReference": "r", "validity": "72"}
    sms |= {"characterSetID": "2", "replyMethodID": "1"}
    sent = await (await a.post(TEXTAPP, data=sms)).text()
    assert sent.startswith("#1#"), sent
    assert [await credits_left(http) for http in (b, c)] == [before - 4] * 2, "two destinations of two parts each"


async def test_a_wait_on_each_process_answers_for_a_message_sent_through_another(
    sessions: list[aiohttp.ClientSession],
) -> None:
    a, b, c = sessions
    text = f"Your code is {unique()}"
    waits = [
        asyncio.ensure_future(http.get("/__admin/messages/wait", params={"text": text, "timeout": str(GUARD_S)}))
        for http in (b, c)
    ]
    await send(a, await bearer(a), text)
    for answer in await asyncio.gather(*waits):
        assert (await expect(answer))["text"] == text


async def _next_event(stream: aiohttp.ClientResponse) -> tuple[str, dict[str, Any]]:
    """The next ``event:``/``data:`` pair of a Server-Sent Events stream."""
    kind = ""
    while True:
        line = (await asyncio.wait_for(stream.content.readline(), GUARD_S)).decode().strip()
        if line.startswith("event: "):
            kind = line.removeprefix("event: ")
        elif line.startswith("data: ") and kind:
            return kind, json.loads(line.removeprefix("data: "))


async def test_the_live_stream_of_one_process_shows_a_message_sent_through_another(
    sessions: list[aiohttp.ClientSession],
) -> None:
    a, _, c = sessions
    stream = await c.get("/__admin/events")  # answered once every process forwards to it
    try:
        assert stream.status == 200
        text = f"streamed {unique()}"
        order = await send(a, await bearer(a), text)
        [message] = (await expect(await a.get("/__admin/messages", params={"text": text})))["messages"]
        assert message["parts"] == [order]
        assert await _next_event(stream) == ("message", {"id": message["id"], "account": "demo"})
    finally:
        stream.close()


async def test_an_advance_on_one_process_moves_all_and_answers_after_every_callback_it_caused(
    sessions: list[aiohttp.ClientSession],
) -> None:
    async with receiving(AckReceiver()) as receiver:
        acks = {"acknowledgement": True, "ackType": "MESSAGE", "callback": receiver.url}
        orders = await send_round_robin(sessions, 2 * REPLICAS, message=f"advanced {unique()}", **acks)
        before = (await expect(await sessions[0].get("/__admin/clock")))["epoch"]

        moved = await advance(sessions[1], 1)

        assert moved["epoch"] == before + 1
        assert dict(receiver.statuses) == {order: ["SENT", "DELIVERED"] for order in orders}
        clocks = [(await expect(await http.get("/__admin/clock")))["epoch"] for http in sessions]
        assert clocks == [before + 1] * REPLICAS
