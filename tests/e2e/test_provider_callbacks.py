"""One account used from several providers: each provider's callbacks go to its own targets, else to the
account-wide ones, and a reply to a message sent without an origin carries the account's service number."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from mockgateway.config import Settings
from mockgateway.domain.model import DEFAULT_SERVICE_NUMBER, Account, CallbackTarget, CallbackTargets
from mockgateway.scenario.model import Match, Reply, Scenario
from mockgateway.service.gateway import Gateway
from tests.conftest import basic
from tests.e2e.test_shipped_scenarios import advance

Client = TestClient[Any, Any]
LIVELINK_HANDSET = "447700909101"
MOBIVATE_HANDSET = "447700909102"
TEXTAPP_HANDSET = "447700909103"
CREDENTIALS: dict[str, dict[str, Any]] = {
    "livelink": {"app_key": "demo-app-key", "app_secret": "demo-app-secret", "client_id": 12345},
    "textapp": {"login": "demo-login", "password": "demo-password"},
    "mobivate": {"api_key": "demo-mobivate-key"},
}


@dataclass
class Recorder:
    """Answers 200 to any method on any path and keeps (method, path) of each call."""

    calls: list[tuple[str, str]] = field(default_factory=list)
    bodies: dict[str, list[Any]] = field(default_factory=dict)
    base: str = ""

    def url(self, path: str) -> str:
        return self.base + path

    async def handle(self, request: web.Request) -> web.Response:
        self.calls.append((request.method, request.path))
        if request.method == "POST":
            self.bodies.setdefault(request.path, []).append(await request.json())
        return web.Response(status=200)


@pytest.fixture
async def recorder(aiohttp_server: Any) -> Recorder:
    recording = Recorder()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", recording.handle)
    server: TestServer = await aiohttp_server(app)
    recording.base = str(server.make_url("")).rstrip("/")
    return recording


@pytest.fixture
def settings(request: pytest.FixtureRequest, recorder: Recorder) -> Settings:
    """``indirect`` parametrisation gives the account a service number."""
    number: str | None = getattr(request, "param", None)
    demo = Account(
        name="demo",
        credentials=CREDENTIALS,
        status_callback=CallbackTarget(url=recorder.url("/wide/status")),
        mo_callback=CallbackTarget(url=recorder.url("/wide/mo")),
        provider_callbacks={
            "livelink": CallbackTargets(status=CallbackTarget(url=recorder.url("/livelink/acks"))),
            "textapp": CallbackTargets(
                status=CallbackTarget(url=recorder.url("/textapp/status.aspx")),
                mo=CallbackTarget(url=recorder.url("/textapp/reply.aspx")),
            ),
        },
        service_number=number or DEFAULT_SERVICE_NUMBER,
    )
    return Settings(clock="virtual", seed=11, accounts=(demo,))


@pytest.fixture
async def client(aiohttp_client: Any, settings: Settings, gateway: Gateway) -> Client:
    from mockgateway.http.app import create_app

    return await aiohttp_client(create_app(settings, gateway=gateway))


async def livelink_send(client: Client, **fields: Any) -> None:
    auth = basic("demo-app-key", "demo-app-secret")
    token = await client.post("/api/oauth/token", data={"grant_type": "client_credentials"}, headers=auth)
    bearer = {"Authorization": f"Bearer {(await token.json())['access_token']}"}
    body = {"destination": LIVELINK_HANDSET, "message": "Hello", "acknowledgement": True, **fields}
    response = await client.post("/api/v2/sms", json=body, headers=bearer)
    assert response.status == 200, await response.text()


async def mobivate_send(client: Client) -> None:
    body = {"originator": "Shop", "recipient": MOBIVATE_HANDSET, "body": "Hello", "routeId": "mglobal"}
    response = await client.post("/send/single", json=body, headers={"Authorization": "Bearer demo-mobivate-key"})
    assert response.status == 200, await response.text()


async def textapp_send(client: Client) -> None:
    form = {
        "externalLogin": "demo-login", "password": "demo-password", "clientBillingReference": "b",
        "clientMessageReference": "r", "originator": "Shop", "destinations": "+" + TEXTAPP_HANDSET, "body": "Hello",
        "validity": "72", "characterSetID": "2", "replyMethodID": "1",
    }  # fmt: skip
    response = await client.post("/webservice/httpservice.aspx?method=SendSMS", data=form)
    assert response.status == 200
    assert "<Code>1</Code>" in await response.text()


async def reply(client: Client, handset: str) -> None:
    response = await client.post("/__admin/mo", json={"from": handset, "to": "Shop", "text": "YES"})
    assert response.status == 201, await response.text()


async def test_each_provider_calls_its_own_targets_else_the_account_wide_ones(
    client: Client, recorder: Recorder
) -> None:
    await livelink_send(client, origin="Shop")
    await mobivate_send(client)
    await textapp_send(client)
    await advance(client, 60)
    for handset in (LIVELINK_HANDSET, MOBIVATE_HANDSET, TEXTAPP_HANDSET):
        await reply(client, handset)
    await advance(client, 1)
    gets = {path for method, path in recorder.calls if method == "GET"}
    posts = {path for method, path in recorder.calls if method == "POST"}
    # TextApp's own targets get its GETs and nothing else does; whether its statuses are pushed at all without a
    # statusNotificationUrl is TextApp's business, so only its reply is required here.
    assert gets <= {"/textapp/status.aspx", "/textapp/reply.aspx"}
    assert "/textapp/reply.aspx" in gets
    assert posts == {"/livelink/acks", "/wide/status", "/wide/mo"}, "Live Link's own, Mobivate's the account's"
    assert "deliveryMessageId" in recorder.bodies["/wide/status"][0], "only Mobivate's receipts reach /wide/status"
    assert {"msisdn" in body for body in recorder.bodies["/wide/mo"]} == {True, False}, "one reply of each provider"


async def test_the_admin_api_sets_and_clears_one_providers_targets(client: Client, recorder: Recorder) -> None:
    url = recorder.url("/mobivate/dlr")
    response = await client.put("/__admin/accounts/demo/callbacks/mobivate", json={"status_callback": url})
    assert response.status == 200, await response.text()
    view = await response.json()
    assert view["status_callback"]["url"] == recorder.url("/wide/status"), "the account-wide target stays"
    assert view["provider_callbacks"]["mobivate"] == {"status_callback": {"url": url}, "mo_callback": None}
    assert view["provider_callbacks"]["livelink"]["status_callback"]["url"] == recorder.url("/livelink/acks")
    await mobivate_send(client)
    await advance(client, 60)
    assert {path for _, path in recorder.calls} == {"/mobivate/dlr"}

    cleared = await client.put("/__admin/accounts/demo/callbacks/mobivate", json={"status_callback": None})
    assert (await cleared.json())["provider_callbacks"]["mobivate"]["status_callback"] is None
    recorder.calls.clear()
    await mobivate_send(client)
    await advance(client, 60)
    assert {path for _, path in recorder.calls} == {"/wide/status"}, "a cleared target falls back to the account's"


async def test_a_provider_the_account_does_not_use_is_refused(client: Client) -> None:
    response = await client.put("/__admin/accounts/demo/callbacks/smsmode", json={"status_callback": None})
    assert response.status == 404
    body = await response.json()
    assert body["field"] == "provider"
    assert "smsmode" in body["message"]


@pytest.mark.parametrize("settings", [None, "61400000000"], ids=["default", "configured"], indirect=True)
async def test_a_reply_to_a_message_without_origin_carries_the_service_number(
    client: Client, gateway: Gateway, recorder: Recorder, settings: Settings
) -> None:
    gateway.scenarios = (
        Scenario(name="replies", match=Match(destination=LIVELINK_HANDSET), replies=(Reply(text="YES"),)),
    )
    await livelink_send(client)
    await advance(client, 10)
    expected = settings.accounts[0].service_number
    [mo] = recorder.bodies["/wide/mo"]
    assert mo["parameters"]["receivedServiceNumber"] == expected
    assert (await (await client.get("/__admin/mo")).json())["mo"][0]["to"] == expected


async def test_an_injected_reply_without_a_number_reaches_the_service_number(gateway: Gateway) -> None:
    mo = await gateway.inject_mo(LIVELINK_HANDSET, "", "Hello?", account="demo")
    assert mo.recipient == DEFAULT_SERVICE_NUMBER
