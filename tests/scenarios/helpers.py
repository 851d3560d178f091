"""Messages and files for scenario tests."""

from __future__ import annotations

import random
from pathlib import Path

from mockgateway.domain.model import Encoding, Message
from mockgateway.scenario.model import Scenario, ScenarioSet

T0 = 1767225600.0  #: 2026-01-01T00:00:00Z
ROOT = Path(__file__).resolve().parents[2]
LIBRARY = ROOT / "scenarios"
SCHEMA_LINE = "# yaml-language-server: $schema=../mockgateway/scenario/schema.json"


def message(
    destination: str = "447700900001",
    *,
    parts: int = 1,
    handset_ack: bool = False,
    validity_s: int | None = None,
    text: str = "hello",
    origin: str | None = None,
    account: str = "demo",
    provider: str = "livelink",
) -> Message:
    return Message(
        id="m1",
        account=account,
        provider=provider,
        destination=destination,
        origin=origin,
        text=text,
        encoding=Encoding.GSM7,
        part_ids=tuple(f"o{i}" for i in range(parts)),
        created_at=T0,
        validity_s=validity_s,
        handset_ack=handset_ack,
    )


def write(directory: Path, name: str, body: str) -> Path:
    path = directory / name
    path.write_text(body, encoding="utf-8")
    return path


class FixedRandom(random.Random):
    """Every draw returns ``value``: 0.0 makes every probability happen, 0.999 none below 1."""

    def __init__(self, value: float) -> None:
        super().__init__(0)
        self.value = value

    def random(self) -> float:
        return self.value


def select(scenarios: tuple[Scenario, ...], message: Message, rng: random.Random) -> Scenario:
    """The scenario ``message`` follows: the first match wins; one with a probability may pass it on."""
    return ScenarioSet(scenarios).select(
        message.destination, message.text, message.origin, message.account, message.provider, rng
    )
