"""Live Link ACK settings, callback targets, OAuth2-protected receivers, retries, replay and MO injection."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.e2e.conftest import Receiver
from tests.e2e.test_shipped_scenarios import advance

NUMBER = "447700909001"  # outside the magic range: the default scenario


async def send(client: TestClient[Any, Any], auth: dict[str, str], **fields: Any) -> str:
    body = {"destination": NUMBER, "message": "Your code is 123456", **fields}
    response = await client.post("/api/v2/sms", json=body, headers=auth)
    assert response.status == 200, await response.text()
    return str((await response.json())["livelinkOrderIds"][0]["livelinkOrderId"][0])


@pytest.mark.parametrize(
    ("fields", "statuses"),
    [
        ({}, []),
        ({"acknowledgement": True}, ["SENT"]),
        ({"acknowledgement": True, "ackType": "ORDER"}, ["SENT"]),
        ({"acknowledgement": True, "ackType": "MESSAGE"}, ["SENT", "DELIVERED", "RECEIVED"]),
        ({"acknowledgement": True, "ackType": "MESSAGE", "ackFinalOnly": True}, ["RECEIVED"]),
        ({"acknowledgement": True, "ackType": "NONE"}, []),
    ],
    ids=["no-acknowledgement", "default-order", "order", "message", "final-only", "none"],
)
async def test_ack_settings_choose_which_acks_are_pushed(
    client: TestClient[Any, Any], auth: dict[str, str], receiver: Receiver, fields: dict[str, Any], statuses: list[str]
) -> None:
    await send(client, auth, **fields)
    await advance(client, 60)
    assert [ack["status"] for ack in receiver.acks] == statuses
    notifications = await (await client.get("/__admin/notifications")).json()
    handset_ack = fields.get("ackType") == "MESSAGE"
    assert len(notifications["notifications"]) == (3 if handset_ack else 2), "every status is recorded, pushed or not"


async def test_ack_payload_shape_and_flags(
    client: TestClient[Any, Any], auth: dict[str, str], receiver: Receiver
) -> None:
    order_id = await send(
        client, auth, acknowledgement=True, ackType="MESSAGE", origin="12345", subject="ref-42",
        ackOperatorId=True, ackCountryCode=True, ackFinalStatus=True, ackInternalStatus=True,
        ackDeliveredTime=True, ackMTReceivedTime=True, ackTpoa=True,
    )  # fmt: skip
    await advance(client, 6)
    sent, delivered, received = receiver.acks
    assert sent["messageId"] == order_id
    assert sent["recipient"] == f"+{NUMBER}"
    assert sent["message"].startswith(f"Message 1 of the order {order_id} at destination of +{NUMBER} has been sent")
    assert "(GMT)" in sent["message"]
    assert sent["countryCode"] == "GB"
    assert isinstance(sent["operatorId"], int)
    # A handset ACK was asked for (ackType MESSAGE): the SMS-C's DELIVERED is not final, the handset's RECEIVED is.
    assert (sent["finalStatus"], delivered["finalStatus"], received["finalStatus"]) == (False, False, True)
    assert (sent["internalStatus"], delivered["internalStatus"]) == ("SENT", "DELIVERED")
    assert "deliveredTime" not in sent
    assert delivered["deliveredTime"].endswith("Z")
    assert sent["tpoa"] == "12345"
    assert sent["subject"] == "ref-42"
    assert sent["mtReceivedTime"] == delivered["mtReceivedTime"]


async def test_flags_off_keep_the_documented_minimal_shape(
    client: TestClient[Any, Any], auth: dict[str, str], receiver: Receiver
) -> None:
    await send(client, auth, acknowledgement=True)
    await advance(client, 3)
    assert set(receiver.acks[0]) == {"messageId", "recipient", "status", "message"}


async def test_request_callbacks_replace_the_account_setting(
    client: TestClient[Any, Any], auth: dict[str, str], receiver: Receiver
) -> None:
    await send(client, auth, acknowledgement=True, callback=[f"{receiver.url}/acks", f"{receiver.url}/acks?copy=1"])
    await advance(client, 3)
    assert len(receiver.acks) == 2
    deliveries = (await (await client.get("/__admin/callbacks")).json())["callbacks"]
    assert sorted(d["url"] for d in deliveries) == [f"{receiver.url}/acks", f"{receiver.url}/acks?copy=1"]


async def test_oauth2_callback_gets_a_token_first(
    client: TestClient[Any, Any], auth: dict[str, str], receiver: Receiver
) -> None:
    target = {
        "url": f"{receiver.url}/acks",
        "authType": "OAUTH2",
        "oAuth2": {"oAuthClient": "cb-client", "oAuthSecret": "cb-secret", "tokenUrl": f"{receiver.url}/token"},
    }
    await send(client, auth, acknowledgement=True, callback=[target])
    await advance(client, 3)
    assert len(receiver.acks) == 1
    assert receiver.headers[-1]["Authorization"] == "Bearer receiver-token"


async def test_failed_callbacks_are_retried_recorded_and_replayable(
    client: TestClient[Any, Any], auth: dict[str, str], receiver: Receiver
) -> None:
    receiver.script = [503, 500]
    await send(client, auth, acknowledgement=True)
    await advance(client, 1)
    [delivery] = (await (await client.get("/__admin/callbacks")).json())["callbacks"]
    assert [a["status"] for a in delivery["attempts"]] == [503]
    assert delivery["state"] == "PENDING"
    await advance(client, 60)
    delivery = await (await client.get(f"/__admin/callbacks/{delivery['id']}")).json()
    assert [a["status"] for a in delivery["attempts"]] == [503, 500, 200]
    assert delivery["state"] == "DELIVERED"
    replayed = await (await client.post(f"/__admin/callbacks/{delivery['id']}/replay")).json()
    assert len(replayed["attempts"]) == 4
    assert len(receiver.acks) == 2


async def test_account_callbacks_can_be_changed_at_runtime(
    client: TestClient[Any, Any], auth: dict[str, str], receiver: Receiver
) -> None:
    response = await client.put(
        "/__admin/accounts/demo/callbacks",
        json={"status_callback": {"url": f"{receiver.url}/acks?v=2", "oauth2": {
            "client_id": "cb-client", "client_secret": "cb-secret", "token_url": f"{receiver.url}/token"}}},
    )  # fmt: skip
    assert response.status == 200, await response.text()
    body = await response.json()
    assert body["status_callback"]["url"].endswith("/acks?v=2")
    assert body["mo_callback"]["url"].endswith("/mo"), "an omitted key keeps its value"
    await send(client, auth, acknowledgement=True)
    await advance(client, 3)
    assert receiver.headers[-1]["Authorization"] == "Bearer receiver-token"
    bad = await client.put("/__admin/accounts/demo/callbacks", json={"status_callback": "ftp://x"})
    assert bad.status == 400
    assert (await bad.json())["field"] == "status_callback.url"
    missing = await client.put("/__admin/accounts/nobody/callbacks", json={})
    assert missing.status == 404


async def test_injected_mo_reaches_the_account_and_links_to_the_message(
    client: TestClient[Any, Any], auth: dict[str, str], receiver: Receiver
) -> None:
    order_id = await send(client, auth, origin="12345")
    response = await client.post("/__admin/mo", json={"from": f"+{NUMBER}", "to": "12345", "text": "Merci ✓"})
    assert response.status == 201, await response.text()
    assert (await response.json())["in_reply_to"] == order_id
    await advance(client, 0)
    [mo] = receiver.mos
    assert mo["parameters"]["dcs"] == "UTF8"
    assert bytes.fromhex(mo["message"]).decode() == "Merci ✓"
    assert mo["msisdn"] == f"+{NUMBER}"
    listed = await (await client.get(f"/__admin/mo?from=%2B{NUMBER}")).json()
    assert [m["text"] for m in listed["mo"]] == ["Merci ✓"]


@pytest.mark.parametrize(
    ("body", "field"),
    [({"to": "12345", "text": "x"}, "from"), ({"from": "abc", "to": "1", "text": "x"}, "from"),
     ({"from": "447700909001", "text": "x"}, "to"), ({"from": "447700909001", "to": "1"}, "text")],
)  # fmt: skip
async def test_mo_injection_rejects_bad_input(client: TestClient[Any, Any], body: dict[str, str], field: str) -> None:
    response = await client.post("/__admin/mo", json=body)
    assert response.status == 400
    assert (await response.json())["field"] == field


async def test_clock_endpoints(client: TestClient[Any, Any]) -> None:
    before = await (await client.get("/__admin/clock")).json()
    assert before["mode"] == "virtual"
    after = await (await client.post("/__admin/clock/advance", json={"to": "2026-01-02T00:00:00Z"})).json()
    assert after["now"] == "2026-01-02T00:00:00.000Z"
    back = await client.post("/__admin/clock/advance", json={"to": "2025-01-01T00:00:00Z"})
    assert back.status == 400
    for bad in ({}, {"seconds": -1}, {"seconds": "ten"}, {"to": "tomorrow"}, {"to": "2026-01-03T00:00:00"}):
        response = await client.post("/__admin/clock/advance", json=bad)
        assert response.status == 400, bad


async def test_reset_forgets_callbacks_waiting_for_a_retry(
    client: TestClient[Any, Any], auth: dict[str, str], receiver: Receiver
) -> None:
    receiver.script = [503]
    await send(client, auth, acknowledgement=True)
    await advance(client, 1)
    assert (await (await client.get("/__admin/callbacks")).json())["callbacks"][0]["state"] == "PENDING"
    assert (await client.delete("/__admin/state")).status == 200
    await advance(client, 3600)
    assert (await (await client.get("/__admin/callbacks")).json())["callbacks"] == []
    assert receiver.acks == []
