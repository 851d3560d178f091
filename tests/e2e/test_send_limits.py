"""An account's limits in a shared sandbox, as each provider's client sees them: a send rate answered as that
provider answers a throttled client, and a cap on kept messages answered as an account out of credit."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from mockgateway.config import DEMO_ACCOUNT, Settings
from mockgateway.domain.limits import Limits
from tests.e2e.test_send_faults import Answer, Client, Send, livelink, mobivate, smsmode_http, smsmode_rest, textapp

SENDS: dict[str, Send] = {
    "livelink": livelink,
    "mobivate": mobivate,
    "smsmode-rest": smsmode_rest,
    "smsmode-http": smsmode_http,
    "textapp": textapp,
}


def _json(body: str) -> dict[str, object]:
    loaded: dict[str, object] = json.loads(body)
    return loaded


#: provider -> (HTTP status, Retry-After, what the body says) for a throttled send
THROTTLED = {
    "livelink": (429, "3600", lambda body: _json(body)["apiErrorCode"] == 4290),
    "mobivate": (429, "3600", lambda body: _json(body) == {"code": 429, "message": "Too Many Requests"}),
    "smsmode-rest": (429, "3600", lambda body: _json(body)["status"] == 429),
    "smsmode-http": (200, None, lambda body: body == "50 | Temporarily unavailable"),
    "textapp": (200, None, lambda body: "<Code>5</Code>" in body),
}
#: provider -> (HTTP status, what the body says) for a send past the account's cap
OUT_OF_ALLOWANCE = {
    "livelink": (402, lambda body: _json(body)["apiErrorCode"] == 4020),
    "mobivate": (402, lambda body: _json(body) == {"code": 402, "message": "Payment Required"}),
    "smsmode-rest": (402, lambda body: _json(body)["status"] == 402),
    "smsmode-http": (200, lambda body: body == "33 | Insufficient credit"),
    "textapp": (200, lambda body: "<Code>204</Code><Description>Insufficient credits" in body),
}


def limited(limits: Limits) -> Settings:
    return Settings(clock="virtual", seed=7, accounts=(replace(DEMO_ACCOUNT, limits=limits),))


class TestSendRate:
    @pytest.fixture
    def settings(self) -> Settings:
        return limited(Limits(send_rate=1 / 3600))  # one send an hour: the second is always too soon

    @pytest.mark.parametrize("provider", SENDS)
    async def test_a_send_over_the_rate_is_answered_as_the_provider_throttles(
        self, client: Client, provider: str
    ) -> None:
        send = SENDS[provider]
        first = await send(client)
        assert first.status in (200, 201), first
        second = await send(client)
        status, retry_after, says = THROTTLED[provider]
        assert (second.status, second.retry_after) == (status, retry_after), second
        assert says(second.body), second.body
        assert (await (await client.get("/__admin/messages")).json())["total"] == 1  # the refused one is not kept


class TestMessageCap:
    @pytest.fixture
    def settings(self) -> Settings:
        return limited(Limits(max_messages=1))

    @pytest.mark.parametrize("provider", SENDS)
    async def test_a_send_past_the_cap_is_answered_as_out_of_credit_until_room_is_made(
        self, client: Client, provider: str
    ) -> None:
        send = SENDS[provider]
        assert (await send(client)).status in (200, 201)
        refused: Answer = await send(client)
        status, says = OUT_OF_ALLOWANCE[provider]
        assert refused.status == status, refused
        assert says(refused.body), refused.body
        assert (await (await client.get("/__admin/messages")).json())["total"] == 1  # nothing more was kept
        assert (await client.delete("/__admin/messages")).status == 200
        assert (await send(client)).status in (200, 201)  # room again
