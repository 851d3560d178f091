"""TestService, GetCreditsLeft, TestSendSMS and GetSMSInbound, in TextApp's XML and CSV answers."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from mockgateway.clock import FakeClock
from mockgateway.config import DEMO_ACCOUNT, Settings
from mockgateway.domain.model import Account, SendRequest
from mockgateway.domain.queries import EventQuery, MessageQuery
from mockgateway.http.app import create_app
from mockgateway.service.gateway import Gateway
from tests.conftest import AiohttpClient
from tests.dialects.textapp.conftest import PATH, post, send_params

LOGIN = {"externalLogin": "demo-login", "password": "demo-password"}
OK = "<Transaction><Code>1</Code><Description>Transaction OK</Description></Transaction>"
INBOUND = "+447700900555"


async def test_test_service_checks_the_login(client: TestClient[Any, Any]) -> None:
    running = await post(client, LOGIN, method="TestService")
    refused = await post(client, {**LOGIN, "password": "nope"}, method="testservice")

    assert (
        running == f"<TestServiceResponse>{OK}<Company></Company><Status>Service Running</Status></TestServiceResponse>"
    )
    assert refused.startswith("<TestServiceResponse><Transaction><Code>201</Code>"), refused


async def test_credits_left_goes_down_by_one_per_part_sent(client: TestClient[Any, Any]) -> None:
    before = await post(client, LOGIN, method="GetCreditsLeft")
    await post(client, send_params(destinations="+447700900001,+447700900002", body="x" * 200))
    after = await post(client, {**LOGIN, "returnCSVString": "true"}, method="GetCreditsLeft")

    assert before == f"<GetCreditLeftResponse>{OK}<CreditLeft>10000.00</CreditLeft></GetCreditLeftResponse>"
    assert after == "#1#Transaction OK\r\n9996.00\r\n", "two destinations of two parts each"


async def test_a_reset_refills_the_credits(client: TestClient[Any, Any]) -> None:
    await post(client, send_params(body="x" * 200))
    spent = await post(client, {**LOGIN, "returnCSVString": "true"}, method="GetCreditsLeft")
    assert (await client.post("/__admin/reset")).status in (200, 204)
    refilled = await post(client, {**LOGIN, "returnCSVString": "true"}, method="GetCreditsLeft")

    assert (spent, refilled) == ("#1#Transaction OK\r\n9998.00\r\n", "#1#Transaction OK\r\n10000.00\r\n")


async def test_credits_left_needs_a_login(client: TestClient[Any, Any]) -> None:
    text = await post(client, {"externalLogin": "demo-login"}, method="GetCreditsLeft")
    assert text.startswith("<GetCreditLeftResponse><Transaction><Code>302</Code>"), text


async def test_test_send_sms_answers_as_send_sms_and_sends_nothing(
    client: TestClient[Any, Any], gateway: Gateway
) -> None:
    params = send_params(destinations="+447700900001;07700900002")
    tested = await post(client, params, method="TestSendSMS")
    sent_nothing = (await gateway.messages(MessageQuery(provider="textapp"))).total
    sent = await post(client, params, method="SendSMS")

    assert sent_nothing == 0
    assert tested == sent.replace("SendSMSResponse", "TestSendSMSResponse")
    assert "<Number>07700900002</Number><Code>361</Code>" in tested


async def test_test_send_sms_refuses_what_send_sms_refuses(client: TestClient[Any, Any]) -> None:
    text = await post(client, send_params(originator="TwelveChars1"), method="TestSendSMS")
    assert text.startswith("<TestSendSMSResponse><Transaction><Code>332</Code>"), text


async def test_inbound_messages_to_a_number_each_handed_out_once(
    client: TestClient[Any, Any], gateway: Gateway, clock: FakeClock
) -> None:
    clock.advance(3661)
    await gateway.inject_mo("+447700900123", INBOUND, "join the club & more", account="demo")
    await gateway.inject_mo("+447700900124", "+447700900556", "another number", account="demo")
    query = {"number": "00447700900555", "keyword": "", **LOGIN}

    first = await post(client, query, method="GetSMSInbound")
    again = await post(client, query, method="getsmsinbound")

    assert first == (
        f"<GetSMSInboundResponse>{OK}<SMSInbounds><InboundSMS><ID>2390851129</ID><Originator>+447700900123</Originator><Destination>+447700900555</Destination><Keyword>JOIN</Keyword>"
        "<Date>2026-01-01</Date><Time>01:01:01</Time><Body>join the club &amp; more</Body><Network></Network>"
        "</InboundSMS></SMSInbounds></GetSMSInboundResponse>"
    )
    assert again == (
        "<GetSMSInboundResponse><Transaction><Code>3</Code><Description>Transaction returns no result "
        "(number: nothing new for 00447700900555)</Description></Transaction></GetSMSInboundResponse>"
    )


async def test_inbound_keyword_and_csv(client: TestClient[Any, Any], gateway: Gateway) -> None:
    await gateway.inject_mo("+447700900123", INBOUND, "stop now", account="demo")
    await gateway.inject_mo("+447700900124", INBOUND, "Join us, please", account="demo")
    query = {"number": INBOUND, "keyword": "join", "returnCSVString": "true", **LOGIN}

    text = await post(client, query, method="GetSMSInbound")

    lines = text.split("\r\n")
    assert lines[0] == "#1#Transaction OK"
    assert lines[1].split(",", 1)[1] == '+447700900124,+447700900555,JOIN,2026-01-01,00:00:00,"Join us, please",'
    assert lines[2:] == [""]


async def test_inbound_leaves_out_replies_to_another_provider_s_messages(
    client: TestClient[Any, Any], gateway: Gateway
) -> None:
    through_livelink = SendRequest(
        account="demo", provider="livelink", destinations=("447700900031",), text="Hi", origin=INBOUND.lstrip("+")
    )
    await gateway.send(through_livelink)  # the handset replies "YES please" 33 s later
    await gateway.advance(60)
    await gateway.inject_mo("+447700900124", INBOUND, "Join us", account="demo")
    assert [mo.text for mo in await gateway.mos(EventQuery(account="demo"))] == ["YES please", "Join us"]

    text = await post(client, {"number": INBOUND, "keyword": "", "returnCSVString": "true", **LOGIN}, "GetSMSInbound")

    assert [line.split(",")[6] for line in text.split("\r\n")[1:-1]] == ["Join us"]


async def test_inbound_needs_a_number(client: TestClient[Any, Any]) -> None:
    missing = await post(client, LOGIN, method="GetSMSInbound")
    too_long = await post(client, {"number": "+" + "4" * 17, **LOGIN}, method="GetSMSInbound")
    keyword = await post(client, {"number": INBOUND, "keyword": "k" * 21, **LOGIN}, method="GetSMSInbound")

    assert missing.startswith("<GetSMSInboundResponse><Transaction><Code>309</Code>"), missing
    assert "(number: required" in missing
    assert too_long.startswith("<GetSMSInboundResponse><Transaction><Code>335</Code>"), too_long
    assert keyword.startswith("<GetSMSInboundResponse><Transaction><Code>336</Code>"), keyword


async def test_new_methods_by_get_as_well(client: TestClient[Any, Any]) -> None:
    response = await client.get(f"{PATH}?method=TestService&externallogin=demo-login&password=demo-password")
    assert "<Status>Service Running</Status>" in await response.text()


async def test_test_send_sms_checks_the_sender_belongs_to_the_account(aiohttp_client: AiohttpClient) -> None:
    shop = Account(name="shop", credentials={"textapp": {"login": "shop", "password": "pw"}}, origins=("Shop",))
    client = await aiohttp_client(create_app(Settings(clock="virtual", seed=7, accounts=(DEMO_ACCOUNT, shop))))
    login = {"externalLogin": "shop", "password": "pw"}

    own = await post(client, send_params(originator="Shop", **login), method="TestSendSMS")
    other = await post(client, send_params(originator="Other", **login), method="TestSendSMS")

    assert own.startswith("<TestSendSMSResponse><Transaction><Code>1</Code>"), own
    assert other.startswith("<TestSendSMSResponse><Transaction><Code>201</Code>"), other
    assert "(originator: 'Other' is not registered to this account)" in other
