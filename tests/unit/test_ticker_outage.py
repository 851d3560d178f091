"""The ticker through a store outage: it logs the outage once when it starts and once when it ends, and carries on."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, cast

import pytest

from mockgateway.domain.errors import StoreUnavailable
from mockgateway.runtime import tick_forever
from mockgateway.service.gateway import Gateway
from tests.unit.ticker_fakes import IdleGateway

FAILURES = 3


class OutageGateway(IdleGateway):
    """Its store is unavailable for the first ``FAILURES`` ticks; the tick after those that succeed ends the test."""

    def __init__(self) -> None:
        self.ticks = 0
        self.recovered = asyncio.Event()

    async def run_due(self) -> int:
        self.ticks += 1
        if self.ticks <= FAILURES:
            raise StoreUnavailable()
        if self.ticks > FAILURES + 1:
            self.recovered.set()
        return 0


async def test_an_outage_is_logged_once_and_the_ticker_carries_on(caplog: pytest.LogCaptureFixture) -> None:
    gateway = OutageGateway()
    caplog.set_level(logging.WARNING, logger="mockgateway.runtime")
    ticker = asyncio.create_task(tick_forever(cast(Gateway, gateway)))
    try:
        await gateway.recovered.wait()
    finally:
        ticker.cancel()
        await asyncio.gather(ticker, return_exceptions=True)
    told: list[Any] = [record.getMessage() for record in caplog.records]
    assert len(told) == 2, told
    assert "the store is unavailable" in told[0]
    assert told[1] == "running due work: the store is back"
