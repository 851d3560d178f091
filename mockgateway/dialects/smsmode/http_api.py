"""smsmode's HTTP API 1.6 at its real paths: plain-text answers ``code | description[ | smsID]``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence

from mockgateway.dialects.base import Endpoint, Handler, WireRequest, WireResponse, retry_after
from mockgateway.dialects.smsmode import codes, lists, wire
from mockgateway.dialects.smsmode.backend import Backend, InsufficientCredit
from mockgateway.dialects.smsmode.forms import request_params, uploaded
from mockgateway.dialects.smsmode.requests import FILE, missing, parse_batch, parse_http, required
from mockgateway.dialects.smsmode.wire import PROVIDER
from mockgateway.domain.errors import (
    BodyTooLarge,
    Forbidden,
    GatewayError,
    InvalidRequest,
    MethodNotAllowed,
    NotFound,
    QuotaExceeded,
    RateLimited,
    StoreUnavailable,
    Unauthorized,
    UnknownEndpoint,
)
from mockgateway.domain.model import Account, Message

BASE = "/http/1.6"
_MISSING = "Missing mandatory parameter"
#: A call of the API, given its parameters and the account they log in to.
Call = Callable[[WireRequest, dict[str, str], Account], Awaitable[WireResponse]]


def text(body: str, status: int = 200, headers: Mapping[str, str] | None = None) -> WireResponse:
    # The API answers 200 whatever happened: the code at the start of the body tells.
    return WireResponse(status, body.encode("utf-8"), "text/plain; charset=utf-8", headers)


def render_error(error: GatewayError) -> WireResponse:
    if isinstance(error, UnknownEndpoint | MethodNotAllowed):
        # Not a call of the API at all: a client splitting on " | " still reads a code, the status tells why.
        return text(f"35 | Invalid parameter: {error.detail}", error.http_status)
    if error.http_status > 500 or isinstance(error, BodyTooLarge):
        # 502, 503 and 504 come from in front of the API, and so does 413 for a body over the size the server
        # reads: HTTP statuses, with a code in the body all the same.
        return text(error_line(error), error.http_status, retry_after(error) or None)
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
    if isinstance(error, InsufficientCredit | QuotaExceeded):
        return "33 | Insufficient credit"
    if isinstance(error, NotFound):
        return "61 | SMS not found"
    if isinstance(error, StoreUnavailable):
        return f"50 | Temporarily unavailable ({error.detail})"
    if isinstance(error, RateLimited) or error.http_status == 503:
        return "50 | Temporarily unavailable"
    return "31 | Internal error"


class SmsmodeDialect:
    """HTTP API 1.6 (its callbacks, the same for both APIs, are rendered by ``SmsmodeCallbacks``)."""

    name = PROVIDER
    path_roots: tuple[str, ...] = ("/http",)
    render_error = staticmethod(render_error)

    def __init__(self, backend: Backend) -> None:
        self._backend = backend

    def endpoints(self) -> Sequence[Endpoint]:
        routes = (
            ("sendSMS.do", self.send),
            ("smsStatus.do", self.sms_status),
            ("compteRendu.do", self.report),
            ("credit.do", self.credit),
            ("deleteSMS.do", self.delete),
            ("smsList.do", self.sent_list),
            ("responseList.do", self.reply_list),
            ("sendSMSBatch.do", self.send_batch),
        )
        return tuple(
            Endpoint(method, f"{BASE}/{path}", self._logged_in(call))
            for path, call in routes
            for method in ("GET", "POST")
        )

    def _logged_in(self, call: Call) -> Handler:
        async def handle(request: WireRequest) -> WireResponse:
            params = request_params(request)
            return await call(request, params, self._backend.login(params))

        return handle

    async def send(self, request: WireRequest, params: dict[str, str], account: Account) -> WireResponse:
        now = self._backend.gateway.now()
        draft = parse_http(params, account.name, self._backend.new_sms_id(), now, request.method)
        await self._backend.send((draft,))
        return text(f"0 | Accepted | {draft.sms_id}")

    async def send_batch(self, request: WireRequest, params: dict[str, str], account: Account) -> WireResponse:
        """The answer names the campaign: its id is the ``smsID`` of every message of the file."""
        raw = uploaded(request, FILE)
        if raw is None:
            raise missing(FILE)
        campaign_id = self._backend.new_sms_id()
        drafts = parse_batch(raw, params, account, campaign_id, self._backend.gateway.now())
        await self._backend.send(drafts)
        return text(f"0 | Accepted | {campaign_id}")

    async def sms_status(self, request: WireRequest, params: dict[str, str], account: Account) -> WireResponse:
        messages = await self._messages(params, account)
        code = codes.batch_code([await self._backend.code(message) for message in messages])
        return text(f"{code} | {codes.description(code)}")

    async def report(self, request: WireRequest, params: dict[str, str], account: Account) -> WireResponse:
        messages = await self._messages(params, account)
        lines = [f"{message.destination} {await self._backend.code(message)}" for message in messages]
        return text(" | ".join(lines))

    async def credit(self, request: WireRequest, params: dict[str, str], account: Account) -> WireResponse:
        return text(str(await self._backend.credit(account.name)))

    async def delete(self, request: WireRequest, params: dict[str, str], account: Account) -> WireResponse:
        """By ``smsID``, or the latest send to ``numero``; scheduled or not, as documented."""
        sms_id = params.get("smsID", "").strip()
        if not sms_id:
            if not params.get("numero", "").strip():
                raise missing("smsID")
            sms_id = await self._backend.latest_sms_id(wire.msisdn(params["numero"], "numero"), account.name)
        await self._backend.delete(sms_id, account.name)
        return text("0 | SMS message deleted")

    async def sent_list(self, request: WireRequest, params: dict[str, str], account: Account) -> WireResponse:
        return text(await lists.sent_list(self._backend.gateway, account.name, params))

    async def reply_list(self, request: WireRequest, params: dict[str, str], account: Account) -> WireResponse:
        window = lists.reply_window(params)
        return text(await lists.reply_list(self._backend.gateway, account.name, window))

    async def _messages(self, params: dict[str, str], account: Account) -> list[Message]:
        return await self._backend.messages(required(params, "smsID").strip(), account.name)
