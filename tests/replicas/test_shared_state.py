"""Opt-outs, runtime callback targets and tokens changed on one replica are in force on the others."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from mockgateway.accounts import DEMO_ACCOUNT
from mockgateway.service import tokens
from tests.conftest import basic
from tests.replicas.conftest import Client, Replica, settled

MOBIVATE = {"Authorization": "Bearer demo-mobivate-key"}
LIVELINK_APP = basic("demo-app-key", "demo-app-secret")
HANDSET = "447700900123"


async def _json(response: Any, status: int = 200) -> Any:
    assert response.status == status, await response.text()
    return await response.json()


async def _opted_out(client: Client) -> list[tuple[str, str]]:
    listed = await _json(await client.get("/addressbook/optout", headers=MOBIVATE))
    return [(entry["mobile"], entry["note"]) for entry in listed]


async def _mobivate_send(client: Client, to: str) -> int:
    body = {"originator": "Test", "recipient": to, "body": "Hi", "routeId": "mglobal"}
    return (await client.post("/send/single", json=body, headers=MOBIVATE)).status


async def test_a_stop_reply_on_one_replica_opts_the_number_out_on_every_replica(replicas: list[Replica]) -> None:
    a, b, c = replicas
    stop = {"from": HANDSET, "to": "447700900000", "text": "STOP", "account": "demo"}
    await _json(await a.client.post("/__admin/mo", json=stop), 201)
    await settled(replicas)

    for replica in (b, c):
        assert await _opted_out(replica.client) == [(HANDSET, "MO")]
        assert await _mobivate_send(replica.client, HANDSET) == 403


async def test_opt_outs_through_the_provider_api_are_added_and_removed_on_every_replica(
    replicas: list[Replica],
) -> None:
    a, b, c = replicas
    await _json(await b.client.post("/addressbook/optout", json={"mobile": HANDSET}, headers=MOBIVATE))
    await settled(replicas)
    assert await _opted_out(a.client) == await _opted_out(c.client) == [(HANDSET, "API")]

    await _json(await c.client.delete("/addressbook/optout", json={"mobile": HANDSET}, headers=MOBIVATE))
    await settled(replicas)
    assert await _opted_out(a.client) == await _opted_out(b.client) == []
    assert await _mobivate_send(a.client, HANDSET) == 200


async def _demo(client: Client) -> dict[str, Any]:
    accounts = (await _json(await client.get("/__admin/accounts")))["accounts"]
    return next(account for account in accounts if account["name"] == "demo")


async def test_callback_targets_put_on_one_replica_are_in_force_on_every_replica(replicas: list[Replica]) -> None:
    a, b, c = replicas
    wide = {"status_callback": "http://127.0.0.1:9/acks", "mo_callback": None}
    await _json(await a.client.put("/__admin/accounts/demo/callbacks", json=wide))
    own = {"mo_callback": "http://127.0.0.1:9/livelink-mo"}
    changed = await _json(await b.client.put("/__admin/accounts/demo/callbacks/livelink", json=own))
    await settled(replicas)
    assert await _demo(a.client) == await _demo(c.client) == changed

    c.gateway.restore_callbacks(DEMO_ACCOUNT)
    await settled(replicas)
    assert await _demo(a.client) == await _demo(b.client) == await _demo(c.client) != changed


async def _token(client: Client) -> dict[str, Any]:
    return await _json(
        await client.post("/api/oauth/token", data={"grant_type": "client_credentials"}, headers=LIVELINK_APP)
    )


async def _livelink_send(client: Client, access_token: str) -> int:
    body = {"destination": ["447700900003"], "message": "Hi"}
    return (await client.post("/api/v2/sms", json=body, headers={"Authorization": f"Bearer {access_token}"})).status


async def test_a_token_issued_by_one_replica_is_accepted_at_once_by_the_others(replicas: list[Replica]) -> None:
    a, b, c = replicas
    grant = await _token(a.client)
    # Not settled: a replica that has not heard of the token yet reads it from the store.
    assert await _livelink_send(b.client, grant["access_token"]) == 200
    assert await _livelink_send(c.client, grant["access_token"]) == 200
    assert await _livelink_send(c.client, "not-issued-anywhere") == 401


async def test_a_bearer_token_that_is_not_utf8_is_refused_not_looked_up(replicas: list[Replica]) -> None:
    # aiohttp reads header bytes that are not UTF-8 as lone surrogates, which Redis cannot take as a key.
    reader, writer = await asyncio.open_connection(replicas[0].client.host, replicas[0].client.port)
    body = b'{"destination": ["447700900003"], "message": "Hi"}'
    head = b"POST /api/v2/sms HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer \xff\xfe\r\n"
    writer.write(head + b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%b" % (len(body), body))
    status_line = await reader.readline()
    writer.close()
    await writer.wait_closed()
    assert status_line.split()[1] == b"401", status_line


async def test_a_refresh_token_is_used_once_across_the_replicas(replicas: list[Replica]) -> None:
    a, b, c = replicas
    grant = await _token(a.client)
    refresh = {"grant_type": "refresh_token", "refresh_token": grant["refresh_token"]}
    answers = await asyncio.gather(*(r.client.post("/api/oauth/token", data=refresh) for r in (a, b, c)))
    assert sorted(answer.status for answer in answers) == [200, 400, 400]
    (refreshed,) = [await answer.json() for answer in answers if answer.status == 200]
    assert await _livelink_send(a.client, refreshed["access_token"]) == 200

    await settled(replicas)
    again = await b.client.post("/api/oauth/token", data=refresh)
    assert again.status == 400


@pytest.fixture
def two_grants_at_most(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tokens, "MAX_GRANTS_PER_ACCOUNT", 2)


@pytest.mark.usefixtures("two_grants_at_most")  # first: the replicas are built with the bound
async def test_a_grant_revoked_on_one_replica_is_refused_by_every_replica(replicas: list[Replica]) -> None:
    a, b, c = replicas
    oldest = await _token(a.client)
    assert await _livelink_send(b.client, oldest["access_token"]) == 200  # b now holds it in memory
    newer = [await _token(a.client) for _ in range(2)]  # one past the bound: the oldest is revoked
    await settled(replicas)
    for replica in replicas:
        assert await _livelink_send(replica.client, oldest["access_token"]) == 401
        assert await _livelink_send(replica.client, newer[-1]["access_token"]) == 200
    refresh = {"grant_type": "refresh_token", "refresh_token": oldest["refresh_token"]}
    assert (await c.client.post("/api/oauth/token", data=refresh)).status == 400
