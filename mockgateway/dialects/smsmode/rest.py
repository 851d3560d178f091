"""smsmode's REST API (``rest.smsmode.com``): ``POST /sms/v1/messages`` with an ``X-Api-Key`` header.

smsmode publishes no error body for this API; ours is ``{"status": <HTTP status>, "message": ..., "field": ...}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mockgateway.dialects import fields as f
from mockgateway.dialects.base import Endpoint, WireRequest, WireResponse, json_response, retry_after
from mockgateway.dialects.smsmode import codes, wire
from mockgateway.dialects.smsmode.backend import Backend
from mockgateway.dialects.smsmode.requests import parse_rest
from mockgateway.domain.errors import GatewayError, RateLimited, StoreUnavailable, Unauthorized
from mockgateway.domain.model import Encoding, Message

MESSAGES = "/sms/v1/messages"
_FIELDS = {"origin": "from", "smsID": "messageId"}  #: core and shared field names in the REST API's words


def render_error(error: GatewayError) -> WireResponse:
    status = error.http_status
    field = _FIELDS.get(error.field or "", error.field)
    message = error.detail
    if error.field in _FIELDS and message.startswith(error.field):
        message = f"{field}: {message[len(error.field) :].lstrip(': ')}"
    if isinstance(error, Unauthorized):
        message = "Invalid or missing X-Api-Key header"
    elif isinstance(error, RateLimited):
        message = "Too many requests"
    elif status >= 500 and not isinstance(error, StoreUnavailable):  # the store's outage is told as it is
        message = "Internal error"
    body: dict[str, Any] = {"status": status, "message": message}
    if field is not None and status < 500:
        body["field"] = field
    headers = {"WWW-Authenticate": 'ApiKey header="X-Api-Key"'} if status == 401 else retry_after(error)
    return json_response(body, status, headers)


class SmsmodeRestDialect:
    name = wire.PROVIDER
    path_roots: tuple[str, ...] = ("/sms",)
    render_error = staticmethod(render_error)

    def __init__(self, backend: Backend) -> None:
        self._backend = backend

    def endpoints(self) -> Sequence[Endpoint]:
        return (
            Endpoint("POST", MESSAGES, self.send),
            Endpoint("GET", MESSAGES + "/{messageId}", self.get),
        )

    async def send(self, request: WireRequest) -> WireResponse:
        account = self._backend.by_api_key(request.headers.get("X-Api-Key"))
        now = self._backend.gateway.now()
        draft = parse_rest(f.json_object(request.body), account.name, self._backend.new_sms_id(), now)
        (message,) = await self._backend.send((draft,))
        body = message_body(message, draft.parts, draft.encoding, now)
        # Asked for later, not "created after now": on the real clock the message is stamped after ``now`` was read.
        scheduled = message.option("acceptedAt") is not None
        body["status"] = {"value": codes.rest_value(message.status, None, scheduled=scheduled)}
        return json_response(body, 201)

    async def get(self, request: WireRequest) -> WireResponse:
        """The message with its current status (not documented publicly; shaped like the send's answer)."""
        account = self._backend.by_api_key(request.headers.get("X-Api-Key"))
        message = (await self._backend.messages(request.params.get("messageId", ""), account.name))[0]
        now = self._backend.gateway.now()
        code = await self._backend.code(message)
        accepted_at = message.option("acceptedAt")
        accepted = float(accepted_at) if isinstance(accepted_at, int | float) else message.created_at
        body = message_body(message, len(message.part_ids), message.encoding, accepted)
        body["status"] = {
            "value": codes.rest_value(message.status, message.reason, scheduled=message.created_at > now),
            "code": int(code),
            "description": codes.description(code),
        }
        return json_response(body)


def message_body(message: Message, parts: int, encoding: Encoding, accepted_at: float) -> dict[str, Any]:
    body: dict[str, Any] = {
        "messageId": message.option("smsID"),
        "acceptedAt": wire.iso_local(min(accepted_at, message.created_at)),
        "sentDate": wire.iso_local(message.created_at),
        "body": {
            "text": message.text,
            "encoding": "UNICODE" if encoding is Encoding.UCS2 else "GSM7",
            "length": len(message.text),
            "messagePartCount": parts,
        },
        "recipient": {"to": "+" + message.destination},
    }
    optional = {
        "from": message.origin,
        "refClient": message.client_ref,
        "callbackUrlStatus": message.callbacks[0].url if message.callbacks else None,
        "callbackUrlMo": message.option("moUrl"),
    }
    body.update({key: value for key, value in optional.items() if value is not None})
    return body
