"""Mobivate's webhooks: delivery receipts and incoming messages, as JSON POSTs.

Mobivate reports a message, not its parts (``parts`` is their count), so one receipt is sent per status change
of the message's last part, carrying the status of the message as a whole: with every part on the same
timeline that is each change once, and a failure of an earlier part shows in the final receipt.
"""

from __future__ import annotations

from typing import Any

from mockgateway.dialects.base import ModuleCallbacks, json_post
from mockgateway.dialects.fields import kept_json
from mockgateway.dialects.mobivate import wire
from mockgateway.domain.model import Account, HttpCall, Message, MessageStatus, MoMessage, Notification


def status_calls(message: Message, n: Notification, account: Account) -> list[HttpCall]:
    if n.status is MessageStatus.ACCEPTED or n.part_index != len(message.part_ids) - 1:
        return []
    targets = message.callbacks or ((account.status_callback,) if account.status_callback else ())
    body = kept_json(receipt_payload(message, n))
    return [json_post(target, body) for target in targets]


def receipt_payload(message: Message, n: Notification) -> dict[str, Any]:
    # The message's status after ``n``: the notification's own code when it set that status.
    if message.status is n.status or (n.status is MessageStatus.RECEIVED and message.status.is_final):
        status = wire.wire_status(n.status, n.code, n.reason)
    else:
        status = wire.wire_status(message.status, None, message.reason)
    return {
        "deliveryMessageId": wire.hex_id(message.id),
        "batchId": message.option("batchId"),
        "clientReference": message.client_ref,
        "created": wire.receipt_time(n.created_at),
        "status": status.name,
        "statusCode": status.code,
        "parts": len(message.part_ids),
        "hlr": None,
    }


def mo_calls(mo: MoMessage, account: Account, replied_to: Message | None) -> list[HttpCall]:
    if account.mo_callback is None:
        return []
    return [json_post(account.mo_callback, kept_json(incoming_payload(mo)))]


def incoming_payload(mo: MoMessage) -> dict[str, Any]:
    """For an incoming message ``originator`` is the handset and ``recipient`` the account's number."""
    return {
        "id": wire.hex_id(mo.id),
        "originator": mo.sender,
        "recipient": mo.recipient,
        "body": mo.text,
        "created": wire.log_time(mo.received_at),
        "inReplyTo": wire.hex_id(mo.in_reply_to) if mo.in_reply_to else None,
        "logicalMessageId": wire.logical_id(mo.id),
        "ownerUserId": wire.owner_user_id(mo.account),
    }


#: Mobivate's callback requests.
MOBIVATE_CALLBACKS = ModuleCallbacks(provider=wire.PROVIDER, status_calls=status_calls, mo_calls=mo_calls)
