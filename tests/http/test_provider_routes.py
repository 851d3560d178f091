"""A path or method no endpoint serves, under a provider's paths, is answered in that provider's error format."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiohttp.test_utils import TestClient


def _livelink(body: str, status: int) -> None:
    data = json.loads(body)
    assert data["apiErrorCode"] == {404: 4040, 405: 4050}[status]
    assert data["httpStatusCode"] == {404: "404 NOT_FOUND", 405: "405 METHOD_NOT_ALLOWED"}[status]


def _mobivate(body: str, status: int) -> None:
    assert json.loads(body) == {"code": status, "message": {404: "Not Found", 405: "Method Not Allowed"}[status]}


def _textapp(body: str, status: int) -> None:
    assert body.startswith("<Response><Transaction><Code>365</Code><Description>Method not found (")


def _smsmode(body: str, status: int) -> None:
    code, _, description = body.partition(" | ")
    assert code == "35"
    assert description.startswith("Invalid parameter: ")


def _smsmode_rest(body: str, status: int) -> None:
    assert json.loads(body)["status"] == status


CASES = [
    # method, path, status, Allow, check of the body
    ("GET", "/api/v2/nothing", 404, None, _livelink),
    ("GET", "/api", 404, None, _livelink),
    ("GET", "/api/v2/sms", 405, "POST", _livelink),
    ("DELETE", "/api/oauth/token", 405, "POST", _livelink),
    ("PUT", "/api/v2/sms/status", 405, "GET", _livelink),
    ("GET", "/send/nothing", 404, None, _mobivate),
    ("GET", "/send/single", 405, "POST", _mobivate),
    ("PUT", "/message/ABC", 405, "GET", _mobivate),
    ("GET", "/optout", 405, "DELETE", _mobivate),
    ("POST", "/auth/test", 405, "GET", _mobivate),
    ("GET", "/auth/nothing", 404, None, _mobivate),
    ("PUT", "/addressbook/optout", 405, "DELETE, GET, POST", _mobivate),
    ("PUT", "/webservice/httpservice.aspx", 405, "GET, POST", _textapp),
    ("GET", "/webservice/service.asmx", 404, None, _textapp),
    ("GET", "/http/1.6/nothing.do", 404, None, _smsmode),
    ("PUT", "/http/1.6/sendSMS.do", 405, "GET, POST", _smsmode),
    ("GET", "/sms/v1/nothing", 404, None, _smsmode_rest),
    ("DELETE", "/sms/v1/messages", 405, "POST", _smsmode_rest),
]


@pytest.mark.parametrize(("method", "path", "status", "allow", "check"), CASES)
async def test_unknown_route_in_provider_format(
    client: TestClient[Any, Any], method: str, path: str, status: int, allow: str | None, check: Any
) -> None:
    response = await client.request(method, path)
    assert response.status == status
    assert response.headers.get("Allow") == allow
    body = await response.text()
    check(body, status)
    if check is not _mobivate:  # Mobivate's 404 and 405 carry its fixed phrase, every other format the path
        assert path in body


async def test_served_routes_are_untouched(client: TestClient[Any, Any]) -> None:
    response = await client.post("/api/v2/sms", json={"destination": ["447700900001"], "message": "hi"})
    assert response.status == 401  # reached the endpoint, which asked for a token
    response = await client.get("/webservice/httpservice.aspx?method=TestNothing")
    assert response.status == 200
    assert "<Code>365</Code>" in await response.text()


async def test_paths_outside_every_provider_are_plain_404(client: TestClient[Any, Any]) -> None:
    response = await client.get("/nothing-here")
    assert response.status == 404
    assert response.headers.get("Allow") is None
