"""A scenario's send-time fault as each provider's client sees it: the HTTP status, the provider's own error
body, and ``Retry-After`` where the answer asks the client to wait."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple

import pytest
from aiohttp.test_utils import TestClient

from mockgateway.config import Settings
from mockgateway.domain.queries import MessageQuery
from mockgateway.scenario.model import OnSend, Scenario
from mockgateway.service.gateway import Gateway
from tests.conftest import basic

Client = TestClient[Any, Any]


@pytest.fixture
def settings() -> Settings:
    """The demo account, with credentials for every provider."""
    return Settings(clock="virtual", seed=7)


class Answer(NamedTuple):
    status: int
    retry_after: str | None
    body: str


async def _answer(response: Any) -> Answer:
    return Answer(response.status, response.headers.get("Retry-After"), await response.text())


async def livelink(client: Client) -> Answer:
    auth = basic("demo-app-key", "demo-app-secret")
    token = await client.post("/api/oauth/token", data={"grant_type": "client_credentials"}, headers=auth)
    bearer = {"Authorization": f"Bearer {(await token.json())['access_token']}"}
    return await _answer(
        await client.post("/api/v2/sms", json={"destination": ["447700909201"], "message": "Hi"}, headers=bearer)
    )


async def mobivate(client: Client) -> Answer:
    body = {"originator": "Shop", "recipient": "447700909201", "body": "Hi", "routeId": "mglobal"}
    headers = {"Authorization": "Bearer demo-mobivate-key"}
    return await _answer(await client.post("/send/single", json=body, headers=headers))


async def smsmode_rest(client: Client) -> Answer:
    body = {"recipient": {"to": "+33612345678"}, "body": {"text": "Hi"}}
    headers = {"X-Api-Key": "demo-smsmode-api-key"}
    return await _answer(await client.post("/sms/v1/messages", json=body, headers=headers))


async def smsmode_http(client: Client) -> Answer:
    params = {"accessToken": "demo-smsmode1", "message": "Hi", "numero": "0612345678"}
    return await _answer(await client.get("/http/1.6/sendSMS.do", params=params))


async def textapp(client: Client) -> Answer:
    form = {
        "externalLogin": "demo-login", "password": "demo-password", "clientBillingReference": "b",
        "clientMessageReference": "r", "originator": "Shop", "destinations": "+447700909201", "body": "Hi",
        "validity": "72", "characterSetID": "2", "replyMethodID": "1",
    }  # fmt: skip
    return await _answer(await client.post("/webservice/httpservice.aspx?method=SendSMS", data=form))


Send = Callable[[Client], Awaitable[Answer]]


def _json(key: str, value: object) -> Callable[[str], bool]:
    return lambda body: json.loads(body).get(key) == value


#: provider -> respond -> (HTTP status, carries Retry-After, a check of the body in the provider's own format)
EXPECTED: dict[str, tuple[Send, dict[int, tuple[int, bool, Callable[[str], bool]]]]] = {
    "livelink": (livelink, {
        429: (429, True, _json("httpStatusCode", "429 TOO_MANY_REQUESTS")),
        500: (500, False, _json("httpStatusCode", "500 INTERNAL_SERVER_ERROR")),
        502: (502, False, _json("httpStatusCode", "502 BAD_GATEWAY")),
        503: (503, True, _json("httpStatusCode", "503 SERVICE_UNAVAILABLE")),
        504: (504, False, _json("httpStatusCode", "504 GATEWAY_TIMEOUT")),
    }),
    "mobivate": (mobivate, {
        429: (429, True, _json("message", "Too Many Requests")),
        500: (500, False, _json("message", "Internal Server Error")),
        502: (502, False, _json("message", "Bad Gateway")),
        503: (503, True, _json("message", "Service Unavailable")),
        504: (504, False, _json("message", "Gateway Timeout")),
    }),
    "smsmode-rest": (smsmode_rest, {
        429: (429, True, _json("status", 429)),
        500: (500, False, _json("status", 500)),
        502: (502, False, _json("status", 502)),
        503: (503, True, _json("status", 503)),
        504: (504, False, _json("status", 504)),
    }),
    # HTTP API 1.6 answers its own failures 200 with a code; 502-504 come from in front of it.
    "smsmode-http": (smsmode_http, {
        429: (200, False, lambda body: body == "50 | Temporarily unavailable"),
        500: (200, False, lambda body: body == "31 | Internal error"),
        502: (502, False, lambda body: body == "31 | Internal error"),
        503: (503, True, lambda body: body == "50 | Temporarily unavailable"),
        504: (504, False, lambda body: body == "31 | Internal error"),
    }),
    # TextApp tells a refusal by its transaction code (5: too many per second) with HTTP 200.
    "textapp": (textapp, {
        429: (200, False, lambda body: "<Transaction><Code>5</Code>" in body),
        500: (500, False, lambda body: "<Transaction><Code>2</Code>" in body),
        502: (502, False, lambda body: "<Transaction><Code>2</Code>" in body),
        503: (503, False, lambda body: "<Transaction><Code>6</Code>" in body),
        504: (504, False, lambda body: "<Transaction><Code>2</Code>" in body),
    }),
}  # fmt: skip
CASES = [
    pytest.param(provider, respond, id=f"{provider}-{respond}")
    for provider, (_, answers) in EXPECTED.items()
    for respond in answers
]


@pytest.mark.parametrize(("provider", "respond"), CASES)
async def test_a_send_fault_in_the_providers_own_format(
    client: Client, gateway: Gateway, provider: str, respond: int
) -> None:
    retry_after = 30.5 if respond in (429, 503) else None
    gateway.scenarios = (Scenario(name="fault", on_send=OnSend(respond=respond, retry_after=retry_after)),)
    send, answers = EXPECTED[provider]
    status, asks_to_wait, body_is_right = answers[respond]
    answer = await send(client)
    assert answer.status == status, answer.body
    assert answer.retry_after == ("31" if asks_to_wait else None), "whole seconds, rounded up"
    assert body_is_right(answer.body), answer.body
    assert (await gateway.messages(MessageQuery())).total == 0, "a failed send creates no message"
