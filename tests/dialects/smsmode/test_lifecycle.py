"""End to end on the virtual clock: send, delivery reports, a reply, STOP, and the opted-out failure 3999."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from mockgateway.dialects.smsmode.wire import alnum_id
from mockgateway.domain.queries import EventQuery, MessageQuery
from mockgateway.service.gateway import Gateway
from tests.dialects.smsmode.conftest import (
    TOKEN,
    Client,
    Receiver,
    assert_golden_json,
    deliveries,
    golden_json,
    golden_text,
    http_get,
    needs_paris_time,
    send_http,
    send_rest,
)

pytestmark = needs_paris_time


async def _reply(client: Client, gateway: Gateway, text: str) -> str:
    response = await client.post("/__admin/mo", json={"from": "+33612345678", "to": "36100", "text": text})
    assert response.status == 201, await response.text()
    await gateway.drain()
    mos = await gateway.mos(EventQuery())
    return mos[-1].id


async def test_http_api_lifecycle(client: Client, gateway: Gateway, receiver: Receiver) -> None:
    urls = {"dlr_url": receiver.url("/dlr"), "mo_url": receiver.url("/mo")}
    response = await client.get("/http/1.6/sendSMS.do?" + golden_text("send_http.request.txt", **urls))
    line = await response.text()
    sms_id = line.rsplit(" | ", 1)[-1]
    assert line == golden_text("send_http.response.txt", smsID=sms_id)
    assert re.fullmatch(r"[0-9A-Za-z]{12}", sms_id)
    (message,) = (await gateway.messages(MessageQuery(provider="smsmode"))).items
    assert message.text == "Bonjour été ! Code €10"  # ISO-8859-15: %A4 is the euro sign
    assert await http_get(client, "smsStatus.do", smsID=sms_id) == "1 | In progress"

    await gateway.advance(1)
    assert await http_get(client, "smsStatus.do", smsID=sms_id) == "0 | Sent"
    await gateway.advance(2)
    assert await http_get(client, "compteRendu.do", smsID=sms_id) == "33612345678 14"
    expected = golden_text("dlr_http.txt", smsID=sms_id).splitlines()
    assert [urlsplit(d.call.url).query for d in await deliveries(gateway)] == expected
    reports = receiver.on("/dlr")
    assert [hit.method for hit in reports] == ["GET", "GET"]
    assert [hit.query for hit in reports] == [parse_qsl(line) for line in expected]

    await gateway.advance(57)
    mo_id = await _reply(client, gateway, "Oui merci")
    expected_mo = golden_text("mo_http.txt", smsID=sms_id, responseID=alnum_id(mo_id))
    assert [urlsplit(d.call.url).query for d in await deliveries(gateway, "mo")] == [expected_mo]
    (reply,) = receiver.on("/mo")
    assert reply.method == "GET"
    assert reply.query == parse_qsl(expected_mo)

    await _reply(client, gateway, "STOP")
    again = await send_http(client, numero="+33612345678", notification_url=receiver.url("/dlr2"))
    await gateway.advance(5)
    assert [dict(hit.query)["statut"] for hit in receiver.on("/dlr2")] == ["3999"]
    assert dict(receiver.on("/dlr2")[-1].query)["cost"] == "0"
    assert await http_get(client, "smsStatus.do", smsID=again) == "3999 | Blacklisted: the recipient replied STOP"
    assert await http_get(client, "credit.do") == "999999", "the opted-out recipient is not billed"


async def test_rest_api_lifecycle(client: Client, gateway: Gateway, receiver: Receiver) -> None:
    urls = {"status_url": receiver.url("/status"), "mo_url": receiver.url("/mo")}
    answer = await send_rest(client, golden_json("send_rest.request.json", **urls))
    message_id = answer["messageId"]
    assert_golden_json(answer, "send_rest.response.json", messageId=message_id, **urls)

    await gateway.advance(3)
    reports = receiver.on("/status")
    assert [(hit.method, hit.content_type) for hit in reports] == [("POST", "application/json")] * 2
    assert_golden_json([hit.json() for hit in reports], "dlr_rest.json", messageId=message_id)
    polled = await _get_message(client, message_id)
    assert polled["status"] == {"value": "DELIVERED", "code": 14, "description": "Delivered"}

    await gateway.advance(57)
    mo_id = await _reply(client, gateway, "Oui merci")
    (reply,) = receiver.on("/mo")
    assert reply.method == "POST"
    assert_golden_json(reply.json(), "mo_rest.json", messageId=message_id, responseID=alnum_id(mo_id))
    # Both APIs share one account: the REST message is visible to the 1.6 status calls too.
    assert await http_get(client, "smsStatus.do", smsID=message_id, accessToken=TOKEN) == "14 | Delivered"


async def _get_message(client: Client, message_id: str) -> Any:
    response = await client.get(f"/sms/v1/messages/{message_id}", headers={"X-Api-Key": "demo-smsmode-api-key"})
    assert response.status == 200, await response.text()
    return await response.json()
