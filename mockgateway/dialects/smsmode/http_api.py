"""smsmode's HTTP API 1.6 at its real paths: plain-text answers ``code | description[ | smsID]`` and listings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl

from mockgateway.dialects import fields as f
from mockgateway.dialects.base import Endpoint, Handler, WireRequest, WireResponse, retry_after
from mockgateway.dialects.smsmode import codes, form_data, wire
from mockgateway.dialects.smsmode.backend import Backend, InsufficientCredit
from mockgateway.dialects.smsmode.callbacks import short_number
from mockgateway.dialects.smsmode.requests import (
    FILE,
    local_minute,
    missing,
    parse_batch,
    parse_http,
    required,
    whole_number,
)
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
from mockgateway.domain.model import Account, Message, MoMessage
from mockgateway.domain.queries import ALL, EventQuery, MessageQuery
from mockgateway.service.gateway import Gateway

_MISSING = "Missing mandatory parameter"
DEFAULT_COUNT = 50  #: documented default of both lists
MAX_COUNT = 10_000  #: our limit; smsmode documents none


@dataclass(frozen=True, slots=True, kw_only=True)
class Form:
    """What a call of the API sends, its body read once: the parameters of its query and form together, and a
    multipart form's parts as sent."""

    method: str
    params: dict[str, str]
    #: Every part of a ``multipart/form-data`` body by name, files and plain fields alike: ``curl -F fichier=<f.csv``
    #: uploads a file as a plain field.
    parts: dict[str, bytes]


#: A call of the API, given what it sends and the account that logs in to.
Call = Callable[[Form, Account], Awaitable[WireResponse]]


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
        return text(error_line(error), error.http_status, retry_after(error))
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
    """HTTP API 1.6 (its callbacks, the same for both APIs, are rendered by ``SMSMODE_CALLBACKS``)."""

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
            Endpoint(method, f"/http/1.6/{path}", self._logged_in(call))
            for path, call in routes
            for method in ("GET", "POST")
        )

    def _logged_in(self, call: Call) -> Handler:
        async def handle(request: WireRequest) -> WireResponse:
            form = read_form(request)
            return await call(form, self._backend.login(form.params))

        return handle

    async def send(self, form: Form, account: Account) -> WireResponse:
        now = self._backend.gateway.now()
        draft = parse_http(form.params, account.name, self._backend.new_sms_id(), now, form.method)
        await self._backend.send((draft,))
        return text(f"0 | Accepted | {draft.sms_id}")

    async def send_batch(self, form: Form, account: Account) -> WireResponse:
        """The answer names the campaign: its id is the ``smsID`` of every message of the file."""
        upload = form.parts.get(FILE)
        if upload is None:
            raise missing(FILE)
        campaign_id = self._backend.new_sms_id()
        drafts = parse_batch(upload, form.params, account, campaign_id, self._backend.gateway.now())
        await self._backend.send(drafts)
        return text(f"0 | Accepted | {campaign_id}")

    async def sms_status(self, form: Form, account: Account) -> WireResponse:
        messages = await self._messages(form, account)
        code = codes.batch_code([await self._backend.code(message) for message in messages])
        return text(f"{code} | {codes.description(code)}")

    async def report(self, form: Form, account: Account) -> WireResponse:
        messages = await self._messages(form, account)
        lines = [f"{message.destination} {await self._backend.code(message)}" for message in messages]
        return text(" | ".join(lines))

    async def credit(self, form: Form, account: Account) -> WireResponse:
        return text(str(await self._backend.credit(account.name)))

    async def delete(self, form: Form, account: Account) -> WireResponse:
        """By ``smsID``, or the latest send to ``numero``; scheduled or not, as documented."""
        sms_id = form.params.get("smsID", "").strip()
        if not sms_id:
            if not form.params.get("numero", "").strip():
                raise missing("smsID")
            sms_id = await self._backend.latest_sms_id(wire.msisdn(form.params["numero"], "numero"), account.name)
        await self._backend.delete(sms_id, account.name)
        return text("0 | SMS message deleted")

    async def sent_list(self, form: Form, account: Account) -> WireResponse:
        """``smsID | sent_date | text | first recipient | credits | recipients |`` per send, newest first."""
        count = whole_number(form.params, "offset", DEFAULT_COUNT, 1, MAX_COUNT)
        query = MessageQuery(account=account.name, provider=PROVIDER, limit=ALL)
        sends: dict[str, list[Message]] = {}
        for message in (await self._backend.gateway.messages(query)).items:
            sms_id = str(message.option("smsID", ""))
            if sms_id not in sends and len(sends) == count:
                break
            sends.setdefault(sms_id, []).append(message)
        return text("\n\n".join(_sent_line(sms_id, list(reversed(messages))) for sms_id, messages in sends.items()))

    async def reply_list(self, form: Form, account: Account) -> WireResponse:
        """``responseID | reception_date | from | text | to | smsID`` per reply, newest first: a page (``start``,
        ``offset``: the page size) or those received within two dates (``startDate`` with ``endDate``), not both."""
        dates = [form.params.get(name, "").strip() for name in ("startDate", "endDate")]
        if not any(dates):
            start = whole_number(form.params, "start", 0, 0, ALL)
            page = slice(start, start + whole_number(form.params, "offset", DEFAULT_COUNT, 1, MAX_COUNT))
            query = EventQuery(account=account.name, provider=PROVIDER, limit=ALL)
        else:
            if not all(dates):
                raise f.invalid("startDate" if not dates[0] else "endDate", "startDate and endDate go together")
            if form.params.get("start", "").strip() or form.params.get("offset", "").strip():
                raise f.invalid("start", "start and offset cannot be used with startDate and endDate")
            since, until = local_minute(dates[0], "startDate"), local_minute(dates[1], "endDate")
            if until < since:
                raise f.invalid("endDate", "must not be before startDate")
            page = slice(None)  # every reply within the dates
            query = EventQuery(account=account.name, provider=PROVIDER, since=since, until=until, limit=ALL)
        gateway = self._backend.gateway
        replies = list(reversed(await gateway.mos(query)))
        return text("\n".join([await _reply_line(gateway, mo) for mo in replies[page]]))

    async def _messages(self, form: Form, account: Account) -> list[Message]:
        return await self._backend.messages(required(form.params, "smsID").strip(), account.name)


# -- parameters: the query string, an urlencoded or a multipart form, each value decoded by ``wire.decode``
def read_form(request: WireRequest) -> Form:
    """Query and form parameters together (a multipart form's files left out), a form value winning over a query
    value of the same name; the body is read here alone, once a request."""
    params = decode_pairs(request.raw_query.encode("utf-8", "surrogateescape"))
    parts: dict[str, bytes] = {}
    content_type = request.headers.get("Content-Type", "")
    if request.body and content_type.lower().startswith("multipart/form-data"):
        # What PHP's curl sends for an array of fields.
        for name, (part, is_file) in form_data.parts(content_type, request.body).items():
            parts[name] = part
            if not is_file:
                params[name] = wire.decode(part)
    elif request.body and "json" not in content_type.lower():
        params.update(decode_pairs(request.body))
    return Form(method=request.method, params=params, parts=parts)


def decode_pairs(raw: bytes) -> dict[str, str]:
    """``a=1&b=caf%E9`` → ``{"a": "1", "b": "café"}``; the last of repeated names wins."""
    # Latin-1 makes each byte one character and back again: ``wire.decode`` reads each name and value as sent.
    pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True, encoding="latin-1")
    return {_decoded(name).strip(): _decoded(value) for name, value in pairs}


def _decoded(text: str) -> str:
    return wire.decode(text.encode("latin-1"))


# -- the lists, one record per line, fields separated by `` | `` as documented; a line break inside a text would end
# its record early, so it becomes a space. Sent messages are separated by a blank line, as the public PHP client
# reads them.
def one_line(value: str) -> str:
    return " ".join(value.splitlines())


def _sent_line(sms_id: str, messages: list[Message]) -> str:
    first = messages[0]
    sent = wire.local_time(first.created_at).strftime("%d/%m/%Y %H:%M")
    credits = sum(len(message.part_ids) for message in messages)
    return f"{sms_id} | {sent} | {one_line(first.text)} | {first.destination} | {credits} | {len(messages)} |"


async def _reply_line(gateway: Gateway, mo: MoMessage) -> str:
    replied_to = await gateway.find_message(mo.in_reply_to) if mo.in_reply_to else None
    sms_id = str(replied_to.option("smsID", "")) if replied_to else ""
    received = wire.local_time(mo.received_at).strftime("%d%m%Y-%H:%M")
    return f"{wire.alnum_id(mo.id)} | {received} | {mo.sender} | {one_line(mo.text)} | {short_number(mo)} | {sms_id}"
