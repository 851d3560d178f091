"""smsmode's pushed callbacks: delivery reports and replies, for both of its APIs.

HTTP API 1.6 (documented): HTTP GET with query parameters. REST API (not published): JSON POST bodies of our
design, carrying the same facts under the REST API's names (see docs/providers.md).
"""

from __future__ import annotations

from typing import Any

from mockgateway.dialects.base import ModuleCallbacks, json_post, query_get
from mockgateway.dialects.fields import kept_json
from mockgateway.dialects.smsmode import codes, wire
from mockgateway.dialects.smsmode.requests import REST_API
from mockgateway.domain.model import Account, CallbackTarget, HttpCall, Message, MoMessage, Notification


def status_calls(message: Message, n: Notification, account: Account) -> list[HttpCall]:
    """One report per recipient and change of its status, to the request's URL or else the account's."""
    target = message.callbacks[0] if message.callbacks else account.status_callback
    if target is None or not codes.changes_recipient_status(message, n):
        return []
    if message.option("api") == REST_API:
        return [json_post(target, kept_json(rest_status_body(message, n)))]
    return [query_get(target, dlr_query(message, n))]


def dlr_query(message: Message, n: Notification) -> dict[str, str]:
    code = codes.wire_code(message, n)
    return {
        "numero": message.destination,
        "date_reception": wire.dlr_time(n.created_at),
        "statut": code,
        "smsID": str(message.option("smsID", "")),
        "refClient": message.client_ref or "",
        "mcc_mnc": wire.mcc_mnc(message.destination),
        "cost": str(codes.cost(message, code)),
    }


def rest_status_body(message: Message, n: Notification) -> dict[str, Any]:
    code = codes.wire_code(message, n)
    body: dict[str, Any] = {
        "messageId": message.option("smsID"),
        "direction": "MT",
        "recipient": {"to": "+" + message.destination},
        "status": {
            "value": codes.rest_value(n.status, n.reason),
            "code": int(code),
            "description": codes.description(code),
        },
        "deliveryDate": wire.iso_local(n.created_at),
        "sentDate": wire.iso_local(message.created_at),
        "messagePartCount": len(message.part_ids),
        "mccMnc": wire.mcc_mnc(message.destination),
        "cost": codes.cost(message, code),
    }
    optional = {"from": message.origin, "refClient": message.client_ref}
    body.update({key: value for key, value in optional.items() if value})
    return body


def mo_calls(mo: MoMessage, account: Account, replied_to: Message | None) -> list[HttpCall]:
    """A reply, to the URL the original request named, else the account's reply URL."""
    url = replied_to.option("moUrl") if replied_to else None
    target = CallbackTarget(url=str(url)) if url else account.mo_callback
    if target is None:
        return []
    if replied_to is not None and replied_to.option("api") == REST_API:
        return [json_post(target, kept_json(rest_mo_body(mo, replied_to)))]
    return [query_get(target, mo_query(mo, replied_to))]


def mo_query(mo: MoMessage, replied_to: Message | None) -> dict[str, str]:
    return {
        "numero": short_number(mo),
        "message": mo.text,
        "emetteur": mo.sender,
        "date_reception": wire.mo_time(mo.received_at),
        "smsID": str(replied_to.option("smsID", "")) if replied_to else "",
        "refClient": (replied_to.client_ref or "") if replied_to else "",
        "responseID": wire.alnum_id(mo.id),
    }


def rest_mo_body(mo: MoMessage, replied_to: Message) -> dict[str, Any]:
    body: dict[str, Any] = {
        "messageId": wire.alnum_id(mo.id),
        "direction": "MO",
        "from": "+" + mo.sender,
        "recipient": {"to": short_number(mo)},
        "body": {"text": mo.text},
        "receptionDate": wire.iso_local(mo.received_at),
        "refMessageId": replied_to.option("smsID"),
    }
    if replied_to.client_ref:
        body["refClient"] = replied_to.client_ref
    return body


def short_number(mo: MoMessage) -> str:
    """The number the reply went to: the message's numeric sender, else the simulator's short number."""
    return mo.recipient if mo.recipient.isdigit() else wire.SHORT_NUMBER


#: smsmode's callback requests, the same for both of its APIs.
SMSMODE_CALLBACKS = ModuleCallbacks(provider=wire.PROVIDER, status_calls=status_calls, mo_calls=mo_calls)
