"""GetSMSReply: replies to replyMethodID 3 messages, pulled once each, in the documented XML or as CSV."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from mockgateway.clock import FakeClock
from mockgateway.service.gateway import Gateway
from tests.dialects.textapp.conftest import golden, post, send_params

REPLY_PATH = "+447700900000"
LOGIN = {"externalLogin": "demo-login", "password": "demo-password"}


async def stored_replies(client: TestClient[Any, Any], gateway: Gateway, clock: FakeClock) -> None:
    """Two replyMethodID 3 messages answered, and one replyMethodID 1 message answered too."""
    await post(client, send_params(replyMethodID="3", originator="", clientMessageReference="afk758", body="Reply?"))
    await post(client, send_params(replyMethodID="1", destinations="+447700900124", body="No reply path"))
    await post(client, send_params(replyMethodID="3", destinations="+447700900125", clientMessageReference="afk759"))
    clock.advance(3661)
    await gateway.inject_mo("+447700900123", REPLY_PATH, "hello <world> & co")
    await gateway.inject_mo("+447700900124", "MyShop", "not stored for pulling")
    await gateway.inject_mo("+447700900125", REPLY_PATH, "second")


async def test_replies_for_one_reference(client: TestClient[Any, Any], gateway: Gateway, clock: FakeClock) -> None:
    await stored_replies(client, gateway, clock)

    text = await post(client, {"clientMessageReference": "afk758", **LOGIN}, method="GetSMSReply")

    assert text == golden("get_sms_reply.xml")


async def test_each_reply_is_handed_out_once(client: TestClient[Any, Any], gateway: Gateway, clock: FakeClock) -> None:
    await stored_replies(client, gateway, clock)

    first = await post(client, {"clientMessageReference": "", **LOGIN}, method="getsmsreply")
    again = await post(client, LOGIN, method="GetSMSReply")

    assert first.count("<Reply>") == 2, "a blank reference pulls every waiting reply"
    assert "not stored for pulling" not in first
    assert again == (
        "<GetSMSReplyResponse><Transaction><Code>1</Code><Description>Transaction OK</Description>"
        "</Transaction><Replies></Replies></GetSMSReplyResponse>"
    )


async def test_csv(client: TestClient[Any, Any], gateway: Gateway, clock: FakeClock) -> None:
    await stored_replies(client, gateway, clock)

    text = await post(client, {"returnCSVString": "true", **LOGIN}, method="GetSMSReply")

    assert text == golden("get_sms_reply.csv").replace("\n", "\r\n") + "\r\n"


async def test_needs_a_login(client: TestClient[Any, Any]) -> None:
    text = await post(client, {"externalLogin": "demo-login", "password": "nope"}, method="GetSMSReply")
    assert text.startswith("<GetSMSReplyResponse><Transaction><Code>201</Code>")
