"""``originator``: a sender name of at most 11 characters or a number of at most 15 digits, in every send."""

from __future__ import annotations

import pytest

from mockgateway.domain.queries import MessageQuery
from mockgateway.service.gateway import Gateway
from tests.dialects.mobivate.conftest import SINGLE, Client, call

ACCEPTED = [
    ("Test", "Test"),
    ("Sender ID", "Sender ID"),  # the documentation's own example has a space
    ("ElevenChars", "ElevenChars"),
    ("Shop 24-7 A", "Shop 24-7 A"),
    ("12345678901", "12345678901"),
    ("447700900123456", "447700900123456"),
    ("+447700900123", "+447700900123"),
    (" Padded ", "Padded"),
]
REFUSED = ["TwelveLetter", "Sender ID 12", "Shop12345678", "4477009001234567", "Café", "Brand!", "+Brand"]


@pytest.mark.parametrize(("given", "sent"), ACCEPTED)
async def test_a_single_send_takes_a_short_name_or_a_number(client: Client, given: str, sent: str) -> None:
    body = await call(client, "POST", "/send/single", {**SINGLE, "originator": given})
    assert body["originator"] == sent


@pytest.mark.parametrize("given", REFUSED)
async def test_a_single_send_refuses_a_longer_name(client: Client, gateway: Gateway, given: str) -> None:
    answer = await call(client, "POST", "/send/single", {**SINGLE, "originator": given}, status=400)
    assert answer == {
        "code": 400,
        "message": f"originator: {given!r} is not a sender name of up to 11 characters or a number of up to 15 digits",
    }
    assert (await gateway.messages(MessageQuery())).total == 0


@pytest.mark.parametrize(("given", "sent"), ACCEPTED)
async def test_a_batch_takes_a_short_name_or_a_number(client: Client, given: str, sent: str) -> None:
    messages = [{"originator": given, "recipient": "447400100001", "text": "Hi"}]
    body = await call(client, "POST", "/send/batch", {"routeId": "mglobal", "messages": messages})
    assert [r["originator"] for r in body["recipients"]] == [sent]


@pytest.mark.parametrize("given", REFUSED)
async def test_a_batch_with_a_longer_name_sends_nothing(client: Client, gateway: Gateway, given: str) -> None:
    messages = [
        {"originator": "Test", "recipient": "447400100001", "text": "Hi"},
        {"originator": given, "recipient": "447400100002", "text": "Hi"},
    ]
    answer = await call(client, "POST", "/send/batch", {"routeId": "mglobal", "messages": messages}, status=400)
    assert answer["message"].startswith(f"messages[1].originator: {given!r} is not a sender name of up to 11")
    assert (await gateway.messages(MessageQuery())).total == 0
