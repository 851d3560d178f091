"""HTTP API 1.6 beyond sending: pseudo/pass login, deleteSMS.do, smsList.do, responseList.do, sendSMSBatch.do."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import FormData

from mockgateway.config import DEMO_ACCOUNT, Settings
from mockgateway.dialects.smsmode import form_data
from mockgateway.dialects.smsmode.form_data import parts
from mockgateway.domain.model import Account
from mockgateway.domain.queries import EventQuery, MessageQuery
from mockgateway.http.app import create_app
from mockgateway.service.gateway import Gateway
from tests.dialects.smsmode.conftest import (
    Client,
    Receiver,
    golden_text,
    http_get,
    needs_paris_time,
    send_http,
)

pytestmark = needs_paris_time

PSEUDO = {"accessToken": "", "pseudo": "demo", "pass": "demo-smsmode-pass"}
CSV = (
    '"numero","message","emetteur"\n'
    '"0612345678","Bonjour Anne, votre RDV est à 10h","RDV","ref123"\n'
    '33698765432,"Bonjour Paul, ligne 2",,\n'
).encode("iso-8859-15")


async def _reply(client: Client, gateway: Gateway, handset: str, text: str) -> str:
    response = await client.post("/__admin/mo", json={"from": "+" + handset, "to": "36100", "text": text})
    assert response.status == 201, await response.text()
    await gateway.drain()
    return (await gateway.mos(EventQuery()))[-1].id


async def _upload(client: Client, csv: bytes, **params: str) -> str:
    form = FormData()
    form.add_field("fichier", csv, filename="ignored.csv", content_type="text/csv")
    query = {"accessToken": "demo-smsmode1"} | params
    response = await client.post("/http/1.6/sendSMSBatch.do", params=query, data=form)
    assert response.status == 200
    return await response.text()


# -- pseudo + pass ------------------------------------------------------------------------------------------
async def test_pseudo_and_pass_log_in_to_every_method(client: Client, gateway: Gateway) -> None:
    sms_id = await send_http(client, **PSEUDO)
    assert await http_get(client, "smsStatus.do", smsID=sms_id, **PSEUDO) == "1 | In progress"
    assert await http_get(client, "compteRendu.do", smsID=sms_id, **PSEUDO) == "33612345678 1"
    assert await http_get(client, "credit.do", **PSEUDO) == "999999"
    assert (await http_get(client, "smsList.do", **PSEUDO)).startswith(f"{sms_id} | ")
    assert await http_get(client, "responseList.do", **PSEUDO) == ""
    assert (await _upload(client, CSV, **PSEUDO)).startswith("0 | Accepted | ")
    assert await http_get(client, "deleteSMS.do", smsID=sms_id, **PSEUDO) == "0 | SMS message deleted"


@pytest.mark.parametrize(
    "login",
    [
        {"pseudo": "demo", "pass": "wrong"},
        {"pseudo": "demo"},
        {"pseudo": "nobody", "pass": "demo-smsmode-pass"},
        {"pseudo": "demo", "pass": "demo-smsmode-pass", "accessToken": "unknown-token"},
    ],
)
@pytest.mark.parametrize("endpoint", ["sendSMS.do", "credit.do", "smsList.do", "responseList.do", "deleteSMS.do"])
async def test_wrong_login_is_an_authentication_error(client: Client, endpoint: str, login: dict[str, str]) -> None:
    params = {"accessToken": "", "numero": "0612345678", "message": "Hi", "smsID": "AAAAAAAAAAAA"} | login
    assert await http_get(client, endpoint, **params) == "32 | Authentication error"


# -- deleteSMS.do ---------------------------------------------------------------------------------------------
async def test_delete_a_scheduled_message(client: Client, gateway: Gateway, receiver: Receiver) -> None:
    dlr = receiver.url("/dlr")
    sms_id = await send_http(client, numero="0612345678,0698765432", date_envoi="01012026-02:00", notification_url=dlr)
    assert await http_get(client, "credit.do") == "999998"
    assert await http_get(client, "deleteSMS.do", smsID=sms_id) == "0 | SMS message deleted"
    assert await http_get(client, "credit.do") == "1000000"  # never sent: refunded
    assert await http_get(client, "smsStatus.do", smsID=sms_id) == "61 | SMS not found"
    await gateway.advance(7200)
    assert receiver.on("/dlr") == []
    assert (await gateway.messages(MessageQuery())).total == 0


async def test_delete_the_latest_send_to_a_number(client: Client, gateway: Gateway) -> None:
    first = await send_http(client, numero="0612345678")
    latest = await send_http(client, numero="0612345678,0698765432")
    assert await http_get(client, "deleteSMS.do", numero="+33612345678") == "0 | SMS message deleted"
    assert await http_get(client, "smsStatus.do", smsID=latest) == "61 | SMS not found"
    assert await http_get(client, "smsStatus.do", smsID=first) == "1 | In progress"
    assert await http_get(client, "credit.do") == "999997"  # sent at once: billed


@pytest.mark.parametrize(
    ("params", "line"),
    [
        ({}, "35 | Missing mandatory parameter: smsID"),
        ({"smsID": "AAAAAAAAAAAA"}, "61 | SMS not found"),
        ({"numero": "0611111111"}, "61 | SMS not found"),
        ({"numero": "12"}, "35 | Invalid parameter: numero: '12' is not a phone number (06…, 07…, 336… or +336…)"),
    ],
)
async def test_delete_refused(client: Client, params: dict[str, str], line: str) -> None:
    await send_http(client)
    assert await http_get(client, "deleteSMS.do", **params) == line


# -- smsList.do -----------------------------------------------------------------------------------------------
async def test_sent_list_newest_first(client: Client, gateway: Gateway) -> None:
    first = await send_http(client, message="Bonjour\nà demain", numero="0612345678")
    await gateway.advance(90)
    second = await send_http(client, message="x" * 200, numero="0698765432,33611111111")
    body = await http_get(client, "smsList.do")
    assert body == golden_text("sms_list.txt", first=first, second=second)
    assert await http_get(client, "smsList.do", offset="1") == body.split("\n\n")[0]


@pytest.mark.parametrize("offset", ["0", "x", "10001"])
async def test_sent_list_bad_offset(client: Client, offset: str) -> None:
    line = await http_get(client, "smsList.do", offset=offset)
    assert line == "35 | Invalid parameter: offset: must be a whole number from 1 to 10000"


# -- responseList.do ------------------------------------------------------------------------------------------
async def test_reply_list_newest_first_by_page_and_by_dates(client: Client, gateway: Gateway) -> None:
    sms_id = await send_http(client, numero="0612345678")
    await gateway.advance(60)
    first = await _reply(client, gateway, "33612345678", "Oui")
    await gateway.advance(3600)
    second = await _reply(client, gateway, "33612345678", "Non,\nmerci")
    body = await http_get(client, "responseList.do")
    assert body == golden_text("response_list.txt", smsID=sms_id, **_response_ids(first, second))
    lines = body.splitlines()
    assert await http_get(client, "responseList.do", start="1", offset="1") == lines[1]
    assert await http_get(client, "responseList.do", offset="1") == lines[0]
    window = {"startDate": "01012026-01:00", "endDate": "01012026-01:59"}
    assert await http_get(client, "responseList.do", **window) == lines[1]


def _response_ids(*mo_ids: str) -> dict[str, str]:
    from mockgateway.dialects.smsmode.wire import alnum_id

    return {f"responseID{index}": alnum_id(mo_id) for index, mo_id in enumerate(mo_ids, start=1)}


@pytest.mark.parametrize(
    ("params", "line"),
    [
        ({"startDate": "01012026-00:00"}, "35 | Invalid parameter: endDate: startDate and endDate go together"),
        (
            {"startDate": "01012026-00:00", "endDate": "02012026-00:00", "start": "5"},
            "35 | Invalid parameter: start: start and offset cannot be used with startDate and endDate",
        ),
        (
            {"startDate": "2026-01-01", "endDate": "02012026-00:00"},
            "35 | Invalid parameter: startDate: '2026-01-01' is not a date as ddMMyyyy-HH:mm",
        ),
        (
            {"startDate": "02012026-00:00", "endDate": "01012026-00:00"},
            "35 | Invalid parameter: endDate: must not be before startDate",
        ),
        (
            {"startDate": "01012026-00:00", "endDate": "\u0660\u0662012026-00:00"},
            "35 | Invalid parameter: endDate: '\u0660\u0662012026-00:00' is not a date as ddMMyyyy-HH:mm",
        ),
        ({"start": "-1"}, "35 | Invalid parameter: start: must be a whole number from 0 to 2147483648"),
    ],
)
async def test_reply_list_refused(client: Client, params: dict[str, str], line: str) -> None:
    assert await http_get(client, "responseList.do", **params) == line


# -- sendSMSBatch.do ------------------------------------------------------------------------------------------
async def test_batch_sends_one_message_per_line(client: Client, gateway: Gateway) -> None:
    line = await _upload(client, CSV, emetteur="Shop", refClient="batch-1")
    code, description, campaign_id = line.split(" | ")
    assert (code, description) == ("0", "Accepted")
    assert await http_get(client, "compteRendu.do", smsID=campaign_id) == "33612345678 1 | 33698765432 1"
    messages = sorted((await gateway.messages(MessageQuery())).items, key=lambda m: m.destination)
    assert [(m.text, m.origin, m.client_ref, m.option("smsID")) for m in messages] == [
        ("Bonjour Anne, votre RDV est à 10h", "RDV", "ref123", campaign_id),
        ("Bonjour Paul, ligne 2", "Shop", "batch-1", campaign_id),
    ]
    assert await http_get(client, "credit.do") == "999998"


@pytest.mark.parametrize(
    ("csv", "line"),
    [
        (b"0612345678,Hello\n12,Hello\n", "35 | Invalid parameter: fichier: line 2: numero: '12' is not a phone"),
        (b"0612345678,\n", "35 | Invalid parameter: fichier: line 1: Missing mandatory parameter: message"),
        (b"0612345678,Hi,ABCDEFGHIJKL\n", "35 | Invalid parameter: fichier: line 1: emetteur: must be 1 to 11"),
        (b'"numero","message"\n\n', "35 | Invalid parameter: fichier: has no line to send"),
        (
            b'0612345678,Hello\n0698765432,"' + b"x" * 200_000,
            "35 | Invalid parameter: fichier: line 2: a field is longer than 131072 characters (a quote left open?)",
        ),
    ],
)
async def test_batch_with_a_bad_line_sends_nothing(client: Client, gateway: Gateway, csv: bytes, line: str) -> None:
    assert (await _upload(client, csv)).startswith(line)
    assert (await gateway.messages(MessageQuery())).total == 0


async def test_batch_lines_may_end_in_a_carriage_return_alone(client: Client, gateway: Gateway) -> None:
    """As a spreadsheet on a Mac saves CSV; the line numbers still count them."""
    assert (await _upload(client, b"0612345678,Hello\r0698765432,Hi\r")).startswith("0 | Accepted | ")
    assert sorted(m.text for m in (await gateway.messages(MessageQuery())).items) == ["Hello", "Hi"]
    line = await _upload(client, b"0612345678,Hello\r12,Hi\r")
    assert line.startswith("35 | Invalid parameter: fichier: line 2: numero: '12'")


async def test_batch_with_an_unregistered_sender_sends_nothing(aiohttp_client: Any) -> None:
    shop = Account(
        name="shop", credentials={"smsmode": {"access_token": "shop-token", "api_key": "k"}}, origins=("Shop",)
    )
    settings = Settings(clock="virtual", seed=7, accounts=(DEMO_ACCOUNT, shop))
    client = await aiohttp_client(create_app(settings))
    csv = b"0612345678,Hello,Shop\n0698765432,Hello,Other\n"
    line = await _upload(client, csv, accessToken="shop-token")
    assert line == "35 | Invalid parameter: fichier: line 2: emetteur: 'Other' is not registered to this account"
    assert await http_get(client, "smsList.do", accessToken="shop-token") == ""


async def test_batch_file_may_come_as_a_plain_field(client: Client, gateway: Gateway) -> None:
    """``curl -F fichier=<file.csv`` sends the file's content as a form field, without a filename."""
    body = b'--XyZ\r\nContent-Disposition: form-data; name="fichier"\r\n\r\n0612345678,Hello\r\n--XyZ--\r\n'
    headers = {"Content-Type": "multipart/form-data; boundary=XyZ"}
    response = await client.post("/http/1.6/sendSMSBatch.do?accessToken=demo-smsmode1", data=body, headers=headers)
    assert (await response.text()).startswith("0 | Accepted | ")
    assert [m.text for m in (await gateway.messages(MessageQuery())).items] == ["Hello"]


async def test_batch_without_a_file(client: Client) -> None:
    line = await http_get(client, "sendSMSBatch.do")
    assert line == "35 | Missing mandatory parameter: fichier"


async def test_batch_body_is_read_once(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    """The form's fields and its file come from one reading of the body: a large upload is not read twice."""
    reads: list[bytes] = []

    def counted(content_type: str, body: bytes) -> dict[str, tuple[bytes, bool]]:
        reads.append(body)
        return parts(content_type, body)

    monkeypatch.setattr(form_data, "parts", counted)
    assert (await _upload(client, CSV, emetteur="Shop")).startswith("0 | Accepted | ")
    assert len(reads) == 1
