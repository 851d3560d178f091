"""Status notifications and replies as TextApp pushes them: GET query strings, codes from the catalogue."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

import pytest

from mockgateway.dialects.textapp import callbacks
from mockgateway.domain.model import (
    Account,
    CallbackTarget,
    Encoding,
    Message,
    MessageStatus,
    MoMessage,
    Notification,
    Scalar,
)
from mockgateway.domain.reasons import CODES
from tests.conftest import SHARED, T0

S = MessageStatus
P = pytest.param
ACCOUNT = Account(name="demo")


def message(callback: str | None = "https://example.com/dlr.aspx", parts: int = 2, **options: Scalar) -> Message:
    return Message(
        id="1000000001",
        account="demo",
        provider="textapp",
        destination="447812234567",
        origin="MyShop",
        text="hello",
        encoding=Encoding.GSM7,
        part_ids=tuple(str(1000000001 + i) for i in range(parts)),
        created_at=T0,
        client_ref="YourReference",
        callbacks=(CallbackTarget(url=callback),) if callback else (),
        options=tuple(options.items()),
    )


def notification(
    status: MessageStatus, part: int = 0, reason: str | None = None, code: str | None = None
) -> Notification:
    return Notification(
        id="n1",
        message_id="1000000001",
        account="demo",
        provider="textapp",
        part_index=part,
        part_id=str(1000000001 + part),
        status=status,
        created_at=T0,
        reason=reason,
        code=code,
    )


def test_status_callback_golden() -> None:
    [call] = callbacks.status_calls(message(), notification(S.DELIVERED, part=1), ACCOUNT)
    assert (call.method, call.body, call.content_type) == ("GET", b"", None)
    assert call.url == (
        "https://example.com/dlr.aspx?destination=%2B447812234567&messagestatuscode=400"
        "&clientmessagereference=YourReference&messagereference=1000000001&partcurrent=2&parttotal=2"
    )


def test_parameter_names_are_the_seed_documents() -> None:
    seeds = sorted((SHARED / "seeds").glob("002_*")) if SHARED.is_dir() else []
    if not seeds:
        pytest.skip(f"the TextApp seed document (seeds/002_*) is not under {SHARED}")
    example = re.search(r"URL\?(\S+)", seeds[0].read_text(encoding="utf-8"))
    assert example is not None, "the seed's example notification URL was not found"
    documented = [name for name, _ in parse_qsl(example.group(1))]
    ours = [name for name, _ in callbacks.status_query(message(), notification(S.SENT))]
    assert ours == documented


@pytest.mark.parametrize(
    ("status", "reason", "code", "expected"),
    [
        P(S.SENT, None, None, "602", id="sent"),
        P(S.RETRYING, None, None, "603", id="retrying"),
        P(S.DELIVERED, None, None, "400", id="delivered"),
        P(S.RECEIVED, None, None, "400", id="received"),
        P(S.FAILED, None, None, "511", id="failed-no-reason"),
        P(S.FAILED, "validity_expired", "503", "503", id="reason-code"),
        P(S.FAILED, "blocked_recipient", None, "515", id="opted-out"),
        P(S.FAILED, None, "514", "514", id="scenario-code"),
        P(S.FAILED, "network_temporary", "DB62", "512", id="another-providers-code"),
        P(S.SENT, None, "600", "600", id="intermediate-code"),
    ],
)
def test_message_status_code(status: MessageStatus, reason: str | None, code: str | None, expected: str) -> None:
    assert callbacks.status_code(notification(status, reason=reason, code=code)) == expected


def test_every_catalogue_code_is_a_documented_status_code() -> None:
    """400-499 final success, 500-599 final failure, 600-699 intermediate (seed 002)."""
    for row in (r for r in CODES if r.provider == "textapp"):
        group = int(row.code) // 100
        assert group == {S.DELIVERED: 4, S.FAILED: 5}.get(row.status, 6), row


def test_no_url_no_callback() -> None:
    assert callbacks.status_calls(message(callback=None), notification(S.SENT), ACCOUNT) == []


def test_account_status_url_when_the_request_gives_none() -> None:
    account = Account(name="demo", status_callback=CallbackTarget(url="https://example.com/status?site=1"))
    [call] = callbacks.status_calls(message(callback=None), notification(S.SENT), account)
    assert call.url.startswith("https://example.com/status?site=1&destination=%2B447812234567&")


def test_request_url_wins_over_the_account_url() -> None:
    account = Account(name="demo", status_callback=CallbackTarget(url="https://example.com/account"))
    [call] = callbacks.status_calls(message(), notification(S.SENT), account)
    assert urlsplit(call.url).path == "/dlr.aspx"


def mo(recipient: str = "+447700900000", text: str = "Yes & no") -> MoMessage:
    return MoMessage(
        id="m1",
        account="demo",
        provider="textapp",
        sender="447787654321",
        recipient=recipient,
        text=text,
        received_at=T0 + 3723,
        in_reply_to="1000000001",
    )


def test_reply_to_url_golden() -> None:
    replied = message(replyMethodID=5, replyData="http://mycompany.co.uk/reply.aspx")
    [call] = callbacks.mo_calls(mo(), ACCOUNT, replied)
    assert (call.method, call.body) == ("GET", b"")
    assert call.url == (
        "http://mycompany.co.uk/reply.aspx?originator=%2B447787654321&destination=%2B447700900000"
        "&date=01%2F01%2F2026&time=01%3A02%3A03&body=Yes+%26+no"
    )


@pytest.mark.parametrize("method", [1, 2, 3, 4])
def test_other_reply_methods_push_nothing(method: int) -> None:
    assert callbacks.mo_calls(mo(), ACCOUNT, message(replyMethodID=method)) == []


@pytest.mark.parametrize("replied", [None, message(replyMethodID=3)], ids=["unlinked", "stored-reply"])
def test_account_reply_url(replied: Message | None) -> None:
    account = Account(name="demo", mo_callback=CallbackTarget(url="https://example.com/mo"))
    [call] = callbacks.mo_calls(mo(recipient="447700900000"), account, replied)
    assert call.url.startswith("https://example.com/mo?originator=%2B447787654321&destination=%2B447700900000&")


def test_reply_url_of_the_message_wins_over_the_account_url() -> None:
    account = Account(name="demo", mo_callback=CallbackTarget(url="https://example.com/mo"))
    replied = message(replyMethodID=5, replyData="https://example.com/reply")
    [call] = callbacks.mo_calls(mo(), account, replied)
    assert urlsplit(call.url).path == "/reply"
