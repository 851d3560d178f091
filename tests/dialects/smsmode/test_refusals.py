"""smsmode bills nothing for a recipient it refuses (3999): not at send time, not in the delivery report."""

from __future__ import annotations

from mockgateway.service.gateway import Gateway
from tests.dialects.smsmode.conftest import Client, Receiver, http_get, send_http, send_rest

BLOCKED = "+447700900013"  #: the shipped failed-blocked-recipient scenario
STOPPED = "+33612345678"


async def test_an_opted_out_recipient_needs_and_costs_no_credit(client: Client, gateway: Gateway) -> None:
    gateway.opt_out("demo", STOPPED)
    before = int(await http_get(client, "credit.do"))
    sms_id = await send_http(client, numero=STOPPED)
    assert int(await http_get(client, "credit.do")) == before
    await gateway.advance(5)
    assert await http_get(client, "smsStatus.do", smsID=sms_id) == "3999 | Blacklisted: the recipient replied STOP"
    assert int(await http_get(client, "credit.do")) == before


async def test_a_blocked_recipient_is_reported_once_as_3999_without_cost(
    client: Client, gateway: Gateway, receiver: Receiver
) -> None:
    before = int(await http_get(client, "credit.do"))
    await send_rest(
        client, {"recipient": {"to": BLOCKED}, "body": {"text": "Hi"}, "callbackUrlStatus": receiver.url("/s")}
    )
    await send_http(client, numero=BLOCKED, notification_url=receiver.url("/dlr"))
    await gateway.advance(60)
    [report] = receiver.on("/dlr")
    query = dict(report.query)
    assert (query["statut"], query["cost"]) == ("3999", "0")
    [status] = receiver.on("/s")
    assert (status.json()["status"]["code"], status.json()["cost"]) == (3999, 0)
    assert int(await http_get(client, "credit.do")) == before, "a refused message is never billed"
