"""Mobivate BulkSMS at its real paths: sending, message logs, opt-outs and webhook registration."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from http import HTTPStatus
from typing import Any

from mockgateway.dialects import fields as f
from mockgateway.dialects.base import Endpoint, Handler, WireRequest, WireResponse, json_response, logins, retry_after
from mockgateway.dialects.mobivate import lists
from mockgateway.dialects.mobivate.requests import Campaign, Outgoing, parse_batch, parse_single, send_request
from mockgateway.dialects.mobivate.wire import PROVIDER, uuid_of
from mockgateway.domain.errors import Forbidden, GatewayError, StoreUnavailable, Unauthorized
from mockgateway.domain.model import Account, CallbackTarget, CallbackTargets
from mockgateway.service.gateway import Gateway

AccountHandler = Callable[[Gateway, Account, WireRequest], Awaitable[WireResponse]]
#: Statuses whose message is Mobivate's fixed phrase, the HTTP one; 400 and 403 carry the specific problem instead.
_PHRASED = frozenset({401, 402, 404, 405, 409, 429, 500, 502, 503, 504})


def render_error(error: GatewayError) -> WireResponse:
    """Mobivate's error body: ``{"code": <HTTP status>, "message": "<text>"}``."""
    status = error.http_status
    message = HTTPStatus(status).phrase if status in _PHRASED else error.detail
    if isinstance(error, StoreUnavailable):  # the phrase, and why: it is the gateway's own state that is away
        message = f"{message}: {error.detail}"
    return json_response({"code": status, "message": message}, status, retry_after(error))


class MobivateDialect:
    name = PROVIDER
    path_roots: tuple[str, ...] = ("/auth", "/send", "/message", "/addressbook", "/optout", "/webhooks")
    render_error = staticmethod(render_error)

    def __init__(self, gateway: Gateway) -> None:
        self._gateway = gateway
        self._by_key = logins(gateway.accounts.values(), PROVIDER, "api_key")

    def endpoints(self) -> Sequence[Endpoint]:
        return (
            Endpoint("GET", "/auth/test", self.test_key),
            Endpoint("POST", "/send/single", self.send_single),
            Endpoint("POST", "/send/batch", self._guarded(send_batch)),
            Endpoint("GET", "/message", self._guarded(lists.search)),
            Endpoint("GET", "/message/{id}", self._guarded(lists.one)),
            Endpoint("GET", "/addressbook/optout", self._guarded(lists.optout_list)),
            Endpoint("POST", "/addressbook/optout", self._guarded(lists.optout_add)),
            Endpoint("DELETE", "/addressbook/optout", self._guarded(lists.optout_delete)),
            # The documentation's heading says /addressbook/optout while its example calls /optout.
            Endpoint("DELETE", "/optout", self._guarded(lists.optout_delete)),
            Endpoint("POST", "/webhooks/receipt", self._guarded(partial(webhook, kind="receipt"))),
            Endpoint("POST", "/webhooks/incoming", self._guarded(partial(webhook, kind="incoming"))),
            Endpoint("POST", "/webhooks/click", self._guarded(partial(webhook, kind="click"))),
        )

    def authenticate(self, request: WireRequest, *, legacy: bool = False) -> Account:
        """The account behind ``Authorization: Bearer <API key>`` (or ``?api_key=`` where ``legacy``)."""
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        key = key.strip() if scheme.lower() == "bearer" else ""
        if not key and legacy:
            key = request.query.get("api_key", "").strip()
        name = self._by_key.get(key) if key else None
        if name is None:
            raise Unauthorized("Unauthorized")
        return self._gateway.account(name)

    def _guarded(self, handler: AccountHandler) -> Handler:
        async def handle(request: WireRequest) -> WireResponse:
            return await handler(self._gateway, self.authenticate(request), request)

        return handle

    async def test_key(self, request: WireRequest) -> WireResponse:
        """``GET /auth/test``: whether a key would be let in, checked as every other call checks it (a key that
        does not gets the usual 401)."""
        # Integrations call it with ``?api_key=`` as well as with the header.
        self.authenticate(request, legacy=True)
        return json_response({"message": "API Key is valid"})

    async def send_single(self, request: WireRequest) -> WireResponse:
        account = self.authenticate(request, legacy=True)
        outgoing, campaign_id, targets = parse_single(f.json_object(request.body, why=False))
        if self._gateway.is_opted_out(account.name, outgoing.recipient):
            raise Forbidden(f"Recipient is opted out: {outgoing.recipient}", field="recipient")
        batch_id = self._gateway.hex_id(32)
        req = send_request(account.name, outgoing, campaign_id=campaign_id, batch_id=batch_id, callbacks=targets)
        message = (await self._gateway.send(req)).messages[0]
        return json_response(
            {
                "id": uuid_of(message.id),
                "originator": message.origin,
                "recipient": message.destination,
                "body": message.text,
                "routeId": message.option("routeId"),
                "reference": message.client_ref,
                "campaignId": message.option("campaignId"),
            }
        )


async def send_batch(gateway: Gateway, account: Account, request: WireRequest) -> WireResponse:
    campaign = parse_batch(f.json_object(request.body, why=False))
    chosen = _recipients(gateway, account, campaign)
    campaign_id = gateway.hex_id(32)
    for outgoing in chosen:
        req = send_request(
            account.name, outgoing, campaign_id=campaign_id, batch_id=campaign_id, callbacks=campaign.callbacks
        )
        await gateway.send(req)
    return json_response(campaign_record(campaign_id, campaign, chosen))


def _recipients(gateway: Gateway, account: Account, campaign: Campaign) -> list[Outgoing]:
    """The messages that go out: duplicates and opted-out numbers dropped when the campaign says so.

    Every originator is checked, a dropped message's too, before anything is sent: a refused batch sends nothing.
    """
    chosen: list[Outgoing] = []
    seen: set[str] = set()
    for i, outgoing in enumerate(campaign.messages):
        if not account.owns_origin(outgoing.originator):
            name = f"messages[{i}].originator"
            raise Forbidden(f"{name}: {outgoing.originator!r} is not registered to this account", field=name)
        if campaign.exclude_duplicates and outgoing.recipient in seen:
            continue
        seen.add(outgoing.recipient)
        if campaign.exclude_optouts and gateway.is_opted_out(account.name, outgoing.recipient):
            continue
        chosen.append(outgoing)
    return chosen


def campaign_record(campaign_id: str, campaign: Campaign, accepted: list[Outgoing]) -> dict[str, Any]:
    return {
        "id": campaign_id,
        "name": campaign.name,
        "routeId": campaign.route_id,
        "shortenUrls": campaign.shorten_urls,
        "spreadHours": campaign.spread_hours,
        "excludeOptouts": campaign.exclude_optouts,
        "excludeDuplicates": campaign.exclude_duplicates,
        "scheduleDateTime": campaign.schedule,
        "recipients": [
            {
                "originator": m.originator,
                "recipient": m.recipient,
                "text": m.text,
                "reference": m.reference,
                "routeId": m.own_route_id,
            }
            for m in accepted
        ],
    }


# -- webhook registration: ``POST /webhooks/receipt | incoming | click`` with ``{"url": ...}``. Mobivate documents the
# request only; the answer here is ``{"type": <kind>, "url": <url>}``.
async def webhook(gateway: Gateway, account: Account, request: WireRequest, *, kind: str) -> WireResponse:
    """A receipt or incoming URL becomes the account's Mobivate status or reply callback (its other providers keep
    theirs), with the OAuth of the one it replaces; a click URL is only answered, as the gateway shortens no links."""
    data = f.json_object(request.body, why=False)
    if data.get("url") is None:
        raise f.invalid("url", "is required")
    url = f.http_url(data["url"], "url")
    if kind != "click":
        receipt = kind == "receipt"
        current = account.status_target(PROVIDER) if receipt else account.mo_target(PROVIDER)
        target = CallbackTarget(url=url, oauth2=current.oauth2 if current else None)
        own = account.provider_callbacks.get(PROVIDER, CallbackTargets())
        status, mo = (target, own.mo) if receipt else (own.status, target)
        gateway.set_account_callbacks(account.name, status=status, mo=mo, provider=PROVIDER)
        await gateway.saved()
    return json_response({"type": kind, "url": url})
