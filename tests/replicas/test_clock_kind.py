"""Replicas sharing a Redis prefix share one clock: one on the real clock cannot join ones on the virtual clock."""

from __future__ import annotations

from uuid import uuid4

import pytest

from mockgateway.bootstrap import build_gateway
from mockgateway.clock import FakeClock, SystemClock
from mockgateway.config import Settings
from mockgateway.domain.errors import ConfigError
from tests.conftest import T0
from tests.redis_server import redis_url


def _settings(clock: str, prefix: str) -> Settings:
    return Settings(clock=clock, store=redis_url(), redis_prefix=prefix)


async def test_a_replica_on_the_other_clock_is_refused_while_one_runs_and_taken_after() -> None:
    prefix = f"t{uuid4().hex}:"
    virtual = build_gateway(_settings("virtual", prefix), clock=FakeClock(T0))
    await virtual.open()
    try:
        real = build_gateway(_settings("real", prefix), clock=SystemClock())
        with pytest.raises(ConfigError, match=r"^clock: 1 replica\(s\) on this Redis prefix run the virtual clock"):
            await real.open()
        also_virtual = build_gateway(_settings("virtual", prefix), clock=FakeClock(T0))
        await also_virtual.open()
        await also_virtual.close()
    finally:
        await virtual.close()
    real = build_gateway(_settings("real", prefix), clock=SystemClock())
    await real.open()  # none runs now: the prefix may change clocks
    await real.close()
