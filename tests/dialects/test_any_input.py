"""Any input to any provider endpoint gets that provider's refusal or a success, never a server error, and a
refused request changes nothing: no message, notification, MO, opt-out or callback setting appears or goes.

Requests are generated with hypothesis (JSON of any shape, near-valid bodies and forms with fields dropped,
mistyped, null, huge or in any script) and sent to the in-process app on a virtual clock that never moves.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import orjson
import pytest
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockgateway.bootstrap import build_gateway
from mockgateway.clock import FakeClock
from mockgateway.config import Settings
from mockgateway.domain.queries import EventQuery, MessageQuery
from mockgateway.http.app import create_app
from mockgateway.http.views import account_view
from mockgateway.service.gateway import Gateway
from tests.conftest import T0, basic
from tests.dialects.any_input import forms, json_bodies
from tests.dialects.textapp.conftest import send_params

EXAMPLES = 80  #: per endpoint; some 10 s for all of them
MOBIVATE = {"Authorization": "Bearer demo-mobivate-key"}
SMSMODE_REST = {"X-Api-Key": "demo-smsmode-api-key"}
TEXTAPP_LOGIN = {"externalLogin": "demo-login", "password": "demo-password"}
SMSMODE_LOGIN = {"accessToken": "demo-smsmode1"}
SMSMODE_LINE = re.compile(r"^(\d+) \| ")


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    text: str

    def json(self) -> Any:
        return orjson.loads(self.text)


def json_error(*keys: str, or_keys: tuple[str, ...] | None = None) -> Callable[[Answer], bool]:
    """A refusal: a 4xx whose JSON body carries ``keys`` (or, where the provider has two formats, ``or_keys``)."""

    def refused(answer: Answer) -> bool:
        if answer.status < 400:
            return False
        assert answer.content_type == "application/json", answer.text
        body = answer.json()
        assert isinstance(body, dict), answer.text
        assert set(keys) <= set(body) or (or_keys is not None and set(or_keys) <= set(body)), answer.text
        return True

    return refused


def textapp_refused(answer: Answer) -> bool:
    # Every call, refused or not, gets a transaction code: in XML, or first in the CSV answer (returnCSVString).
    code = re.search(r"<Transaction><Code>(\d+)</Code>", answer.text) or re.match(r"#(\d+)#", answer.text)
    assert code is not None, answer.text
    return code.group(1) != "1"


def smsmode_http_refused(answer: Answer) -> bool:
    line = SMSMODE_LINE.match(answer.text)
    return answer.status >= 400 or (line is not None and line.group(1) != "0")


@dataclass(frozen=True)
class Target:
    name: str
    method: str
    path: str
    refused: Callable[[Answer], bool]
    json: st.SearchStrategy[Any] | None = None
    form: st.SearchStrategy[dict[str, str]] | None = None
    query: st.SearchStrategy[dict[str, str]] | None = None
    headers: dict[str, str] = field(default_factory=dict)


LIVELINK = json_error("httpStatusCode", "apiErrorCode", "userMessage")
NUMBER = "+447700900123"
V2 = {"destination": [NUMBER], "message": "hi", "origin": "Shop", "callback": "http://127.0.0.1:9/acks"}
SINGLE = {"originator": "Test", "recipient": "44700011122", "body": "Hello", "routeId": "mglobal"}
BATCH = {"routeId": "mglobal", "messages": [{"originator": "Test", "recipient": "44700011122", "text": "Hi"}]}
SEND_SMS = {"method": "SendSMS", **send_params(destinations=NUMBER, replyData=None, statusNotificationUrl=None)}
HTTP_SEND = {**SMSMODE_LOGIN, "message": "Hello", "numero": "0612345678", "emetteur": "Shop"}
REST_SEND = {"recipient": {"to": "+33612345678"}, "body": {"text": "Hello"}, "callbackUrlStatus": "http://127.0.0.1:9/"}

TARGETS = [
    Target("livelink v2 send", "POST", "/api/v2/sms", LIVELINK, json=json_bodies(V2)),
    Target("livelink v1 send", "POST", "/api/messages", LIVELINK, json=json_bodies({**V2, "body": "hi"})),
    Target(
        "livelink oauth token",
        "POST",
        "/api/oauth/token",
        json_error("error"),
        form=forms({"grant_type": "client_credentials"}),
        headers=basic("demo-app-key", "demo-app-secret"),
    ),
    Target(
        "livelink pull",
        "GET",
        "/api/v2/sms/status",
        LIVELINK,
        query=forms({"startUTCTime": "202601010000", "endUTCTime": "202601020000", "pageIndex": "1"}),
    ),
    Target(
        "livelink token check",
        "POST",
        "/api/oauth/token/validate",
        json_error("error", "error_description", or_keys=("message",)),  # a missing token is an OAuth2 error
        form=forms({"token": "x"}),
        headers=basic("demo-app-key", "demo-app-secret"),
    ),
    Target(
        "livelink MO pull",
        "GET",
        "/api/v2/sms/mo",
        LIVELINK,
        query=forms({"startUTCTime": "202601010000", "endUTCTime": "202601020000", "pageIndex": "1"}),
    ),
    Target("mobivate single", "POST", "/send/single", json_error("code", "message"), json=json_bodies(SINGLE)),
    Target("mobivate batch", "POST", "/send/batch", json_error("code", "message"), json=json_bodies(BATCH)),
    Target(
        "mobivate opt-out",
        "POST",
        "/addressbook/optout",
        json_error("code", "message"),
        json=json_bodies({"mobile": "44700011122"}),
    ),
    Target(
        "mobivate opt-in",
        "DELETE",
        "/addressbook/optout",
        json_error("code", "message"),
        json=json_bodies({"mobile": "44700011122"}),
    ),
    Target(
        "mobivate log search",
        "GET",
        "/message",
        json_error("code", "message"),
        query=forms({"recipient": "44700011122", "page": "1", "limit": "10"}),
    ),
    Target(
        "mobivate reply webhook",
        "POST",
        "/webhooks/incoming",
        json_error("code", "message"),
        json=json_bodies({"url": "http://127.0.0.1:9/hook"}),
    ),
    Target(
        "mobivate webhook",
        "POST",
        "/webhooks/receipt",
        json_error("code", "message"),
        json=json_bodies({"url": "http://127.0.0.1:9/hook"}),
    ),
    Target("textapp SendSMS", "POST", "/webservice/httpservice.aspx", textapp_refused, form=forms(SEND_SMS)),
    Target(
        "textapp GetSMSReply",
        "GET",
        "/webservice/httpservice.aspx",
        textapp_refused,
        query=forms({"method": "GetSMSReply", **TEXTAPP_LOGIN, "clientMessageReference": "r"}),
    ),
    Target(
        "textapp TestSendSMS",
        "POST",
        "/webservice/httpservice.aspx",
        textapp_refused,
        form=forms({**SEND_SMS, "method": "TestSendSMS"}),
    ),
    *(
        Target(f"textapp {method}", "GET", "/webservice/httpservice.aspx", textapp_refused, query=forms(params))
        for method, params in [
            ("GetSMSStatus", {"method": "GetSMSStatus", **TEXTAPP_LOGIN, "clientMessageReference": "r"}),
            ("GetSMSInbound", {"method": "GetSMSInbound", **TEXTAPP_LOGIN, "number": "447700900000"}),
            ("GetCreditsLeft", {"method": "GetCreditsLeft", **TEXTAPP_LOGIN}),
            ("TestService", {"method": "TestService", **TEXTAPP_LOGIN}),
        ]
    ),
    Target(
        "mobivate API-key test",
        "GET",
        "/auth/test",
        json_error("code", "message"),
        query=forms({"api_key": "demo-mobivate-key"}),
        headers={"Accept": "application/json"},  # the key only where the query gives it
    ),
    Target("smsmode sendSMS.do", "POST", "/http/1.6/sendSMS.do", smsmode_http_refused, form=forms(HTTP_SEND)),
    Target(
        "smsmode smsStatus.do",
        "GET",
        "/http/1.6/smsStatus.do",
        smsmode_http_refused,
        query=forms({**SMSMODE_LOGIN, "smsID": "x"}),
    ),
    *(
        Target(f"smsmode {name}", "GET", f"/http/1.6/{name}", smsmode_http_refused, query=forms(params))
        for name, params in [
            ("compteRendu.do", {**SMSMODE_LOGIN, "smsID": "x"}),
            ("credit.do", SMSMODE_LOGIN),
            ("deleteSMS.do", {**SMSMODE_LOGIN, "smsID": "x", "numero": "0612345678"}),
            ("smsList.do", {**SMSMODE_LOGIN, "offset": "0"}),
            ("responseList.do", {**SMSMODE_LOGIN, "start": "0", "offset": "10"}),
        ]
    ),
    Target(
        "smsmode REST send",
        "POST",
        "/sms/v1/messages",
        json_error("status", "message"),
        json=json_bodies(REST_SEND),
        headers=SMSMODE_REST,
    ),
]


@dataclass
class Harness:
    loop: asyncio.AbstractEventLoop
    client: TestClient[Any, Any]
    gateway: Gateway
    bearer: dict[str, str]

    def run(self, coroutine: Any) -> Any:
        return self.loop.run_until_complete(coroutine)

    async def call(self, target: Target, case: Any) -> Answer:
        headers = target.headers or (self.bearer if target.path.startswith("/api/") else MOBIVATE)
        path, body, content_type = target.path, b"", None
        if target.json is not None:
            body, content_type = (orjson.dumps(case) if _dumpable(case) else b"{"), "application/json"
        elif target.form is not None:
            body, content_type = urlencode(case).encode(), "application/x-www-form-urlencoded"
        else:
            path = f"{path}?{urlencode(case)}"
        if content_type:
            headers = {**headers, "Content-Type": content_type}
        async with self.client.request(target.method, path, data=body, headers=headers) as response:
            return Answer(response.status, response.content_type, await response.text(errors="replace"))

    async def state(self) -> tuple[Any, ...]:
        """Everything a refused request must leave as it was."""
        gateway = self.gateway
        async with self.client.get("/addressbook/optout", headers=MOBIVATE) as optouts:
            listed = await optouts.read()
        return (
            (await gateway.messages(MessageQuery(limit=1))).total,
            await gateway.count_notifications(EventQuery()),
            await gateway.count_mos(EventQuery()),
            listed,
            [account_view(account) for account in gateway.accounts.values()],
        )


def _dumpable(value: Any) -> bool:
    """orjson refuses integers beyond 64 bits; such a body is sent as broken JSON instead."""
    try:
        orjson.dumps(value)
    except TypeError:
        return False
    return True


@pytest.fixture(scope="module")
def harness() -> Iterator[Harness]:
    loop = asyncio.new_event_loop()
    settings_ = Settings(clock="virtual", seed=7)
    gateway = build_gateway(settings_, clock=FakeClock(T0))
    client: TestClient[Any, Any] = TestClient(TestServer(create_app(settings_, gateway=gateway)), loop=loop)
    loop.run_until_complete(client.start_server())

    async def token() -> str:
        form = {"grant_type": "client_credentials"}
        async with client.post("/api/oauth/token", data=form, headers=basic("demo-app-key", "demo-app-secret")) as r:
            return str((await r.json())["access_token"])

    try:
        yield Harness(loop, client, gateway, {"Authorization": f"Bearer {loop.run_until_complete(token())}"})
    finally:
        loop.run_until_complete(client.close())
        loop.close()


@pytest.mark.parametrize("target", [pytest.param(t, id=t.name) for t in TARGETS])
def test_any_input_is_refused_in_the_providers_format_or_taken_and_a_refusal_changes_nothing(
    harness: Harness, target: Target
) -> None:
    strategy = next(s for s in (target.json, target.form, target.query) if s is not None)

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )
    def check(case: Any) -> None:
        before = harness.run(harness.state())
        answer = harness.run(harness.call(target, case))
        assert answer.status < 500, f"{answer.status} for {case!r}: {answer.text}"
        if target.refused(answer):
            assert harness.run(harness.state()) == before, f"refused, yet the state changed: {answer.text}"

    check()
