"""A gateway started with ``--sandbox``: a callback aimed inward is a failed attempt, recorded, at every retry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mockgateway.bootstrap import address_policy, build_gateway
from mockgateway.config import ConfigError, Settings

SEND = {"destination": ["447700900001"], "message": "hi", "acknowledgement": True, "callback": "http://127.0.0.1:9/a"}


@pytest.fixture
def settings() -> Settings:
    return Settings(clock="virtual", seed=7, sandbox=True)


async def test_every_attempt_is_refused_and_recorded_with_its_reason(
    client: TestClient[Any, Any], auth: dict[str, str]
) -> None:
    sent = await client.post("/api/v2/sms", json=SEND, headers=auth)
    assert sent.status == 200
    await client.post("/__admin/clock/advance", json={"seconds": 3 * 3600})  # the SENT ACK, and every retry
    [first] = (await (await client.get("/__admin/callbacks")).json())["callbacks"]
    assert first["state"] == "FAILED"
    assert len(first["attempts"]) == 7  # the default policy: one attempt and six retries, each checked again
    for attempt in first["attempts"]:
        assert attempt["status"] is None
        assert "refused by the sandbox: 127.0.0.1 is a loopback address" in attempt["error"]


def test_the_sandbox_is_off_by_default_and_on_with_the_flag_or_a_network_list(tmp_path: Path) -> None:
    assert address_policy(Settings()) is None
    assert address_policy(Settings(sandbox=True)) is not None
    assert Settings.from_env({"MOCKGATEWAY_SANDBOX": "true"}).sandbox
    config = tmp_path / "gateway.yaml"
    config.write_text("callbacks:\n  allow_networks: [10.0.0.0/8]\n  retry_delays: [1s]\n")
    policy = address_policy(Settings().with_overrides({"config": str(config)}))
    assert policy is not None
    assert policy.refusal("10.1.1.1") is None
    assert policy.refusal("192.168.1.1") is not None


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ("allow_networks: 10.0.0.0/8", "callbacks.allow_networks: must be a list"),
        ("allow_networks: [ten]", r"callbacks.allow_networks\[0\]: 'ten' is not an address or network"),
        ("allow_network: []", "callbacks.allow_network: unknown key .*allow_networks"),
    ],
)
def test_a_bad_network_list_names_the_key(tmp_path: Path, section: str, message: str) -> None:
    config = tmp_path / "gateway.yaml"
    config.write_text(f"callbacks:\n  {section}\n")
    settings = Settings().with_overrides({"config": str(config)})
    with pytest.raises(ConfigError, match=message):
        build_gateway(settings)
