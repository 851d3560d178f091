"""Every shipped scenario end to end: HTTP send, virtual clock, ACKs and MOs at a real receiver."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mockgateway.service.gateway import Gateway
from tests.conftest import parked
from tests.e2e.conftest import Receiver

ACKS_WANTED = {"acknowledgement": True, "ackType": "MESSAGE", "origin": "12345"}
DAY = 86400


async def send(client: TestClient[Any, Any], auth: dict[str, str], to: str, text: str = "Hello", **more: Any) -> Any:
    response = await client.post(
        "/api/v2/sms", json={"destination": [to], "message": text, **ACKS_WANTED, **more}, headers=auth
    )
    return response.status, await response.json()


async def advance(client: TestClient[Any, Any], seconds: float) -> None:
    response = await client.post("/__admin/clock/advance", json={"seconds": seconds})
    assert response.status == 200, await response.text()


FINAL_ERRORS = [
    ("447700900010", "DB62"),
    ("447700900011", "DB65"),
    ("447700900012", "DB78"),
    ("447700900014", "4503"),
    ("447700900015", "DB05"),
    ("447700900016", "DB76"),
    ("447700900017", "DB52"),
    ("447700900018", "DB99"),
]


@pytest.mark.parametrize(("number", "code"), FINAL_ERRORS)
async def test_each_livelink_error_ends_in_a_final_negative(
    client: TestClient[Any, Any], auth: dict[str, str], receiver: Receiver, number: str, code: str
) -> None:
    status, _ = await send(client, auth, number)
    assert status == 200
    await advance(client, 2)
    assert receiver.statuses() == [("SENT", None)]
    await advance(client, 1)
    assert receiver.statuses() == [("SENT", None), ("ERROR", code)]
    await advance(client, DAY)
    assert len(receiver.acks) == 2, "nothing follows a final negative"


async def test_a_blocked_recipient_is_refused_first_and_only(
    client: TestClient[Any, Any], auth: dict[str, str], receiver: Receiver
) -> None:
    status, _ = await send(client, auth, "447700900013", ackFinalStatus=True)
    assert status == 200
    await advance(client, 1)
    assert receiver.statuses() == [("ERROR", "4524")]
    assert (receiver.acks[0]["retriable"], receiver.acks[0]["finalStatus"]) == (False, True)
    await advance(client, DAY)
    assert len(receiver.acks) == 1, "never SENT, and nothing follows the refusal"


@pytest.mark.parametrize(
    ("number", "timeline"),
    [
        ("447700900001", [(1, "SENT"), (3, "DELIVERED"), (6, "RECEIVED")]),
        ("447700900002", [(60, "SENT"), (3660, "DELIVERED"), (3663, "RECEIVED")]),
        ("447700900003", [(1, "SENT"), (61, "ERROR"), (3661, "DELIVERED"), (3664, "RECEIVED")]),
        ("447700909999", [(1, "SENT"), (3, "DELIVERED"), (6, "RECEIVED")]),
    ],
    ids=["happy-path", "slow-delivery", "retry-then-deliver", "default"],
)
async def test_delivery_timelines(
    client: TestClient[Any, Any],
    auth: dict[str, str],
    receiver: Receiver,
    number: str,
    timeline: list[tuple[int, str]],
) -> None:
    await send(client, auth, number)
    elapsed = 0.0
    for index, (at, wire_status) in enumerate(timeline):
        await advance(client, at - elapsed - 0.5)
        assert len(receiver.acks) == index, f"{wire_status} came before {at}s"
        await advance(client, 0.5)
        elapsed = at
        assert [s for s, _ in receiver.statuses()] == [s for _, s in timeline[: index + 1]], at
    await advance(client, DAY)
    assert len(receiver.acks) == len(timeline)


async def test_retry_then_deliver_reports_a_temporary_error_the_customer_must_not_retry(
    client: TestClient[Any, Any], auth: dict[str, str], receiver: Receiver
) -> None:
    """Live Link's error codes (DB62 ...) belong to final negatives; while it retries, the customer must wait."""
    await send(client, auth, "447700900003", ackFinalStatus=True)
    await advance(client, DAY)
    errors = [ack for ack in receiver.acks if ack["status"] == "ERROR"]
    assert [(e.get("errorCode"), e["retriable"], e["finalStatus"]) for e in errors] == [(None, False, False)]
    # The handset's RECEIVED is final, as a handset acknowledgement was asked for; the SMS-C's DELIVERED is not.
    assert [(ack["status"], ack["finalStatus"]) for ack in receiver.acks[-2:]] == [
        ("DELIVERED", False),
        ("RECEIVED", True),
    ]


@pytest.mark.parametrize(("period", "seconds"), [("30m", 1800), ("3h", 10800), ("2d", 172800), ("1w", 604800)])
async def test_validity_expiry_honours_the_requested_period(
    client: TestClient[Any, Any], auth: dict[str, str], receiver: Receiver, period: str, seconds: int
) -> None:
    await send(client, auth, "447700900020", validityPeriod=period)
    await advance(client, seconds - 1)
    assert receiver.statuses() == [("SENT", None)]
    await advance(client, 1)
    assert receiver.statuses() == [("SENT", None), ("ERROR", "DB65")]


async def test_validity_expiry_without_a_period_uses_48_hours(
    client: TestClient[Any, Any], auth: dict[str, str], receiver: Receiver
) -> None:
    await send(client, auth, "447700900020")
    await advance(client, 48 * 3600 - 1)
    assert receiver.statuses() == [("SENT", None)]
    await advance(client, 1)
    assert receiver.statuses()[-1] == ("ERROR", "DB65")


@pytest.mark.parametrize(
    ("number", "text", "sender"),
    [
        ("447700900030", "STOP", "+447700900030"),
        ("447700900031", "YES please", "+447700900031"),
        ("447700900032", "This is my new number", "+447700900999"),
    ],
)
async def test_handset_replies(
    client: TestClient[Any, Any], auth: dict[str, str], receiver: Receiver, number: str, text: str, sender: str
) -> None:
    _, body = await send(client, auth, number)
    order_id = body["livelinkOrderIds"][0]["livelinkOrderId"][0]
    await advance(client, 6 + 29)  # the handset ACK (RECEIVED) at 6 s is the last status; its reply 30 s later
    assert receiver.mos == []
    await advance(client, 1)
    [mo] = receiver.mos
    assert (mo["message"], mo["msisdn"], mo["originatingAddress"]) == (text, sender, "12345")
    assert mo["parameters"]["messageId"] == order_id
    assert mo["parameters"]["keyword"] == text.split()[0].upper()


async def test_stop_opts_the_handset_out_of_later_messages(
    client: TestClient[Any, Any], auth: dict[str, str], receiver: Receiver
) -> None:
    await send(client, auth, "447700900030")
    await advance(client, 60)
    receiver.acks.clear()
    status, _ = await send(client, auth, "447700900030", text="Are you still there?")
    assert status == 200
    await advance(client, 60)
    assert receiver.statuses() == [("ERROR", "4524")], "refused first and only: never SENT"


SEND_FAILURES = [
    ("447700900040", 429, "30"),
    ("447700900041", 500, None),
    ("447700900042", 401, None),
    ("447700900043", 403, None),
    ("447700900046", 502, None),
    ("447700900047", 503, "60"),
]


@pytest.mark.parametrize(("number", "status", "retry_after"), SEND_FAILURES)
async def test_send_time_failures_store_nothing(
    client: TestClient[Any, Any], auth: dict[str, str], number: str, status: int, retry_after: str | None
) -> None:
    response = await client.post("/api/v2/sms", json={"destination": [number], "message": "Hi"}, headers=auth)
    assert response.status == status
    assert response.headers.get("Retry-After") == retry_after
    assert (await response.json())["httpStatusCode"].startswith(str(status))
    listed = await (await client.get("/__admin/messages")).json()
    assert listed["total"] == 0


async def test_gateway_timeout_is_answered_after_10_s(
    client: TestClient[Any, Any], gateway: Gateway, auth: dict[str, str]
) -> None:
    sending = asyncio.create_task(send(client, auth, "447700900048"))
    await parked(gateway)
    await advance(client, 9.5)
    assert not sending.done()
    await advance(client, 0.5)
    status, body = await sending
    assert (status, body["httpStatusCode"]) == (504, "504 GATEWAY_TIMEOUT")


async def test_order_created_but_not_sent(
    client: TestClient[Any, Any], auth: dict[str, str], receiver: Receiver
) -> None:
    status, body = await send(client, auth, "447700900044")
    assert status == 201
    assert body["livelinkOrderIds"][0]["livelinkOrderId"]
    await advance(client, DAY)
    assert receiver.acks == []


async def test_slow_send_is_answered_then_delivered(
    client: TestClient[Any, Any], gateway: Gateway, auth: dict[str, str], receiver: Receiver
) -> None:
    sending = asyncio.create_task(send(client, auth, "447700900045"))
    await parked(gateway)
    await advance(client, 10)
    status, _ = await sending
    assert status == 200
    assert [s for s, _ in receiver.statuses()] == ["SENT", "DELIVERED", "RECEIVED"]


async def test_multipart_where_part_two_fails(
    client: TestClient[Any, Any], auth: dict[str, str], receiver: Receiver
) -> None:
    _, body = await send(client, auth, "447700900060", text="x" * 200)
    first, second = body["livelinkOrderIds"][0]["livelinkOrderId"]
    await advance(client, 10)
    assert receiver.statuses(first) == [("SENT", None), ("DELIVERED", None), ("RECEIVED", None)]
    assert receiver.statuses(second) == [("SENT", None), ("ERROR", "DB52")]
    message = await (await client.get(f"/__admin/messages/{first}")).json()
    assert message["status"] == "FAILED"


async def test_flaky_fails_about_half_the_time_and_replays_with_the_seed(
    client: TestClient[Any, Any], auth: dict[str, str], receiver: Receiver
) -> None:
    for _ in range(20):
        await send(client, auth, "447700900050")
    await advance(client, 10)
    finals = [s for s, _ in receiver.statuses() if s != "SENT"]
    failed = finals.count("ERROR")
    assert 3 <= failed <= 17, finals
    assert "RECEIVED" in finals
