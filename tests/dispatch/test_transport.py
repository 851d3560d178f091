"""HttpTransport never raises: every failure is a result with words in it."""

from __future__ import annotations

import pytest

from mockgateway.dispatch.transport import HttpTransport, TokenError, parse_token_response
from mockgateway.domain.model import HttpCall
from tests.dispatch.conftest import Receiver


async def test_a_malformed_url_is_an_error_result() -> None:
    transport = HttpTransport()
    try:
        result = await transport.send(HttpCall(method="POST", url="not a url"), 1)
    finally:
        await transport.close()
    assert result.status is None
    assert result.error
    assert not result.ok


async def test_redirects_are_not_followed(receiver: Receiver) -> None:
    receiver.scripts["/moved"] = [302]
    transport = HttpTransport()
    try:
        result = await transport.send(HttpCall(method="POST", url=receiver.url("/moved"), body=b"{}"), 5)
    finally:
        await transport.close()
    assert result.status == 302
    assert result.error == "receiver answered 302"
    assert len(receiver.seen) == 1


async def test_a_closed_transport_reports_it() -> None:
    transport = HttpTransport()
    await transport.close()
    result = await transport.send(HttpCall(method="POST", url="http://127.0.0.1:9/cb"), 1)
    assert result.error == "RuntimeError: the transport is closed"


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (500, b"", "answered 500"),
        (200, b"[]", "answered 200 without a JSON object"),
        (200, b"<html>", "answered 200 without a JSON object"),
        (200, b'{"token_type":"Bearer"}', "without an access_token"),
        (200, b'{"access_token":""}', "without an access_token"),
        (200, b'{"access_token":"t","expires_in":"soon"}', "expires_in 'soon' is not a number of seconds"),
        (200, b'{"access_token":"t","expires_in":-5}', "expires_in -5 is not a number of seconds"),
    ],
)
def test_bad_token_answers_are_explained(status: int, body: bytes, message: str) -> None:
    with pytest.raises(TokenError, match=f"^token endpoint http://t/token.*{message}"):
        parse_token_response("http://t/token", status, body)


def test_token_lifetime_defaults_when_left_out() -> None:
    assert parse_token_response("u", 200, b'{"access_token":"t"}') == ("t", 300.0)
    assert parse_token_response("u", 200, b'{"access_token":"t","expires_in":"60"}') == ("t", 60.0)
