"""The sandbox: callbacks and token requests cannot reach internal addresses, checked where they connect."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest
from aiohttp import web

from mockgateway.dispatch.sandbox import AddressPolicy, SandboxRefused
from mockgateway.dispatch.transport import HttpTransport
from mockgateway.domain.model import HttpCall, OAuth2Credentials
from tests.dispatch.conftest import AiohttpServer, Receiver, oauth2

LOOPBACK_ONLY = AddressPolicy.from_config(["127.0.0.1/32"])


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "a loopback"),
        ("::1", "a loopback"),
        ("::ffff:127.0.0.1", "a loopback"),  # an IPv4 address written as IPv6 is the same address
        ("10.1.2.3", "a private"),
        ("172.16.0.1", "a private"),
        ("192.168.1.1", "a private"),
        ("fd00::1", "a private"),
        ("169.254.169.254", "a link-local"),  # cloud metadata endpoints
        ("fe80::1%eth0", "a link-local"),
        ("224.0.0.1", "a multicast"),
        ("ff02::1", "a multicast"),
        ("0.0.0.0", "an unspecified"),
        ("240.0.0.1", "a reserved"),
        ("100.64.0.1", "a non-public"),  # carrier-grade NAT
    ],
)
def test_internal_addresses_are_refused_with_their_kind(address: str, kind: str) -> None:
    reason = AddressPolicy().refusal(address)
    assert reason is not None
    assert f"is {kind} address" in reason
    assert "callbacks.allow_networks" in reason


@pytest.mark.parametrize("address", ["8.8.8.8", "93.184.216.34", "2001:4860:4860::8888"])
def test_public_addresses_pass(address: str) -> None:
    assert AddressPolicy().refusal(address) is None


def test_listed_networks_pass_and_only_those() -> None:
    policy = AddressPolicy.from_config(["10.0.0.0/8", "::1"])
    assert policy.refusal("10.200.0.1") is None
    assert policy.refusal("::1") is None
    assert policy.refusal("192.168.0.1") is not None
    assert policy.refusal("127.0.0.1") is not None


def test_a_bad_network_names_its_entry() -> None:
    with pytest.raises(ValueError, match=r"allow_networks\[1\]: 'ten' is not an address or network"):
        AddressPolicy.from_config(["10.0.0.0/8", "ten"])


def test_the_first_allowed_resolved_address_is_chosen() -> None:
    assert LOOPBACK_ONLY.first_allowed("h", ["10.0.0.1", "127.0.0.1"]) == "127.0.0.1"
    with pytest.raises(SandboxRefused, match=r"10\.0\.0\.1 is a private address"):
        LOOPBACK_ONLY.first_allowed("h", ["10.0.0.1", "192.168.0.1"])
    with pytest.raises(SandboxRefused, match="h resolves to no address"):
        LOOPBACK_ONLY.first_allowed("h", [])


async def _send(transport: HttpTransport, url: str, oauth: OAuth2Credentials | None = None) -> Any:
    try:
        return await transport.send(HttpCall(method="POST", url=url, body=b"{}", oauth2=oauth), 5.0)
    finally:
        await transport.close()


@pytest.mark.parametrize("lean", [True, False], ids=["lean-client", "aiohttp"])
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])  # a literal, and a name resolved to loopback
async def test_a_callback_to_loopback_is_refused_and_nothing_arrives(receiver: Receiver, lean: bool, host: str) -> None:
    url = receiver.url("/acks").replace("127.0.0.1", host)
    result = await _send(HttpTransport(sandbox=AddressPolicy(), lean=lean), url)
    assert result.status is None
    assert "refused by the sandbox" in result.error
    assert "loopback address" in result.error
    assert receiver.seen == []


@pytest.mark.parametrize("lean", [True, False], ids=["lean-client", "aiohttp"])
async def test_a_listed_network_is_reached(receiver: Receiver, lean: bool) -> None:
    result = await _send(HttpTransport(sandbox=LOOPBACK_ONLY, lean=lean), receiver.url("/acks"))
    assert result.ok, result.error
    assert len(receiver.hits("/acks")) == 1


async def test_without_the_sandbox_loopback_is_reached(receiver: Receiver) -> None:
    result = await _send(HttpTransport(), receiver.url("/acks"))
    assert result.ok


async def test_an_oauth2_token_request_is_refused_too(receiver: Receiver, aiohttp_server: AiohttpServer) -> None:
    # The callback's own address is allowed; the token endpoint, on another loopback address, is not.
    other = Receiver()
    other.server = await aiohttp_server(other.app(), host="127.0.0.2")
    credentials = oauth2(other)
    result = await _send(HttpTransport(sandbox=LOOPBACK_ONLY), receiver.url("/acks"), credentials)
    assert result.status is None
    assert "127.0.0.2 is a loopback address" in result.error
    assert other.token_requests == []
    assert receiver.seen == []


async def test_each_new_connection_is_checked_again_after_resolution(
    aiohttp_server: AiohttpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name that resolves to an allowed address, then (rebinding) to a refused one, is refused the second time."""

    async def close_each_time(request: web.Request) -> web.Response:
        return web.Response(headers={"Connection": "close"})  # so the next attempt opens a new connection

    app = web.Application()
    app.router.add_post("/acks", close_each_time)
    server = await aiohttp_server(app, host="127.0.0.1")
    answers = iter(["127.0.0.1", "127.0.0.2"])
    loop = asyncio.get_running_loop()

    async def rebinding(host: str, port: int, **kwargs: Any) -> list[Any]:
        assert host == "callbacks.example"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    monkeypatch.setattr(loop, "getaddrinfo", rebinding)
    transport = HttpTransport(sandbox=LOOPBACK_ONLY)
    url = f"http://callbacks.example:{server.port}/acks"
    call = HttpCall(method="POST", url=url, body=b"{}")
    try:
        first = await transport.send(call, 5.0)
        second = await transport.send(call, 5.0)
    finally:
        await transport.close()
    assert first.ok, first.error
    assert second.status is None
    assert "127.0.0.2 is a loopback address" in second.error
