"""Values for the storage tests; times are offsets from ``T0`` on the gateway clock."""

from __future__ import annotations

from mockgateway.domain.model import (
    Attempt,
    CallbackTarget,
    Delivery,
    DeliveryState,
    Encoding,
    HttpCall,
    Message,
    MessageStatus,
    MoMessage,
    Notification,
    OAuth2Credentials,
)
from tests.conftest import T0

HOUR = 3600.0
OAUTH = OAuth2Credentials(client_id="id", client_secret="secret", token_url="https://t.example")


def message(
    id_: str = "1000000001",
    *,
    account: str = "demo",
    at: float = 0.0,
    parts: int = 1,
    destination: str = "447700900001",
) -> Message:
    return Message(
        id=id_,
        account=account,
        provider="livelink",
        destination=destination,
        origin="447700900999",
        text="Hello Wörld",
        encoding=Encoding.UCS2,
        part_ids=tuple(str(int(id_) + i) for i in range(parts)),
        created_at=T0 + at,
        status_at=T0 + at,
        client_ref="ref-1",
        validity_s=3600,
        handset_ack=True,
        callbacks=(CallbackTarget(url="https://cb.example/ack", oauth2=OAUTH),),
        options=(("api", "v2"), ("ackType", "MESSAGE"), ("acknowledgement", True)),
        scenario="default",
    )


def notification(
    id_: str,
    *,
    at: float = 0.0,
    account: str = "demo",
    status: MessageStatus = MessageStatus.SENT,
    message_id: str = "1000000001",
    part: int = 0,
    code: str | None = None,
    provider: str = "livelink",
) -> Notification:
    return Notification(
        id=id_,
        message_id=message_id,
        account=account,
        provider=provider,
        part_index=part,
        part_id=str(int(message_id) + part),
        status=status,
        created_at=T0 + at,
        reason="absent_subscriber" if code else None,
        code=code,
        retriable=True if code else None,
        destination="447700900001",
        scenario="default",
    )


def mo(id_: str, *, at: float = 0.0, account: str = "demo", text: str = "Yes please", sender: str = "447700900001",
       reply_to: str | None = "1000000001", provider: str = "livelink") -> MoMessage:  # fmt: skip
    return MoMessage(
        id=id_,
        account=account,
        provider=provider,
        sender=sender,
        recipient="447700900999",
        text=text,
        received_at=T0 + at,
        in_reply_to=reply_to,
    )


def delivery(
    id_: str,
    *,
    subject: str = "n1",
    kind: str = "status",
    at: float = 0.0,
    state: DeliveryState = DeliveryState.PENDING,
    delivered: float | None = None,
    account: str = "demo",
    message_id: str | None = "1000000001",
) -> Delivery:
    attempts = (
        () if state is DeliveryState.PENDING else (Attempt(at=T0 + (delivered or at), status=200, latency_ms=3.5),)
    )
    return Delivery(
        id=id_,
        account=account,
        kind=kind,
        subject_id=subject,
        message_id=message_id,
        call=HttpCall(
            method="POST",
            url="https://cb.example/ack",
            body=b'{"status":"SENT"}',
            content_type="application/json",
            oauth2=OAUTH,
        ),
        created_at=T0 + at,
        state=state,
        attempts=attempts,
        next_attempt_at=T0 + at if state is DeliveryState.PENDING else None,
        delivered_at=None if delivered is None else T0 + delivered,
    )
