"""Callbacks to receivers protected by OAuth2 client credentials."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs

from mockgateway.clock import FakeClock
from mockgateway.dispatch.policy import RetryPolicy
from mockgateway.dispatch.transport import HttpTransport
from mockgateway.domain.model import DeliveryState, HttpCall
from tests.conftest import T0
from tests.dispatch.conftest import CLIENT_ID, CLIENT_SECRET, Factory, Receiver, SignallingStore, delivery, oauth2


async def test_callbacks_carry_a_bearer_token_fetched_once(
    receiver: Receiver, make_dispatcher: Factory, store: SignallingStore
) -> None:
    dispatcher = make_dispatcher()
    dispatcher.enqueue(delivery(receiver.url("/cb"), "d1", oauth=oauth2(receiver)))
    dispatcher.enqueue(delivery(receiver.url("/cb"), "d2", oauth=oauth2(receiver)))
    dispatcher.run_due()
    await dispatcher.drain()

    for delivery_id in ("d1", "d2"):
        done = await store.get_delivery(delivery_id)
        assert done is not None
        assert done.state is DeliveryState.DELIVERED
    assert [s.headers["Authorization"] for s in receiver.hits("/cb")] == ["Bearer tok-1", "Bearer tok-1"]
    [grant] = receiver.token_requests
    assert parse_qs(grant.body.decode()) == {"grant_type": ["client_credentials"]}
    assert grant.headers["Content-Type"] == "application/x-www-form-urlencoded"
    credentials = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    assert grant.headers["Authorization"] == f"Basic {credentials}"


async def test_a_refused_token_request_is_a_failed_attempt(
    receiver: Receiver, make_dispatcher: Factory, store: SignallingStore
) -> None:
    dispatcher = make_dispatcher()
    dispatcher.enqueue(delivery(receiver.url("/cb"), oauth=oauth2(receiver, secret="wrong")))
    dispatcher.run_due()
    await dispatcher.drain()

    waiting = await store.get_delivery("d1")
    assert waiting is not None
    [attempt] = waiting.attempts
    assert attempt.status is None
    assert attempt.error is not None
    assert attempt.error.startswith(f"token endpoint {receiver.url('/token')} answered 401"), attempt.error
    assert "invalid_client" in attempt.error
    assert waiting.state is DeliveryState.PENDING, "the token endpoint may come back: retried"
    assert receiver.hits("/cb") == [], "no callback goes out without a token"


async def test_a_silent_token_endpoint_times_the_attempt_out(
    receiver: Receiver, make_dispatcher: Factory, store: SignallingStore
) -> None:
    receiver.hold("/token")
    dispatcher = make_dispatcher(RetryPolicy(timeout_s=0.2))
    dispatcher.enqueue(delivery(receiver.url("/cb"), oauth=oauth2(receiver)))
    dispatcher.run_due()
    await dispatcher.drain()

    waiting = await store.get_delivery("d1")
    assert waiting is not None
    assert [a.error for a in waiting.attempts] == [
        f"timed out after 0.2 s waiting for a token from {receiver.url('/token')}"
    ]
    assert receiver.hits("/cb") == []


async def test_a_401_from_the_receiver_drops_the_token_and_the_retry_gets_a_new_one(
    receiver: Receiver, make_dispatcher: Factory, store: SignallingStore, clock: FakeClock
) -> None:
    receiver.scripts["/cb"] = [401]
    dispatcher = make_dispatcher(RetryPolicy(delays=(1.0,)))
    dispatcher.enqueue(delivery(receiver.url("/cb"), oauth=oauth2(receiver)))
    dispatcher.run_due()
    await dispatcher.drain()
    refused = await store.get_delivery("d1")
    assert refused is not None
    assert refused.state is DeliveryState.PENDING
    assert "cached token dropped" in (refused.attempts[0].error or "")

    clock.advance(1.0)
    dispatcher.run_due()
    await dispatcher.drain()
    done = await store.get_delivery("d1")
    assert done is not None
    assert done.state is DeliveryState.DELIVERED
    assert [s.headers["Authorization"] for s in receiver.hits("/cb")] == ["Bearer tok-1", "Bearer tok-2"]
    assert len(receiver.token_requests) == 2


async def test_a_401_without_oauth2_is_final(
    receiver: Receiver, make_dispatcher: Factory, store: SignallingStore
) -> None:
    receiver.scripts["/cb"] = [401]
    dispatcher = make_dispatcher()
    dispatcher.enqueue(delivery(receiver.url("/cb")))
    dispatcher.run_due()
    await dispatcher.drain()
    failed = await store.get_delivery("d1")
    assert failed is not None
    assert failed.state is DeliveryState.FAILED


async def test_the_token_is_renewed_when_it_runs_out(receiver: Receiver) -> None:
    wall = FakeClock(T0)
    transport = HttpTransport(now=wall.now)
    call = HttpCall(method="POST", url=receiver.url("/cb"), body=b"{}", oauth2=oauth2(receiver))
    try:
        assert (await transport.send(call, 5)).ok
        wall.advance(3000)
        assert (await transport.send(call, 5)).ok
        assert len(receiver.token_requests) == 1
        wall.advance(600)  # past expires_in=3600
        assert (await transport.send(call, 5)).ok
    finally:
        await transport.close()
    assert [s.headers["Authorization"] for s in receiver.hits("/cb")] == ["Bearer tok-1"] * 2 + ["Bearer tok-2"]
