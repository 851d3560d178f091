"""REST sends on a clock that moves between reads, as the real one does: "now" is never read twice alike."""

from __future__ import annotations

from typing import Any

import pytest

from mockgateway.clock import FakeClock
from tests.conftest import T0
from tests.dialects.smsmode.conftest import Client, send_rest

HELLO: dict[str, Any] = {"recipient": {"to": "+33612345678"}, "body": {"text": "Hello"}}


class MovingClock(FakeClock):
    """Every read is a millisecond after the one before."""

    def now(self) -> float:
        self.advance(0.001)
        return super().now()


@pytest.fixture
def clock() -> FakeClock:
    return MovingClock(T0)


async def test_a_send_for_now_is_under_way_not_scheduled(client: Client) -> None:
    answer = await send_rest(client, HELLO)
    assert answer["status"] == {"value": "ENROUTE"}


async def test_a_send_for_later_is_scheduled(client: Client) -> None:
    answer = await send_rest(client, HELLO | {"sentDate": "2099-01-01T00:00:00Z"})
    assert answer["status"] == {"value": "SCHEDULED"}
