"""The README's hello-world scenario is a valid file and does what it says."""

from __future__ import annotations

import random
import re
from pathlib import Path

from mockgateway.domain.model import Encoding, Message, MessageStatus
from mockgateway.scenario.loader import load_file
from mockgateway.scenario.model import plan
from tests.scenarios.helpers import select

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_scenario(tmp_path: Path) -> Path:
    section = README.read_text(encoding="utf-8").split("## Scenarios and the clock", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert block is not None, "the README lost its scenario example"
    path = tmp_path / "readme.yaml"
    path.write_text(block.group(1), encoding="utf-8")
    return path


def test_readme_scenario_loads_and_runs_its_timeline(tmp_path: Path) -> None:
    scenarios = load_file(readme_scenario(tmp_path))
    message = Message(
        id="1", account="demo", provider="livelink", destination="4915112345678", origin=None,
        text="Your code is 1234", encoding=Encoding.GSM7, part_ids=("1",), created_at=0.0,
    )  # fmt: skip
    scenario = select(scenarios, message, random.Random(1))
    assert scenario.name == "otp-lost-then-delivered"
    statuses, replies = plan(scenario, message, random.Random(1))
    assert [(s.due_at, s.status) for s in statuses] == [
        (2.0, MessageStatus.SENT),
        (62.0, MessageStatus.RETRYING),
        (662.0, MessageStatus.DELIVERED),
    ]
    assert [(r.due_at, r.text) for r in replies] == [(692.0, "Thanks!")]
