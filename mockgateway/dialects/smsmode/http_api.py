"""smsmode's HTTP API 1.6 at its real paths: plain-text answers ``code | description[ | smsID]``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from mockgateway.dialects.base import Endpoint, WireRequest, WireResponse, retry_after
from mockgateway.dialects.smsmode import callbacks, codes
from mockgateway.dialects.smsmode.backend import Backend, InsufficientCredit
from mockgateway.dialects.smsmode.forms import request_params
from mockgateway.dialects.smsmode.requests import parse_http, required
from mockgateway.dialects.smsmode.wire import PROVIDER
from mockgateway.domain.errors import (
    Forbidden,
    GatewayError,
    InvalidRequest,
    NotFound,
    RateLimited,
    Unauthorized,
)
from mockgateway.domain.model import Message

BASE = "/http/1.6"
_MISSING = "Missing mandatory parameter"


def text(body: str, status: int = 200) -> WireResponse:
    # The API answers 200 whatever happened: the code at the start of the body tells.
    return WireResponse(status, body.encode("utf-8"), "text/plain; charset=utf-8")


def render_error(error: GatewayError) -> WireResponse:
    if error.http_status > 500:
        # 502, 503 and 504 come from in front of the API, so they are HTTP statuses; the body still has a code.
        return replace(text(error_line(error), error.http_status), headers=retry_after(error) or None)
    return text(error_line(error))


def error_line(error: GatewayError) -> str:
    if isinstance(error, Unauthorized) or (isinstance(error, Forbidden) and error.field is None):
        return "32 | Authentication error"
    if isinstance(error, InvalidRequest | Forbidden):
        detail = error.detail
        if error.field == "origin":  # the core names the sender by its own word
            detail = "emetteur: " + detail.removeprefix("origin ")
        elif error.field and not detail.startswith((error.field, _MISSING)):
            detail = f"{error.field}: {detail}"
        return f"35 | {detail if detail.startswith(_MISSING) else f'Invalid parameter: {detail}'}"
    if isinstance(error, InsufficientCredit):
        return "33 | Insufficient credit"
    if isinstance(error, NotFound):
        return "61 | SMS not found"
    if isinstance(error, RateLimited) or error.http_status == 503:
        return "50 | Temporarily unavailable"
    return "31 | Internal error"


class SmsmodeDialect(callbacks.CallbackRendering):
    """HTTP API 1.6, and the callbacks of both smsmode APIs."""

    name = PROVIDER

    def __init__(self, backend: Backend) -> None:
        self._backend = backend

    def endpoints(self) -> Sequence[Endpoint]:
        routes = (
            ("sendSMS.do", self.send),
            ("smsStatus.do", self.sms_status),
            ("compteRendu.do", self.report),
            ("credit.do", self.credit),
        )
        return tuple(
            Endpoint(method, f"{BASE}/{path}", handler) for path, handler in routes for method in ("GET", "POST")
        )

    def render_error(self, error: GatewayError) -> WireResponse:
        return render_error(error)

    async def send(self, request: WireRequest) -> WireResponse:
        params = request_params(request)
        account = self._backend.by_access_token(params.get("accessToken"))
        now = self._backend.gateway.clock.now()
        draft = parse_http(params, account.name, self._backend.new_sms_id(), now, request.method)
        await self._backend.send(draft)
        return text(f"0 | Accepted | {draft.sms_id}")

    async def sms_status(self, request: WireRequest) -> WireResponse:
        messages = await self._messages(request)
        code = codes.batch_code([await self._backend.code(message) for message in messages])
        return text(f"{code} | {codes.description(code)}")

    async def report(self, request: WireRequest) -> WireResponse:
        messages = await self._messages(request)
        lines = [f"{message.destination} {await self._backend.code(message)}" for message in messages]
        return text(" | ".join(lines))

    async def credit(self, request: WireRequest) -> WireResponse:
        account = self._backend.by_access_token(request_params(request).get("accessToken"))
        return text(str(self._backend.credit(account.name)))

    async def _messages(self, request: WireRequest) -> list[Message]:
        params = request_params(request)
        account = self._backend.by_access_token(params.get("accessToken"))
        return await self._backend.messages(required(params, "smsID").strip(), account.name)
