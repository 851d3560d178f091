"""Live Link's pushed callbacks: status ACKs and incoming replies (MOs), in its documented JSON shapes."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from mockgateway.clock import iso, to_datetime
from mockgateway.dialects.base import json_post
from mockgateway.dialects.fields import kept_json
from mockgateway.dialects.livelink.requests import PROVIDER
from mockgateway.domain.lifecycle import is_final
from mockgateway.domain.model import Account, HttpCall, Message, MessageStatus, MoMessage, Notification, Options
from mockgateway.encoding import is_gsm7

#: The time and date (GMT) of a whole second.
Moment = Callable[[int], tuple[str, str]]

_ERRORS = frozenset({MessageStatus.RETRYING, MessageStatus.FAILED})  #: both are an ERROR at Live Link
#: ORDER-level ACKs come from Live Link itself; the SMS-C and handset ACKs need ackType MESSAGE.
_ORDER_LEVEL = frozenset({MessageStatus.SENT, MessageStatus.RETRYING, MessageStatus.FAILED})
_VERBS = {
    MessageStatus.SENT: "has been sent",
    MessageStatus.DELIVERED: "has been delivered",
    MessageStatus.RECEIVED: "has been received by the handset",
    MessageStatus.RETRYING: "could not be delivered yet and is being retried",
    MessageStatus.FAILED: "could not be delivered",
}


@dataclass(frozen=True, slots=True)
class AckSettings:
    """What a message's request options say about its ACKs: its ``ackType`` and the options it set true (the ACK
    flags among them, such as ``ackOperatorId``)."""

    ack_type: object
    flags: frozenset[str]

    def wants(self, status: MessageStatus, handset_ack: bool) -> bool:
        if self.ack_type == "NONE" or "acknowledgement" not in self.flags:
            return False
        if self.ack_type == "ORDER" and status not in _ORDER_LEVEL:
            return False
        return "ackFinalOnly" not in self.flags or is_final(status, handset_ack)


def ack_settings(options: Options) -> AckSettings:
    ack_type = dict(options).get("ackType", "ORDER")
    return AckSettings(ack_type=ack_type, flags=frozenset(name for name, value in options if value))


#: Entries each of ``LiveLinkCallbacks``'s memories holds at most.
_REMEMBERED = 1024
Key = TypeVar("Key")
Value = TypeVar("Value")


def _remember(memory: dict[Key, Value], key: Key, value: Value) -> Value:
    if len(memory) >= _REMEMBERED:
        memory.clear()
    memory[key] = value
    return value


def ack_payload(message: Message, n: Notification, settings: AckSettings, moment: Moment) -> dict[str, Any]:
    flags = settings.flags
    status, code, destination = n.status, n.code, message.destination
    payload: dict[str, Any] = {
        "messageId": n.part_id,
        "recipient": f"+{destination}",
        "status": "ERROR" if status in _ERRORS else status.value,
        "message": ack_text(n, gmt="ackTimeInGMT" in flags, moment=moment),
    }
    if "ackOperatorId" in flags:
        payload["operatorId"] = operator_id(destination)
    if "ackCountryCode" in flags:
        payload["countryCode"] = country_code(destination)
    if code is not None:
        payload["errorCode"] = code
        payload["retriable"] = bool(n.retriable)
    elif status is MessageStatus.RETRYING:
        # Live Link is retrying itself: a customer who resent now could get the message to the handset twice.
        payload["retriable"] = False
    if "ackFinalStatus" in flags:
        payload["finalStatus"] = is_final(status, message.handset_ack)
    if "ackInternalStatus" in flags:
        payload["internalStatus"] = code or status.value
    if "ackDeliveredTime" in flags and status in (MessageStatus.DELIVERED, MessageStatus.RECEIVED):
        payload["deliveredTime"] = iso(n.created_at)
    if "ackMTReceivedTime" in flags:
        payload["mtReceivedTime"] = iso(message.created_at)
    if "ackTpoa" in flags and message.origin:
        payload["tpoa"] = message.origin
    if message.client_ref:
        payload["subject"] = message.client_ref
    return payload


def ack_text(n: Notification, *, gmt: bool = True, moment: Moment | None = None) -> str:
    """The sentence an ACK carries, e.g. "Message 1 of the order 123 ... has been delivered at ..."."""
    if gmt:
        (clock, day), zone = (moment or gmt_moment)(math.floor(n.created_at)), "(GMT)"
    else:
        local = to_datetime(n.created_at).astimezone()
        clock, day, zone = f"{local:%H:%M:%S}", f"{local:%d-%m-%Y}", f"({zone_label(local)})"
    text = (
        f"Message {n.part_index + 1} of the order {n.message_id} at destination of +{n.destination} "
        f"{_VERBS[n.status]} at {clock} {zone} on the {day}."
    )
    return f"{text} Error {n.code}." if n.code else text


def zone_label(moment: datetime) -> str:
    """The zone ``moment`` is written in, as of that moment (summer time included): its abbreviation, such as
    ``CET`` or ``EDT``, or ``GMT+05:30`` where the zone has none (e.g. ``+0530``)."""
    name = moment.tzname() or ""
    if name.isalpha():
        return name
    offset = moment.strftime("%z")  # ±HHMM, and SS when the offset has seconds
    return "GMT" if offset[1:5] in ("", "0000") else f"GMT{offset[:3]}:{offset[3:5]}"


def gmt_moment(second: int) -> tuple[str, str]:
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
    return [json_post(account.mo_callback, kept_json(mo_payload(mo, account, replied_to)))]


def mo_payload(mo: MoMessage, account: Account, replied_to: Message | None) -> dict[str, Any]:
    """The documented MO shape; a text outside GSM 03.38 travels hex-encoded with ``dcs: UTF8``."""
    gsm = is_gsm7(mo.text)
    received = to_datetime(mo.received_at)
    return {
        "message": mo.text if gsm else mo.text.encode("utf-8").hex(),
        "messageId": mo.id,
        "msisdn": f"+{mo.sender}",
        "originatingAddress": mo.recipient,
        "parameters": {
            "accountId": client_id(account),
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


def client_id(account: Account) -> str:
    """The account's number at Live Link, else its name."""
    value = account.credentials.get(PROVIDER, {}).get("client_id")
    return account.name if value is None else str(value)


class LiveLinkCallbacks:
    """Live Link's callback requests: the part of the dialect the engine is given, needing no gateway. An instance
    renders the status ACKs of one dialect instance, and the clock strings of its pulled ACKs.

    Two bounded memories, each forgotten whole when full: the ACK settings of each distinct set of request
    options (clients send the same few; equal options mean equal settings, as every setting is a string compared
    or a flag taken as a bool, which ``True == 1`` does not confuse), and the clock strings of recent seconds
    (notifications fall due together).
    """

    provider = PROVIDER
    mo_calls = staticmethod(mo_calls)

    def __init__(self) -> None:
        self._settings: dict[Options, AckSettings] = {}
        self._moments: dict[int, tuple[str, str]] = {}

    def status_calls(self, message: Message, notification: Notification, account: Account) -> list[HttpCall]:
        settings = self._settings.get(message.options) or _remember(
            self._settings, message.options, ack_settings(message.options)
        )
        if not settings.wants(notification.status, message.handset_ack):
            return []
        targets = message.callbacks or ((account.status_callback,) if account.status_callback else ())
        if not targets:
            return []
        body = kept_json(ack_payload(message, notification, settings, self.moment))
        return [json_post(target, body) for target in targets]

    def moment(self, second: int) -> tuple[str, str]:
        return self._moments.get(second) or _remember(self._moments, second, gmt_moment(second))
