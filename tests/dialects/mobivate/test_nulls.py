"""An explicit ``null`` for an optional field means the same as leaving the field out."""

from __future__ import annotations

from typing import Any

from mockgateway.domain.queries import MessageQuery
from mockgateway.service.gateway import Gateway
from tests.dialects.mobivate.conftest import SINGLE, Client, Hooks, assert_golden, call, golden

SINGLE_OPTIONALS = ("reference", "campaignId", "callbackURL")
CAMPAIGN_OPTIONALS = (
    "name", "scheduleDateTime", "shortenUrls", "spreadHours", "excludeOptouts", "excludeDuplicates", "callbackURL",
)  # fmt: skip
MESSAGE_OPTIONALS = ("reference", "routeId")
MESSAGES = [
    {"originator": "Test", "recipient": "44700011122", "text": "Hi Ann"},
    {"originator": "Test", "recipient": "44700011133", "text": "Hi Bob"},
]


def nulls(data: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {**data, **dict.fromkeys(names)}


async def test_single_send_with_null_optionals_answers_as_without(client: Client) -> None:
    body = await call(client, "POST", "/send/single", nulls(golden("send_single.request.json"), SINGLE_OPTIONALS))
    assert_golden("send_single.response.json", body)
    log = await call(client, "GET", f"/message/{body['id']}")
    assert (log["senderReference"], log["campaignId"]) == (None, None)


async def test_a_null_callback_url_leaves_receipts_to_the_webhook(
    client: Client, gateway: Gateway, hooks: Hooks
) -> None:
    await call(client, "POST", "/webhooks/receipt", {"url": hooks.url("/receipt")})
    await call(client, "POST", "/send/single", {**SINGLE, "callbackURL": None})
    await gateway.advance(10)
    assert [r["status"] for r in hooks.bodies("/receipt")] == ["INTERIM_ACKNOWLEDGED", "DELIVERED"]


async def test_batch_with_null_optionals_answers_as_without(client: Client, gateway: Gateway) -> None:
    plain = await call(client, "POST", "/send/batch", {"routeId": "mglobal", "messages": MESSAGES})
    with_nulls = {
        **nulls({"routeId": "mglobal"}, CAMPAIGN_OPTIONALS),
        "messages": [nulls(m, MESSAGE_OPTIONALS) for m in MESSAGES],
    }
    nulled = await call(client, "POST", "/send/batch", with_nulls)
    assert plain["id"] != nulled["id"]
    assert {**nulled, "id": plain["id"]} == plain
    assert (nulled["name"], nulled["scheduleDateTime"], nulled["shortenUrls"], nulled["spreadHours"]) == (
        None,
        None,
        False,
        0,
    )
    assert [r["routeId"] for r in nulled["recipients"]] == [None, None]
    page = await gateway.messages(MessageQuery(provider="mobivate"))
    assert [(m.option("routeId"), m.client_ref) for m in page.items] == [("mglobal", None)] * 4
