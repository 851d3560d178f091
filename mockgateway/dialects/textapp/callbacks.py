"""TextApp's pushed requests: status notifications and replies, both as GET query strings."""

from __future__ import annotations

from mockgateway.clock import to_datetime
from mockgateway.dialects.base import ModuleCallbacks, query_get
from mockgateway.dialects.textapp.codes import PROVIDER
from mockgateway.dialects.textapp.sendsms import NO_STATUS_URL, URL
from mockgateway.domain.model import Account, CallbackTarget, HttpCall, Message, MessageStatus, MoMessage, Notification
from mockgateway.domain.reasons import default_code, notification_code

#: Statuses the catalogue has no TextApp row for: a handset receipt is "Delivered to handset" too.
_NO_ROW = {MessageStatus.RECEIVED: "400", MessageStatus.ACCEPTED: "601"}


def status_code(notification: Notification) -> str:
    """``messagestatuscode``, always in the status's range (a retry is 603, never a 5xx failure): the scenario's
    code when it is a TextApp one of that range, else the reason's, else the status's."""
    status = notification.status
    return notification_code(PROVIDER, status, notification.reason, notification.code) or _NO_ROW.get(status, "599")


def code_for_status(status: MessageStatus) -> str:
    """The status's own ``messagestatuscode``, whatever reason or scenario code came with it."""
    return default_code(PROVIDER, status) or _NO_ROW.get(status, "599")


def status_calls(message: Message, notification: Notification, account: Account) -> list[HttpCall]:
    """One GET per part and status change to ``statusNotificationUrl``, or to the account's status URL when the
    parameter was absent. Given empty, it asks for no notifications, as TextApp's documentation says."""
    if message.option(NO_STATUS_URL) == "":
        return []
    targets = message.callbacks or ((account.status_callback,) if account.status_callback else ())
    query = status_query(message, notification)
    return [query_get(target, query) for target in targets]


def status_query(message: Message, notification: Notification) -> list[tuple[str, str]]:
    return [
        ("destination", f"+{message.destination}"),
        ("messagestatuscode", status_code(notification)),
        ("clientmessagereference", message.client_ref or ""),
        ("messagereference", message.id),
        ("partcurrent", str(notification.part_index + 1)),
        ("parttotal", str(len(message.part_ids))),
    ]


def mo_calls(mo: MoMessage, account: Account, replied_to: Message | None) -> list[HttpCall]:
    """A reply to a replyMethodID 5 message goes to its ``replyData`` URL; any other reply goes to the
    account's reply URL when it has one (replyMethodID 3 replies also wait for GetSMSReply)."""
    target = account.mo_callback
    if replied_to is not None and replied_to.provider == PROVIDER and replied_to.option("replyMethodID") == URL:
        url = replied_to.option("replyData")
        target = CallbackTarget(url=url) if isinstance(url, str) else target
    if target is None:
        return []
    received = to_datetime(mo.received_at)
    query = [
        ("originator", f"+{mo.sender}"),
        ("destination", international(mo.recipient)),
        ("date", received.strftime("%d/%m/%Y")),
        ("time", received.strftime("%H:%M:%S")),
        ("body", mo.text),
    ]
    return [query_get(target, query)]


def international(number: str) -> str:
    """A long number with its '+'; a short code or a sender name as it is."""
    return f"+{number}" if number.isdigit() and len(number) > 6 else number


#: TextApp's callback requests.
TEXTAPP_CALLBACKS = ModuleCallbacks(provider=PROVIDER, status_calls=status_calls, mo_calls=mo_calls)
