"""SendSMS on the happy path: golden XML and CSV answers, how numbers and names may be written."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from mockgateway.domain.model import Encoding
from mockgateway.domain.queries import MessageQuery
from mockgateway.service.gateway import Gateway
from tests.dialects.textapp.conftest import NUMBER, PATH, golden, post, send_params


async def test_xml_answer_lists_every_destination_with_its_own_code(
    client: TestClient[Any, Any], gateway: Gateway
) -> None:
    text = await post(client, send_params(destinations="+447700900123, 07700900124,00447700900125"))

    assert text == golden("send_ok.xml")
    page = await gateway.messages(MessageQuery(provider="textapp"))
    assert sorted(m.destination for m in page.items) == ["447700900123", "447700900125"], "the bad number is not sent"


async def test_csv_answer(client: TestClient[Any, Any]) -> None:
    response = await client.post(
        f"{PATH}?method=SendSMS", data=send_params(returnCSVString="true", destinations=f"{NUMBER},bad")
    )

    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert await response.text() == golden("send_ok.csv").replace("\n", "\r\n") + "\r\n"


async def test_xml_content_type(client: TestClient[Any, Any]) -> None:
    response = await client.post(f"{PATH}?method=SendSMS", data=send_params())
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"


async def test_get_with_lower_case_names_and_an_unencoded_plus(client: TestClient[Any, Any], gateway: Gateway) -> None:
    """As integrations in the wild write it: every name in lower case, '+' left raw (it arrives as a space)."""
    query = (
        "method=sendsms&returncsvstring=false&externallogin=demo-login&password=demo-password"
        "&clientbillingreference=n&clientmessagereference=n&originator=+442035152233&destinations=+447700900123"
        "&body=Your+pin+is+1234&validity=72&charactersetid=2&replymethodid=4&replydata=&statusnotificationurl="
    )
    response = await client.get(f"{PATH}?{query}")

    assert "<Code>1</Code><Description>Transaction OK" in await response.text()
    [message] = (await gateway.messages(MessageQuery(provider="textapp"))).items
    assert (message.destination, message.origin, message.text) == ("447700900123", "442035152233", "Your pin is 1234")


async def test_plus_encoded_as_percent_2b(client: TestClient[Any, Any], gateway: Gateway) -> None:
    response = await client.get(
        f"{PATH}?method=SendSMS&" + "&".join(f"{k}={v}" for k, v in send_params(destinations="%2b447700900123").items())
    )
    assert "<Number>+447700900123</Number><Code>1</Code>" in await response.text()


async def test_repeated_destinations_are_joined(client: TestClient[Any, Any], gateway: Gateway) -> None:
    form = [(k, v) for k, v in send_params(destinations=None).items()]
    form += [("destinations", "+447700900001"), ("destinations", "+447700900002")]
    response = await client.post(f"{PATH}?method=SendSMS", data=form)

    assert (await response.text()).count("<Code>1</Code></Destination>") == 2


async def test_the_query_string_wins_over_the_form(client: TestClient[Any, Any], gateway: Gateway) -> None:
    await client.post(f"{PATH}?method=SendSMS&body=from-query", data=send_params(body="from-form"))
    [message] = (await gateway.messages(MessageQuery(provider="textapp"))).items
    assert message.text == "from-query"


async def test_what_is_kept_with_the_message(client: TestClient[Any, Any], gateway: Gateway) -> None:
    await post(
        client,
        send_params(validity="24", statusNotificationUrl="https://example.com/dlr.aspx", clientMessageReference="r-9"),
    )
    [message] = (await gateway.messages(MessageQuery(provider="textapp"))).items
    assert message.validity_s == 24 * 3600
    assert message.client_ref == "r-9"
    assert [c.url for c in message.callbacks] == ["https://example.com/dlr.aspx"]
    assert message.origin == "MyShop"
    assert message.option("clientBillingReference") == "billing-1"


async def test_reply_path_methods_send_from_textapps_number(client: TestClient[Any, Any], gateway: Gateway) -> None:
    """With replyMethodID 2, 3 or 5 the docs ask for an empty originator: the reply-path number is used."""
    await post(client, send_params(replyMethodID="3", originator="Ignored"))
    [message] = (await gateway.messages(MessageQuery(provider="textapp"))).items
    assert message.origin == "+447700900000"


async def test_unicode_character_set(client: TestClient[Any, Any], gateway: Gateway) -> None:
    await post(client, send_params(characterSetID="1", body="Привет"))
    [message] = (await gateway.messages(MessageQuery(provider="textapp"))).items
    assert (message.encoding, message.text) == (Encoding.UCS2, "Привет")


async def test_gsm_character_set_replaces_what_gsm_cannot_carry(client: TestClient[Any, Any], gateway: Gateway) -> None:
    await post(client, send_params(characterSetID="2", body="Café ☕ à 5€"))
    [message] = (await gateway.messages(MessageQuery(provider="textapp"))).items
    assert (message.encoding, message.text) == (Encoding.GSM7, "Café ? à 5€")


async def test_method_name_in_the_form_body(client: TestClient[Any, Any]) -> None:
    response = await client.post(PATH, data={"method": "sendSMS", **send_params()})
    assert "<Code>1</Code>" in await response.text()


async def test_phone_number_originator_may_have_spaces(client: TestClient[Any, Any], gateway: Gateway) -> None:
    await post(client, send_params(replyMethodID="4", originator="+44 20 3515 2233"))
    [message] = (await gateway.messages(MessageQuery(provider="textapp"))).items
    assert message.origin == "+442035152233"


async def test_destinations_separated_by_semicolons_or_commas(client: TestClient[Any, Any], gateway: Gateway) -> None:
    text = await post(client, send_params(destinations="+447700900001;+447700900002,+447700900003; "))

    assert text.count("<Code>1</Code></Destination>") == 3
    sent = (await gateway.messages(MessageQuery(provider="textapp"))).items
    assert sorted(m.destination for m in sent) == ["447700900001", "447700900002", "447700900003"]


async def test_alphanumeric_originator_of_eleven_characters(client: TestClient[Any, Any], gateway: Gateway) -> None:
    """Eleven characters is the most a sender name may have; the twelfth is refused with 332."""
    accepted = await post(client, send_params(originator="ElevenChars"))
    refused = await post(client, send_params(originator="TwelveChars1"))

    assert "<Transaction><Code>1</Code>" in accepted
    assert refused.startswith("<SendSMSResponse><Transaction><Code>332</Code>"), refused
    [message] = (await gateway.messages(MessageQuery(provider="textapp"))).items
    assert message.origin == "ElevenChars"


async def test_empty_status_url_is_kept_as_asking_for_no_notifications(
    client: TestClient[Any, Any], gateway: Gateway
) -> None:
    await post(client, send_params(statusNotificationUrl=" ", clientMessageReference="empty"))
    await post(client, send_params(statusNotificationUrl=None, clientMessageReference="absent"))

    sent = {m.client_ref: m for m in (await gateway.messages(MessageQuery(provider="textapp"))).items}
    assert (sent["empty"].callbacks, sent["empty"].option("statusNotificationUrl")) == ((), "")
    assert (sent["absent"].callbacks, sent["absent"].option("statusNotificationUrl")) == ((), None)
