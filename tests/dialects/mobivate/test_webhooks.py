"""Webhook registration sets the account's Mobivate receipt and incoming targets; a click URL is only kept."""

from __future__ import annotations

import pytest

from mockgateway.domain.model import CallbackTarget
from mockgateway.service.gateway import Gateway
from tests.dialects.mobivate.conftest import Client, call

URL = "https://client.example/hooks"


async def test_receipt_and_incoming_urls_become_the_mobivate_callbacks(client: Client, gateway: Gateway) -> None:
    assert await call(client, "POST", "/webhooks/receipt", {"url": f"{URL}/dlr"}) == {
        "type": "receipt",
        "url": f"{URL}/dlr",
    }
    assert await call(client, "POST", "/webhooks/incoming", {"url": f"{URL}/mo"}) == {
        "type": "incoming",
        "url": f"{URL}/mo",
    }
    account = gateway.account("demo")
    assert (account.status_target("mobivate"), account.mo_target("mobivate")) == (
        CallbackTarget(url=f"{URL}/dlr"),
        CallbackTarget(url=f"{URL}/mo"),
    )


async def test_registration_leaves_the_other_providers_targets_alone(client: Client, gateway: Gateway) -> None:
    """A Live Link or TextApp receiver of the same account must not start getting Mobivate's JSON."""
    wide = CallbackTarget(url="https://client.example/all")
    gateway.set_account_callbacks("demo", status=wide, mo=wide)
    await call(client, "POST", "/webhooks/receipt", {"url": f"{URL}/dlr"})
    await call(client, "POST", "/webhooks/incoming", {"url": f"{URL}/mo"})
    account = gateway.account("demo")
    assert (account.status_callback, account.mo_callback) == (wide, wide)
    for provider in ("livelink", "textapp", "smsmode"):
        assert (account.status_target(provider), account.mo_target(provider)) == (wide, wide)
    assert account.status_target("mobivate") == CallbackTarget(url=f"{URL}/dlr")


@pytest.mark.parametrize("kind", ["receipt", "incoming"])
async def test_registering_again_replaces_the_url(client: Client, gateway: Gateway, kind: str) -> None:
    await call(client, "POST", f"/webhooks/{kind}", {"url": f"{URL}/one"})
    await call(client, "POST", f"/webhooks/{kind}", {"url": f"{URL}/two"})
    account = gateway.account("demo")
    target = account.status_target("mobivate") if kind == "receipt" else account.mo_target("mobivate")
    other = account.mo_target("mobivate") if kind == "receipt" else account.status_target("mobivate")
    assert target is not None
    assert (target.url, other) == (f"{URL}/two", None)


async def test_a_click_url_is_accepted_and_leaves_the_callbacks_alone(client: Client, gateway: Gateway) -> None:
    assert await call(client, "POST", "/webhooks/click", {"url": f"{URL}/click"}) == {
        "type": "click",
        "url": f"{URL}/click",
    }
    account = gateway.account("demo")
    assert (account.status_target("mobivate"), account.mo_target("mobivate")) == (None, None)
