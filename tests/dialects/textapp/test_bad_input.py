"""Refused calls: each answers HTTP 200 with TextApp's transaction code and a description naming the parameter."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mockgateway.domain.queries import MessageQuery
from mockgateway.scenario.model import OnSend, Scenario
from mockgateway.service.gateway import Gateway
from tests.dialects.textapp.conftest import PATH, golden, post, send_params

_CODE = re.compile(r"<Code>(\d+)</Code><Description>([^<]*)</Description>")

P = pytest.param
CASES = [
    P({"returnCSVString": "maybe"}, 366, "returnCSVString", id="366-csv-flag"),
    P({"externalLogin": None}, 301, "externalLogin", id="301-login"),
    P({"externalLogin": "  "}, 301, "externalLogin", id="301-blank-login"),
    P({"password": None}, 302, "password", id="302-password"),
    P({"password": "wrong"}, 201, "externalLogin", id="201-password"),
    P({"externalLogin": "nobody"}, 201, "externalLogin", id="201-login"),
    P({"clientBillingReference": None}, 303, "clientBillingReference", id="303"),
    P({"clientMessageReference": ""}, 304, "clientMessageReference", id="304"),
    P({"originator": None}, 305, "originator", id="305-alpha"),
    P({"originator": "", "replyMethodID": "4"}, 305, "originator", id="305-number"),
    P({"destinations": None}, 306, "destinations", id="306"),
    P({"destinations": " , "}, 306, "destinations", id="306-only-commas"),
    P({"body": None}, 307, "body", id="307"),
    P({"body": "   "}, 307, "body", id="307-blank"),
    P({"replyMethodID": "5", "replyData": ""}, 308, "replyData", id="308-url"),
    P({"replyMethodID": "2", "replyData": None}, 308, "replyData", id="308-email"),
    P({"validity": None}, 311, "validity", id="311"),
    P({"characterSetID": None}, 313, "characterSetID", id="313"),
    P({"replyMethodID": None}, 314, "replyMethodID", id="314"),
    P({"clientBillingReference": "b" * 129}, 330, "clientBillingReference", id="330"),
    P({"clientMessageReference": "r" * 129}, 331, "clientMessageReference", id="331"),
    P({"originator": "TwelveLetter"}, 332, "originator", id="332-alpha"),
    P({"originator": "+" + "4" * 17, "replyMethodID": "4"}, 332, "originator", id="332-number"),
    P({"destinations": ",".join(["+447700900123"] * 1001)}, 333, "destinations", id="333"),
    P({"body": "a" * 460}, 334, "body", id="334-gsm"),
    P({"body": "a" * 199, "characterSetID": "1"}, 334, "body", id="334-unicode"),
    P({"originator": "MyShop", "replyMethodID": "4"}, 360, "originator", id="360-alpha-for-number"),
    P({"originator": "+447700900999", "replyMethodID": "1"}, 360, "originator", id="360-number-for-alpha"),
    P({"originator": "My!Shop"}, 360, "originator", id="360-characters"),
    P({"destinations": "07700900123,abc"}, 361, "destinations", id="361"),
    P({"validity": "0"}, 362, "validity", id="362-zero"),
    P({"validity": "73"}, 362, "validity", id="362-above"),
    P({"validity": "1d"}, 362, "validity", id="362-not-a-number"),
    P({"validity": "1_0"}, 362, "validity", id="362-python-only-syntax"),
    P({"destinations": "+٤٤٧٧٠٠٩٠٠١٢٣"}, 361, "destinations", id="361-non-ascii-digits"),
    P({"characterSetID": "3"}, 363, "characterSetID", id="363"),
    P({"replyMethodID": "6"}, 364, "replyMethodID", id="364"),
    P({"replyMethodID": "x"}, 364, "replyMethodID", id="364-not-a-number"),
    P({"statusNotificationUrl": "ftp://example.com/x"}, 399, "statusNotificationUrl", id="399-status-url"),
    P({"statusNotificationUrl": "https:///x"}, 399, "statusNotificationUrl", id="399-status-url-no-host"),
    P({"statusNotificationUrl": "http://e.com:99999/"}, 399, "statusNotificationUrl", id="399-status-url-bad-port"),
    P({"statusNotificationUrl": "https://e.com/" + "x" * 2048}, 399, "statusNotificationUrl", id="399-url-long"),
    P({"replyMethodID": "5", "replyData": "not a url"}, 399, "replyData", id="399-reply-url"),
    P({"replyMethodID": "2", "replyData": "nobody"}, 399, "replyData", id="399-reply-email"),
]


@pytest.mark.parametrize(("overrides", "code", "field"), CASES)
async def test_refused_with_its_code(
    client: TestClient[Any, Any], gateway: Gateway, overrides: dict[str, str | None], code: int, field: str
) -> None:
    text = await post(client, send_params(**overrides))

    [(got, description)] = _CODE.findall(text)[:1]
    assert int(got) == code, text
    assert text.startswith("<SendSMSResponse>")
    assert field in description, f"the description should name {field}: {description}"
    assert (await gateway.messages(MessageQuery(provider="textapp"))).total == 0


async def test_missing_body_golden(client: TestClient[Any, Any]) -> None:
    assert await post(client, send_params(body=None)) == golden("send_missing_body.xml")


async def test_all_destinations_bad_golden(client: TestClient[Any, Any]) -> None:
    assert await post(client, send_params(destinations="07700900123,+44abc")) == golden("send_all_bad.xml")


async def test_error_as_csv(client: TestClient[Any, Any]) -> None:
    text = await post(client, send_params(returnCSVString="True", validity="100"))
    assert text == "#362#Validity out of range (validity: '100' is not 1-72)\r\n"


@pytest.mark.parametrize("method", ["Foo", ""])
async def test_unknown_method(client: TestClient[Any, Any], method: str) -> None:
    text = await post(client, send_params(), method=method)
    assert text == golden("method_not_found.xml").replace("{method}", method)


async def test_missing_fields_are_reported_in_code_order(client: TestClient[Any, Any]) -> None:
    text = await post(client, send_params(clientBillingReference=None, body=None, validity="0"))
    assert "<Code>303</Code>" in text


async def test_login_is_checked_before_the_message(client: TestClient[Any, Any]) -> None:
    text = await post(client, send_params(password="wrong", body=None))
    assert "<Code>201</Code>" in text


async def test_body_larger_than_the_server_takes_is_413_naming_the_limit(client: TestClient[Any, Any]) -> None:
    response = await client.post(f"{PATH}?method=SendSMS", data=b"x" * (1024 * 1024 + 1))
    text = await response.text()
    assert response.status == 413
    assert text.startswith("<Response><Transaction><Code>399</Code>"), text
    assert "1048576 bytes" in text


async def test_form_that_is_not_utf8(client: TestClient[Any, Any]) -> None:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    response = await client.post(f"{PATH}?method=SendSMS", data=b"body=\xff\xfe", headers=headers)
    assert "<Code>399</Code>" in await response.text()


async def test_a_form_of_one_name_given_half_a_million_times_is_read_at_once(client: TestClient[Any, Any]) -> None:
    """A name's values are joined once: joined as they came, every repeat copied the string so far, and this 1 MiB
    form held the server for seconds of CPU (the bound is several times what the joining once takes)."""
    form = b"a&" * 500_000
    started = time.process_time()
    response = await client.post(PATH, data=form, headers={"Content-Type": "application/x-www-form-urlencoded"})
    used = time.process_time() - started
    assert "<Code>365</Code>" in await response.text()  # no method: refused, once read
    assert used < 1.5


@pytest.mark.parametrize(
    ("respond", "status", "code"),
    [P(429, 200, 5, id="rate-limited"), P(403, 200, 201, id="forbidden"), P(500, 500, 2, id="provider-failure")],
)
async def test_scenario_answers_on_send(
    client: TestClient[Any, Any], gateway: Gateway, respond: int, status: int, code: int
) -> None:
    gateway.scenarios = (Scenario(name="answer", on_send=OnSend(respond=respond)),)
    response = await client.post(f"{PATH}?method=SendSMS", data=send_params())
    text = await response.text()

    assert response.status == status
    assert f"<SendSMSResponse><Transaction><Code>{code}</Code>" in text
