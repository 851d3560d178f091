"""SAP Live Link 365 at its real paths: OAuth, send v2 and v1, and pulling ACKs and MOs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from http import HTTPStatus
from typing import Any

from mockgateway.dialects.base import Endpoint, WireRequest, WireResponse, json_response, logins, retry_after
from mockgateway.dialects.fields import json_object
from mockgateway.dialects.livelink import oauth, pull, requests
from mockgateway.dialects.livelink.callbacks import LiveLinkCallbacks
from mockgateway.dialects.livelink.oauth import expired
from mockgateway.domain.errors import Forbidden, GatewayError, StoreUnavailable, Unauthorized
from mockgateway.domain.model import Account, Message, SendRequest
from mockgateway.service.gateway import Gateway
from mockgateway.service.tokens import TokenExpired, TokenUnknown

PROVIDER = requests.PROVIDER
DOC_URL = "https://livelink.sapdigitalinterconnect.com/documentation/"

_USER_MESSAGES = {
    401: "Authentication failed",
    402: "The account's message allowance is used up",
    403: "You may not send this request",
    404: "Not found",
    405: "Method not allowed",
    413: "The request body is too large",
    429: "Too many requests, slow down",
    502: "Bad gateway",
    503: "Service unavailable, try again later",
    504: "Gateway timeout",
}


def status_line(status: int) -> str:
    """``httpStatusCode`` as Live Link writes it, e.g. ``400 BAD_REQUEST``."""
    try:
        return f"{status} {HTTPStatus(status).name}"
    except ValueError:
        return str(status)


def render_error(error: GatewayError) -> WireResponse:
    """Live Link's error body: the ``LiveLinkResponse`` error fields of its published spec."""
    status = error.http_status
    body = {
        "httpStatusCode": status_line(status),
        # Live Link documents the field but not its values; ours are ten times the HTTP status, and 5000 for a
        # failure of the provider or of the gateway itself, but for its store being away (5030).
        "apiErrorCode": 5000 if status >= 500 and not isinstance(error, StoreUnavailable) else status * 10,
        "userMessage": error.detail if status == 400 else _USER_MESSAGES.get(status, "Internal server error"),
        "debugMessage": expired(error) if isinstance(error, TokenExpired) else error.detail,
        "docUrl": DOC_URL,
    }
    headers = {"WWW-Authenticate": 'Bearer realm="livelink"'} if status == 401 else retry_after(error)
    return json_response(body, status, headers)


class LiveLinkDialect:
    name = PROVIDER
    path_roots: tuple[str, ...] = ("/api",)
    render_error = staticmethod(render_error)

    def __init__(self, gateway: Gateway, *, status_list_key: str = "SAPNotification") -> None:
        self._gateway = gateway
        self._by_app_key = logins(gateway.accounts.values(), PROVIDER, "app_key")
        self._list_key = status_list_key
        self._acks = LiveLinkCallbacks()  #: its memory of the clock strings of pulled ACKs

    def endpoints(self) -> Sequence[Endpoint]:
        return (
            Endpoint("POST", "/api/oauth/token", partial(oauth.token, self._gateway, self._by_app_key)),
            Endpoint("POST", "/api/oauth/token/validate", partial(oauth.validate, self._gateway)),
            Endpoint("POST", "/api/v2/sms", self.send_v2),
            Endpoint("POST", "/api/messages", self.send_v1),
            Endpoint("GET", "/api/v2/sms/status", self.pull_status),
            Endpoint("GET", "/api/v2/sms/mo", self.pull_mo),
        )

    async def send_v2(self, request: WireRequest) -> WireResponse:
        account = await self.authenticate(request)
        common = requests.decode_common(request.body)
        parsed = requests.common_request(common, account.name) if common is not None else None
        if common is not None and parsed is not None:
            return await self._send(parsed, common.destination, {})
        data = json_object(request.body)  # any other body, read and checked field by field
        parsed = _own_client_id(requests.parse_v2(data, account.name), data, account)
        return await self._send(parsed, data["destination"], {})

    async def send_v1(self, request: WireRequest) -> WireResponse:
        account = await self.authenticate(request)
        data = json_object(request.body)
        parsed = _own_client_id(requests.parse_v1(data, account.name), data, account)
        return await self._send(parsed, data["destination"], _v1_echo(data, account))

    async def _send(self, parsed: SendRequest, written: str | list[str], echo: Mapping[str, Any]) -> WireResponse:
        """Sends ``parsed``; the answer is ``echo`` (v1's) and the order ids of the destinations as ``written``."""
        accepted = await self._gateway.send(parsed)
        body = {**echo, "livelinkOrderIds": _order_ids(written, accepted.messages)}
        return json_response(body, 200 if accepted.sent else 201)

    async def pull_status(self, request: WireRequest) -> WireResponse:
        account = await self.authenticate(request)
        return await pull.status(self._gateway, account, request.query, self._list_key, self._acks.moment)

    async def pull_mo(self, request: WireRequest) -> WireResponse:
        return await pull.mo(self._gateway, await self.authenticate(request), request.query)

    async def authenticate(self, request: WireRequest) -> Account:
        """The account behind the request's bearer token; 401 when it is missing, unknown or expired."""
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        token = token.strip()
        if not token or scheme.lower() != "bearer":
            raise Unauthorized("Missing bearer token in the Authorization header")
        try:
            grant = await self._gateway.authenticate(token)
        except TokenUnknown:
            raise Unauthorized("Token does not match account credentials") from None
        return self._gateway.account(grant.account)


def _own_client_id(parsed: SendRequest, data: dict[str, Any], account: Account) -> SendRequest:
    """``parsed``, once its ``clientId`` (an option only a request that names it has) is found to be the account's."""
    client_id = parsed.option_value("clientId") if "clientId" in data else None
    if client_id is not None and client_id != account.credentials[PROVIDER].get("client_id"):
        raise Forbidden(f"clientId {client_id} does not belong to this account", field="clientId")
    return parsed


_V1_ECHO = frozenset(
    ("body", "channel", "origin", "destination", "ackType", "validityPeriod", "sessionId",
     "contentTextEncoding", "subject", "mobileNotification", "operatorId", "messageClass", "pId", "ackFlags")
)  # fmt: skip


def _v1_echo(data: dict[str, Any], account: Account) -> dict[str, Any]:
    """The spec answers v1 with the request echoed, so in ``SmsRequest``'s types: a null is left out as if absent,
    a single destination becomes a list, and ``clientId`` is the account's number whether or not the request
    named it. The order ids are added after it so clients can track the parts.
    """
    echo = {key: value for key, value in data.items() if key in _V1_ECHO and value is not None}
    if isinstance(echo["destination"], str):
        echo["destination"] = [echo["destination"]]
    own = account.credentials[PROVIDER].get("client_id")
    return echo if own is None else {"clientId": int(own), **echo}


def _order_ids(destination: str | list[str], messages: Sequence[Message]) -> list[dict[str, Sequence[str]]]:
    """One entry per destination, as the client wrote it, with one order id per part."""
    written = [destination] if isinstance(destination, str) else destination
    order_ids = []
    for number, message in zip(written, messages, strict=True):  # a loop: on Python 3.11 a comprehension is a call
        order_ids.append({"destination": [number], "livelinkOrderId": message.part_ids})  # a tuple: an array
    return order_ids
