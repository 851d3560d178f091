"""Live Link's pushed callbacks: status ACKs and incoming replies (MOs), in its documented JSON shapes."""

from __future__ import annotations

import hashlib
import time
from typing import Any

import orjson
import phonenumbers

from mockgateway.clock import iso, to_datetime
from mockgateway.domain.model import Account, CallbackTarget, HttpCall, Message, MessageStatus, MoMessage, Notification
from mockgateway.encoding import is_gsm7

_WIRE_STATUS = {
    MessageStatus.SENT: "SENT",
    MessageStatus.DELIVERED: "DELIVERED",
    MessageStatus.RECEIVED: "RECEIVED",
    MessageStatus.RETRYING: "ERROR",
    MessageStatus.FAILED: "ERROR",
}
#: ORDER-level ACKs come from Live Link itself; the SMS-C and handset ACKs need ackType MESSAGE.
_ORDER_LEVEL = frozenset({MessageStatus.SENT, MessageStatus.RETRYING, MessageStatus.FAILED})
_VERBS = {
    MessageStatus.SENT: "has been sent",
    MessageStatus.DELIVERED: "has been delivered",
    MessageStatus.RECEIVED: "has been received by the handset",
    MessageStatus.RETRYING: "could not be delivered yet and is being retried",
    MessageStatus.FAILED: "could not be delivered",
}


def wire_status(status: MessageStatus) -> str:
    return _WIRE_STATUS.get(status, status.value)


def wants_ack(message: Message, status: MessageStatus) -> bool:
    """Whether the request's ACK settings ask for a callback on ``status``."""
    ack_type = message.option("ackType", "ORDER")
    if ack_type == "NONE" or not message.option("acknowledgement"):
        return False
    if ack_type == "ORDER" and status not in _ORDER_LEVEL:
        return False
    return status.is_final or not message.option("ackFinalOnly")


def status_calls(message: Message, notification: Notification, account: Account) -> list[HttpCall]:
    if not wants_ack(message, notification.status):
        return []
    targets = message.callbacks or ((account.status_callback,) if account.status_callback else ())
    body = orjson.dumps(ack_payload(message, notification))
    return [_post(target, body) for target in targets]


def ack_payload(message: Message, n: Notification) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "messageId": n.part_id,
        "recipient": f"+{message.destination}",
        "status": wire_status(n.status),
        "message": _sentence(message, n),
    }
    flag = message.option
    if flag("ackOperatorId"):
        payload["operatorId"] = operator_id(message.destination)
    if flag("ackCountryCode"):
        payload["countryCode"] = country_code(message.destination)
    if n.code is not None:
        payload["errorCode"] = n.code
        payload["retriable"] = bool(n.retriable)
    if flag("ackFinalStatus"):
        payload["finalStatus"] = n.final
    if flag("ackInternalStatus"):
        payload["internalStatus"] = n.code or n.status.value
    if flag("ackDeliveredTime") and n.status in (MessageStatus.DELIVERED, MessageStatus.RECEIVED):
        payload["deliveredTime"] = iso(n.created_at)
    if flag("ackMTReceivedTime"):
        payload["mtReceivedTime"] = iso(message.created_at)
    if flag("ackTpoa") and message.origin:
        payload["tpoa"] = message.origin
    if message.client_ref:
        payload["subject"] = message.client_ref
    return payload


def _sentence(message: Message, n: Notification) -> str:
    return ack_text(n, gmt=bool(message.option("ackTimeInGMT")))


def ack_text(n: Notification, *, gmt: bool = True) -> str:
    """The sentence an ACK carries, e.g. "Message 1 of the order 123 ... has been delivered at ..."."""
    if gmt:
        moment, zone = to_datetime(n.created_at), "(GMT)"
    else:
        moment, zone = to_datetime(n.created_at).astimezone(), f"({time.strftime('%Z')})"
    text = (
        f"Message {n.part_index + 1} of the order {n.message_id} at destination of +{n.destination} "
        f"{_VERBS[n.status]} at {moment:%H:%M:%S} {zone} on the {moment:%d-%m-%Y}."
    )
    return f"{text} Error {n.code}." if n.code else text


def country_code(msisdn: str) -> str:
    try:
        number = phonenumbers.parse(f"+{msisdn}")
    except phonenumbers.NumberParseException:
        return "ZZ"
    # Fictional ranges (such as the +44 7700 900 drama numbers) have no region; their country code still does.
    region = phonenumbers.region_code_for_number(number) or phonenumbers.region_code_for_country_code(
        number.country_code or 0
    )
    return str(region or "ZZ")


def operator_id(msisdn: str) -> int:
    """A stable made-up operator id per number range, so ACKs for the same network agree."""
    return 100 + int(hashlib.sha1(msisdn[:7].encode()).hexdigest()[:6], 16) % 900


def mo_calls(mo: MoMessage, account: Account, replied_to: Message | None) -> list[HttpCall]:
    if account.mo_callback is None:
        return []
    return [_post(account.mo_callback, orjson.dumps(mo_payload(mo, account, replied_to)))]


def mo_payload(mo: MoMessage, account: Account, replied_to: Message | None) -> dict[str, Any]:
    """The documented MO shape; a text outside GSM 03.38 travels hex-encoded with ``dcs: UTF8``."""
    gsm = is_gsm7(mo.text)
    received = to_datetime(mo.received_at)
    client_id = account.credentials.get("livelink", {}).get("client_id")
    return {
        "message": mo.text if gsm else mo.text.encode("utf-8").hex(),
        "messageId": mo.id,
        "msisdn": f"+{mo.sender}",
        "originatingAddress": mo.recipient,
        "parameters": {
            "accountId": str(client_id) if client_id is not None else account.name,
            "dcs": "7b" if gsm else "UTF8",
            "keyword": mo.keyword,
            "messageClass": "1",
            "messageId": replied_to.id if replied_to else mo.id,
            "operator": {"code": {"mcc": "N/A", "mnc": "N/A"}, "standard": "GSM"},
            "receivedServiceNumber": mo.recipient,
            "receivedTime": {"Date": received.strftime("%a, %d %b %Y"), "Time": received.strftime("%H:%M:%S")},
            "udh": "",
        },
        "receivedTime": received.strftime("%Y-%m-%dT%H:%M:%S"),
    }


def _post(target: CallbackTarget, body: bytes) -> HttpCall:
    return HttpCall("POST", target.url, body, "application/json", target.oauth2)
