"""``GatewayHandle.reset`` puts every callback target back as configured, each provider's own included."""

from __future__ import annotations

from mockgateway.bootstrap import build_gateway
from mockgateway.config import Settings
from mockgateway.domain.model import Account, CallbackTarget, CallbackTargets
from mockgateway.service.gateway import Gateway
from mockgateway.testing.handle import GatewayHandle

WIDE = CallbackTarget(url="https://hooks.example/all")
TEXTAPP = CallbackTarget(url="https://hooks.example/textapp")


def configured() -> Account:
    return Account(
        name="demo",
        credentials={"textapp": {"login": "l", "password": "p"}, "mobivate": {"api_key": "k"}},
        status_callback=WIDE,
        provider_callbacks={"textapp": CallbackTargets(status=TEXTAPP)},
    )


async def test_reset_restores_the_account_wide_and_each_providers_targets() -> None:
    settings = Settings(clock="virtual", seed=7, accounts=(configured(),))
    gateway: Gateway = build_gateway(settings)
    handle = GatewayHandle(gateway, "http://127.0.0.1:1", settings)
    changed = CallbackTarget(url="https://hooks.example/changed")
    gateway.set_account_callbacks("demo", status=None, mo=None)
    gateway.set_account_callbacks("demo", status=changed, mo=changed, provider="textapp")
    gateway.set_account_callbacks("demo", status=changed, mo=None, provider="mobivate")
    await handle.reset()
    assert gateway.account("demo") == configured()
    assert gateway.account("demo").status_target("mobivate") == WIDE
