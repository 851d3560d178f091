"""Webhook registration: ``POST /webhooks/receipt | incoming | click`` with ``{"url": ...}``.

Mobivate documents the request only; the answer here is ``{"type": <kind>, "url": <url>}``. Receipt and
incoming URLs become the account's Mobivate status and reply callbacks (its other providers keep theirs); a
click URL is kept but never called, as the gateway shortens no links.
"""

from __future__ import annotations

from mockgateway.dialects import fields as f
from mockgateway.dialects.base import WireRequest, WireResponse, json_response
from mockgateway.dialects.mobivate.requests import load_json_object
from mockgateway.dialects.mobivate.wire import PROVIDER
from mockgateway.domain.model import Account, CallbackTarget, CallbackTargets
from mockgateway.service.gateway import Gateway


class Webhooks:
    def __init__(self, gateway: Gateway) -> None:
        self._gateway = gateway
        self.click_urls: dict[str, str] = {}  #: account -> click webhook

    async def receipt(self, account: Account, request: WireRequest) -> WireResponse:
        url = _url(request)
        current = account.status_target(PROVIDER)
        own = account.provider_callbacks.get(PROVIDER, CallbackTargets())
        target = CallbackTarget(url=url, oauth2=current.oauth2 if current else None)
        self._gateway.set_account_callbacks(account.name, status=target, mo=own.mo, provider=PROVIDER)
        await self._gateway.saved()
        return _registered("receipt", url)

    async def incoming(self, account: Account, request: WireRequest) -> WireResponse:
        url = _url(request)
        current = account.mo_target(PROVIDER)
        own = account.provider_callbacks.get(PROVIDER, CallbackTargets())
        target = CallbackTarget(url=url, oauth2=current.oauth2 if current else None)
        self._gateway.set_account_callbacks(account.name, status=own.status, mo=target, provider=PROVIDER)
        await self._gateway.saved()
        return _registered("incoming", url)

    async def click(self, account: Account, request: WireRequest) -> WireResponse:
        url = _url(request)
        self.click_urls[account.name] = url
        return _registered("click", url)


def _url(request: WireRequest) -> str:
    data = load_json_object(request.body)
    if data.get("url") is None:
        raise f.invalid("url", "is required")
    return f.http_url(data["url"], "url")


def _registered(kind: str, url: str) -> WireResponse:
    return json_response({"type": kind, "url": url})
