"""Live Link's pushed callbacks: status ACKs and incoming replies (MOs), in its documented JSON shapes."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from mockgateway.clock import iso, to_datetime
from mockgateway.dialects.fields import kept_json
from mockgateway.dialects.livelink.requests import PROVIDER
from mockgateway.domain.lifecycle import is_final
from mockgateway.domain.model import (
    Account,
    CallbackTarget,
    HttpCall,
    Message,
    MessageStatus,
    MoMessage,
    Notification,
)
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
    return _WIRE_STATUS.get(status) or status.value


@dataclass(frozen=True, slots=True)
class AckSettings:
    """What a message's request options say about its ACKs, read once per distinct set of options."""

    ack_type: object
    acknowledgement: bool
    final_only: bool
    operator_id: bool
    country_code: bool
    final_status: bool
    internal_status: bool
    delivered_time: bool
    mt_received_time: bool
    tpoa: bool
    gmt: bool

    @classmethod
    def of(cls, message: Message) -> AckSettings:
        flag = message.option
        return cls(
            flag("ackType", "ORDER"), bool(flag("acknowledgement")), bool(flag("ackFinalOnly")),
            bool(flag("ackOperatorId")), bool(flag("ackCountryCode")), bool(flag("ackFinalStatus")),
            bool(flag("ackInternalStatus")), bool(flag("ackDeliveredTime")), bool(flag("ackMTReceivedTime")),
            bool(flag("ackTpoa")), bool(flag("ackTimeInGMT")),
        )  # fmt: skip

    def wants(self, status: MessageStatus, handset_ack: bool) -> bool:
        if self.ack_type == "NONE" or not self.acknowledgement:
            return False
        if self.ack_type == "ORDER" and status not in _ORDER_LEVEL:
            return False
        return not self.final_only or is_final(status, handset_ack)


# id(options) -> (options, settings). Keyed by identity, never by equal values (True == 1), and holding the
# options keeps the id from being reused; stored messages share one options tuple per distinct request shape.
_SETTINGS: dict[int, tuple[object, AckSettings]] = {}


def ack_settings(message: Message) -> AckSettings:
    options = message.options
    cached = _SETTINGS.get(id(options))
    if cached is not None and cached[0] is options:
        return cached[1]
    settings = AckSettings.of(message)
    if len(_SETTINGS) >= 1024:
        _SETTINGS.clear()
    _SETTINGS[id(options)] = (options, settings)
    return settings


def status_calls(message: Message, notification: Notification, account: Account) -> list[HttpCall]:
    settings = ack_settings(message)
    if not settings.wants(notification.status, message.handset_ack):
        return []
    targets = message.callbacks or ((account.status_callback,) if account.status_callback else ())
    if not targets:
        return []
    body = kept_json(ack_payload(message, notification, settings))
    return [_post(target, body) for target in targets]


def ack_payload(message: Message, n: Notification, settings: AckSettings | None = None) -> dict[str, Any]:
    flags = settings or ack_settings(message)
    # One unpacking: each named field read is a lookup, and every pushed ACK reads most of them.
    _, _, _, _, _, part_id, status, created_at, _, code, retriable, _, _ = n
    destination = message.destination
    payload: dict[str, Any] = {
        "messageId": part_id,
        "recipient": f"+{destination}",
        "status": wire_status(status),
        "message": ack_text(n, gmt=flags.gmt),
    }
    if flags.operator_id:
        payload["operatorId"] = operator_id(destination)
    if flags.country_code:
        payload["countryCode"] = country_code(destination)
    if code is not None:
        payload["errorCode"] = code
        payload["retriable"] = bool(retriable)
    elif status is MessageStatus.RETRYING:
        # Live Link is retrying itself: a customer who resent now could get the message to the handset twice.
        payload["retriable"] = False
    if flags.final_status:
        payload["finalStatus"] = is_final(status, message.handset_ack)
    if flags.internal_status:
        payload["internalStatus"] = code or status.value
    if flags.delivered_time and status in (MessageStatus.DELIVERED, MessageStatus.RECEIVED):
        payload["deliveredTime"] = iso(created_at)
    if flags.mt_received_time:
        payload["mtReceivedTime"] = iso(message.created_at)
    if flags.tpoa and message.origin:
        payload["tpoa"] = message.origin
    if message.client_ref:
        payload["subject"] = message.client_ref
    return payload


def ack_text(n: Notification, *, gmt: bool = True) -> str:
    """The sentence an ACK carries, e.g. "Message 1 of the order 123 ... has been delivered at ..."."""
    _, message_id, _, _, part_index, _, status, created_at, _, code, _, destination, _ = n
    if gmt:
        (clock, day), zone = _gmt_moment(math.floor(created_at)), "(GMT)"
    else:
        moment = to_datetime(created_at).astimezone()
        clock, day, zone = f"{moment:%H:%M:%S}", f"{moment:%d-%m-%Y}", f"({zone_label(moment)})"
    text = (
        f"Message {part_index + 1} of the order {message_id} at destination of +{destination} "
        f"{_VERBS[status]} at {clock} {zone} on the {day}."
    )
    return f"{text} Error {code}." if code else text


def zone_label(moment: datetime) -> str:
    """The zone ``moment`` is written in, as of that moment (summer time included): its abbreviation, such as
    ``CET`` or ``EDT``, or ``GMT+05:30`` where the zone has none (e.g. ``+0530``)."""
    name = moment.tzname() or ""
    if name.isalpha():
        return name
    offset = moment.utcoffset() or timedelta()
    sign, minutes = ("-", -offset) if offset < timedelta() else ("+", offset)
    hours, rest = divmod(int(minutes.total_seconds()) // 60, 60)
    return "GMT" if not hours and not rest else f"GMT{sign}{hours:02}:{rest:02}"


@lru_cache(maxsize=256)
def _gmt_moment(second: int) -> tuple[str, str]:
    """Time and date of a whole second: notifications that fall due together share them."""
    moment = to_datetime(second)
    return f"{moment:%H:%M:%S}", f"{moment:%d-%m-%Y}"


def country_code(msisdn: str) -> str:
    import phonenumbers  # here, not at the top: its metadata takes ~40 ms of start-up

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
    return [_post(account.mo_callback, kept_json(mo_payload(mo, account, replied_to)))]


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


class LiveLinkCallbacks:
    """Live Link's callback requests: the part of the dialect the engine is given, needing no gateway."""

    provider = PROVIDER
    # The module's functions themselves: the engine calls them once per notification, with no wrapper between.
    status_calls = staticmethod(status_calls)
    mo_calls = staticmethod(mo_calls)
