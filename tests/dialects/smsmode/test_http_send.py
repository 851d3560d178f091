"""sendSMS.do: parameters as real clients send them (charsets, forms, numbers), part caps, scheduling, credit."""

from __future__ import annotations

import asyncio

import pytest

from mockgateway.dialects.smsmode import backend
from mockgateway.domain.model import CallbackTarget, Message, SendRequest
from mockgateway.domain.queries import MessageQuery
from mockgateway.scenario.model import Match, OnSend, Scenario
from mockgateway.service.gateway import Gateway
from mockgateway.service.intake import Accepted
from tests.conftest import T0, next_turn
from tests.dialects.smsmode.conftest import (
    TOKEN,
    Client,
    Receiver,
    deliveries,
    http_get,
    needs_paris_time,
    query_of,
    send_http,
    statuts,
)


async def _messages(gateway: Gateway) -> list[Message]:
    return list(reversed((await gateway.messages(MessageQuery(provider="smsmode"))).items))


async def _raw_send(client: Client, method: str, data: bytes, content_type: str | None = None) -> str:
    if method == "GET":
        response = await client.get("/http/1.6/sendSMS.do?" + data.decode("ascii"))
    else:
        headers = {"Content-Type": content_type or "application/x-www-form-urlencoded"}
        response = await client.post("/http/1.6/sendSMS.do", data=data, headers=headers)
    assert response.status == 200
    return await response.text()


@pytest.mark.parametrize(
    ("method", "encoded", "text"),
    [
        ("GET", b"caf%E9+%A410", "café €10"),  # ISO-8859-15, as smsmode asks
        ("GET", b"caf%C3%A9+%E2%82%AC10", "café €10"),  # UTF-8
        ("POST", b"caf%E9+%A410", "café €10"),
        ("POST", b"caf\xe9 \xa410", "café €10"),  # raw ISO-8859-15 bytes, not percent-encoded
        ("POST", "café €10".encode(), "café €10"),  # raw UTF-8 bytes
    ],
)
async def test_message_charsets(client: Client, gateway: Gateway, method: str, encoded: bytes, text: str) -> None:
    line = await _raw_send(client, method, b"accessToken=" + TOKEN.encode() + b"&numero=0612345678&message=" + encoded)
    assert line.startswith("0 | Accepted | ")
    (message,) = await _messages(gateway)
    assert message.text == text


async def test_multipart_form(client: Client, gateway: Gateway) -> None:
    """PHP's curl with an array of fields sends multipart/form-data."""
    parts = [(b"accessToken", TOKEN.encode()), (b"numero", b"0712345678"), (b"message", b"R\xe9ponse attendue")]
    body = b"".join(
        b'--XyZ\r\nContent-Disposition: form-data; name="' + name + b'"\r\n\r\n' + value + b"\r\n"
        for name, value in parts
    )
    line = await _raw_send(client, "POST", body + b"--XyZ--\r\n", "multipart/form-data; boundary=XyZ")
    assert line.startswith("0 | Accepted | ")
    (message,) = await _messages(gateway)
    assert (message.destination, message.text) == ("33712345678", "Réponse attendue")


def _form(parts: list[tuple[bytes, bytes]], boundary: bytes = b"XyZ", eol: bytes = b"\r\n") -> bytes:
    """A multipart/form-data body: each part's Content-Disposition parameters after ``form-data; ``, and value."""
    body = b""
    for params, value in parts:
        body += b"--" + boundary + eol + b"Content-Disposition: form-data; " + params + eol + eol + value + eol
    return body + b"--" + boundary + b"--" + eol


FIELDS = [(b'name="accessToken"', TOKEN.encode()), (b'name="numero"', b"0712345678"), (b"name=message", b"Hi")]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        pytest.param(_form(FIELDS, eol=b"\n"), "multipart/form-data; boundary=XyZ", id="bare-line-feeds"),
        pytest.param(_form(FIELDS, b"a b:c"), 'multipart/form-data; boundary="a b:c"', id="quoted-boundary"),
        pytest.param(b"preamble\r\n" + _form(FIELDS) + b"epilogue", "multipart/form-data; boundary=XyZ", id="preamble"),
        pytest.param(
            _form([*FIELDS, (b'name="emetteur"; filename="e.txt"', b"not a sender")]),
            "multipart/form-data; boundary=XyZ",
            id="a-file-is-no-parameter",
        ),
        pytest.param(
            _form([(b'name="message"', b"first"), *FIELDS]), "multipart/form-data; boundary=XyZ", id="last-wins"
        ),
        pytest.param(
            _form([(b'name="acc\\essToken"', TOKEN.encode()), *FIELDS[1:]]),
            "multipart/form-data; boundary=XyZ",
            id="escaped-name",
        ),
    ],
)
async def test_multipart_form_shapes(client: Client, gateway: Gateway, body: bytes, content_type: str) -> None:
    line = await _raw_send(client, "POST", body, content_type)
    assert line.startswith("0 | Accepted | "), line
    (message,) = await _messages(gateway)
    assert (message.destination, message.text) == ("33712345678", "Hi")


async def test_a_form_nested_in_a_part_is_not_read(client: Client, gateway: Gateway) -> None:
    """Form data is flat (RFC 7578): a multipart part holding another is not opened, however deep it goes."""
    body = b""
    for depth in range(2000):
        body += b"--b%d\r\nContent-Type: multipart/form-data; boundary=b%d\r\n\r\n" % (depth, depth + 1)
    body += _form(FIELDS, b"b2000")
    line = await _raw_send(client, "POST", body, "multipart/form-data; boundary=b0")
    assert line == "32 | Authentication error"
    assert await _messages(gateway) == []


async def test_numbers_national_and_international(client: Client, gateway: Gateway) -> None:
    numbers = "0612345678, 0712345678,33611111111,+33622222222,0033633333333,447700900123"
    sms_id = await send_http(client, numero=numbers)
    expected = ["33612345678", "33712345678", "33611111111", "33622222222", "33633333333", "447700900123"]
    assert [m.destination for m in await _messages(gateway)] == expected
    report = await http_get(client, "compteRendu.do", smsID=sms_id)
    assert report == " | ".join(f"{number} 1" for number in expected)


@pytest.mark.parametrize(
    ("classe", "length", "cap", "kept", "parts"),
    [
        ("2", 200, "1", 160, 1),
        ("2", 400, "2", 306, 2),
        ("2", 500, "3", 459, 3),
        ("2", 900, None, 765, 5),  # default cap: 5 parts of 153
        ("2", 300, None, 300, 2),  # under the cap: untouched
        ("9", 100, "1", 70, 1),
        ("9", 200, "2", 134, 2),
        ("9", 300, "3", 201, 3),
        ("9", 300, "4", 268, 4),
        ("9", 400, None, 335, 5),
    ],
)
async def test_nbr_msg_truncates(
    client: Client, gateway: Gateway, classe: str, length: int, cap: str | None, kept: int, parts: int
) -> None:
    text = ("0123456789" * 100)[:length]
    params = {"message": text, "classe_msg": classe} | ({"nbr_msg": cap} if cap else {})
    await send_http(client, **params)
    (message,) = await _messages(gateway)
    assert (message.text, len(message.part_ids)) == (text[:kept], parts)
    assert message.encoding.value == ("UCS2" if classe == "9" else "GSM7")


async def test_gsm_extension_characters_count_twice(client: Client, gateway: Gateway) -> None:
    await send_http(client, message="€" * 100, nbr_msg="1")
    (message,) = await _messages(gateway)
    assert message.text == "€" * 80


@needs_paris_time
async def test_date_envoi_schedules(client: Client, gateway: Gateway, receiver: Receiver) -> None:
    """02:00 French time on 1 January is 01:00 UTC, an hour after the test clock's start."""
    sms_id = await send_http(client, date_envoi="01012026-02:00", notification_url=receiver.url("/dlr"))
    assert await http_get(client, "smsStatus.do", smsID=sms_id) == "10 | Scheduled, waiting for its sending time"
    await gateway.advance(3599)
    assert await http_get(client, "compteRendu.do", smsID=sms_id) == "33612345678 10"
    await gateway.advance(1)  # 02:00: handed over, no report yet
    assert await http_get(client, "compteRendu.do", smsID=sms_id) == "33612345678 1"
    assert receiver.on("/dlr") == []
    await gateway.advance(1)
    (report,) = receiver.on("/dlr")
    assert dict(report.query)["date_reception"] == "2026-01-01 02:00:01"
    assert dict(report.query)["statut"] == "0"


async def test_date_envoi_in_the_past_sends_now(client: Client, gateway: Gateway) -> None:
    await send_http(client, date_envoi="31122025-23:00")
    (message,) = await _messages(gateway)
    assert message.created_at == T0


async def test_long_message_reports_per_recipient(client: Client, gateway: Gateway, receiver: Receiver) -> None:
    """Two parts: one "sent" report, "partially delivered" for the first part, "delivered" once both are."""
    await send_http(client, message="x" * 200, notification_url=receiver.url("/dlr"))
    await gateway.advance(10)
    items = await deliveries(gateway)
    assert statuts(items) == ["0", "12", "14"]
    assert {query_of(d.call.url)["cost"] for d in items} == {"2"}


async def test_account_status_callback_is_the_default(client: Client, gateway: Gateway, receiver: Receiver) -> None:
    gateway.set_account_callbacks("demo", status=None, mo=None)
    await send_http(client)
    await gateway.advance(10)
    assert await deliveries(gateway) == []
    gateway.set_account_callbacks("demo", status=CallbackTarget(url=receiver.url("/account")), mo=None)
    await send_http(client)
    await gateway.advance(10)
    assert [dict(hit.query)["statut"] for hit in receiver.on("/account")] == ["0", "14"]


async def test_credit_goes_down_and_runs_out(client: Client, gateway: Gateway, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backend, "DEMO_CREDIT", 5)
    assert await http_get(client, "credit.do") == "5"
    await send_http(client, numero="0612345678,0712345678", message="x" * 200)  # 2 recipients x 2 parts
    assert await http_get(client, "credit.do") == "1"
    line = await http_get(client, "sendSMS.do", message="x" * 200, numero="0612345678")
    assert line == "33 | Insufficient credit"
    assert len(await _messages(gateway)) == 2


async def test_sends_at_once_never_spend_past_the_credit(
    client: Client, gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backend, "DEMO_CREDIT", 1)
    send = gateway.send

    async def send_after_a_turn(request: SendRequest) -> Accepted:  # as a store shared by replicas would
        await next_turn()
        return await send(request)

    monkeypatch.setattr(gateway, "send", send_after_a_turn)
    lines = await asyncio.gather(*(http_get(client, "sendSMS.do", message="Hi", numero="0612345678") for _ in range(3)))
    assert sorted(line.split(" | ")[1] for line in lines) == ["Accepted", "Insufficient credit", "Insufficient credit"]
    assert await http_get(client, "credit.do") == "0"
    assert len(await _messages(gateway)) == 1


@pytest.mark.parametrize(
    ("respond", "line"),
    [(401, "32 | Authentication error"), (429, "50 | Temporarily unavailable"), (500, "31 | Internal error")],
)
async def test_scenario_send_failures(client: Client, gateway: Gateway, respond: int, line: str) -> None:
    gateway.scenarios = (Scenario(name="down", match=Match(provider="smsmode"), on_send=OnSend(respond=respond)),)
    assert await http_get(client, "sendSMS.do", message="Hello", numero="0612345678") == line
