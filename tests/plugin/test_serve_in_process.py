"""``serve_in_process``, under the ``mockgateway`` fixture and the threaded one: a start-up that fails undoes what
it began."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockgateway.bootstrap import build_gateway
from mockgateway.config import Settings
from mockgateway.domain.errors import ConfigError
from mockgateway.service.gateway import Gateway
from mockgateway.testing import handle
from tests.internals import wants_events


async def test_a_store_that_cannot_open_leaves_no_listener_behind(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = Settings(clock="virtual", store=f"sqlite:{tmp_path / 'missing' / 'state.db'}")
    built: list[Gateway] = []

    def build(settings: Settings) -> Gateway:
        built.append(build_gateway(settings))
        return built[-1]

    monkeypatch.setattr(handle, "build_gateway", build)
    with pytest.raises(ConfigError, match="cannot use this file as the SQLite store"):
        async with handle.serve_in_process(settings):
            pytest.fail("the gateway started")
    assert not wants_events(built[0], "notification")  # the metrics' listener, subscribed before the store failed
