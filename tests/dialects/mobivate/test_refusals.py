"""Mobivate refuses an opted-out recipient: 403 at /send/single; in a batch that keeps opt-outs, the message's
only receipt is its refusal, and its log record costs nothing."""

from __future__ import annotations

from mockgateway.dialects.mobivate.wire import hex_id
from mockgateway.domain.queries import MessageQuery
from mockgateway.service.gateway import Gateway
from tests.dialects.mobivate.conftest import SINGLE, Client, Hooks, call

STOPPED = "447400100002"
BLOCKED = "447700900013"  #: the shipped failed-blocked-recipient scenario


async def test_send_single_to_an_opted_out_recipient_is_403_and_creates_nothing(
    client: Client, gateway: Gateway
) -> None:
    gateway.opt_out("demo", STOPPED)
    answer = await call(client, "POST", "/send/single", {**SINGLE, "recipient": STOPPED}, status=403)
    assert answer == {"code": 403, "message": f"Recipient is opted out: {STOPPED}"}
    await gateway.advance(60)
    assert (await gateway.messages(MessageQuery())).total == 0


async def test_a_batch_keeping_opt_outs_refuses_them_first_and_only_and_bills_nothing(
    client: Client, gateway: Gateway, hooks: Hooks
) -> None:
    await call(client, "POST", "/webhooks/receipt", {"url": hooks.url("/receipt")})
    gateway.opt_out("demo", STOPPED)
    messages = [{"originator": "Shop", "recipient": number, "text": "Hi"} for number in (STOPPED, BLOCKED)]
    batch = {"routeId": "mglobal", "excludeOptouts": False, "messages": messages}
    campaign = await call(client, "POST", "/send/batch", batch)
    assert [r["recipient"] for r in campaign["recipients"]] == [STOPPED, BLOCKED]
    await gateway.advance(60)
    receipts = [(body["status"], body["statusCode"]) for body in hooks.bodies("/receipt")]
    assert receipts == [("FAILED_RECIPIENT_BLACKLISTED", 19)] * 2
    for message in (await gateway.messages(MessageQuery())).items:
        record = await call(client, "GET", f"/message/{hex_id(message.id)}")
        assert (record["status"], record["cost"]) == ("FAILED_RECIPIENT_BLACKLISTED", 0)


async def test_a_delivered_message_is_still_billed(client: Client, gateway: Gateway) -> None:
    sent = await call(client, "POST", "/send/single", SINGLE)
    await gateway.advance(60)
    (message,) = (await gateway.messages(MessageQuery())).items
    record = await call(client, "GET", f"/message/{hex_id(message.id)}")
    assert record["status"] == "DELIVERED"
    assert record["cost"] > 0, sent
