"""Webhook registration sets the account's receipt and incoming targets; a click URL is only kept."""

from __future__ import annotations

import pytest

from mockgateway.service.gateway import Gateway
from tests.dialects.mobivate.conftest import Client, call

URL = "https://client.example/hooks"


async def test_receipt_and_incoming_urls_become_the_account_callbacks(client: Client, gateway: Gateway) -> None:
    assert await call(client, "POST", "/webhooks/receipt", {"url": f"{URL}/dlr"}) == {
        "type": "receipt",
        "url": f"{URL}/dlr",
    }
    assert await call(client, "POST", "/webhooks/incoming", {"url": f"{URL}/mo"}) == {
        "type": "incoming",
        "url": f"{URL}/mo",
    }
    account = gateway.account("demo")
    assert account.status_callback is not None
    assert account.mo_callback is not None
    assert (account.status_callback.url, account.mo_callback.url) == (f"{URL}/dlr", f"{URL}/mo")


@pytest.mark.parametrize("kind", ["receipt", "incoming"])
async def test_registering_again_replaces_the_url(client: Client, gateway: Gateway, kind: str) -> None:
    await call(client, "POST", f"/webhooks/{kind}", {"url": f"{URL}/one"})
    await call(client, "POST", f"/webhooks/{kind}", {"url": f"{URL}/two"})
    account = gateway.account("demo")
    target = account.status_callback if kind == "receipt" else account.mo_callback
    other = account.mo_callback if kind == "receipt" else account.status_callback
    assert target is not None
    assert (target.url, other) == (f"{URL}/two", None)


async def test_a_click_url_is_accepted_and_leaves_the_callbacks_alone(client: Client, gateway: Gateway) -> None:
    assert await call(client, "POST", "/webhooks/click", {"url": f"{URL}/click"}) == {
        "type": "click",
        "url": f"{URL}/click",
    }
    account = gateway.account("demo")
    assert (account.status_callback, account.mo_callback) == (None, None)
