"""The shipped library: every file valid, every scenario reachable by its own magic number."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from mockgateway.domain.model import MessageStatus
from mockgateway.domain.reasons import REASONS
from mockgateway.scenario.loader import SCHEMA_PATH, load_dir, load_file, shipped_dir
from mockgateway.scenario.model import DEFAULT_SCENARIO, Scenario, Step
from tests.conftest import SHARED
from tests.scenarios.helpers import LIBRARY, ROOT, SCHEMA_LINE, FixedRandom, message, select

FILES = sorted(LIBRARY.glob("*.yaml"))
MAGIC = range(447700900000, 447700901000)
#: Live Link's error codes in the order its documentation (seed 000) lists them.
LIVELINK_ERRORS = ("DB62", "DB65", "DB78", "4524", "4503", "DB05", "DB76", "DB52", "DB99")
EXPECTED = {
    "447700900001": "happy-path",
    "447700900002": "slow-delivery",
    "447700900003": "retry-then-deliver",
    "447700900010": "failed-network-temporary",
    "447700900011": "failed-validity-expired",
    "447700900012": "failed-no-credit",
    "447700900013": "failed-blocked-recipient",
    "447700900014": "failed-no-operator",
    "447700900015": "failed-operator-blocked",
    "447700900016": "failed-subscriber-barred",
    "447700900017": "failed-network-final",
    "447700900018": "failed-unknown-subscriber",
    "447700900020": "validity-expiry",
    "447700900030": "reply-stop",
    "447700900031": "reply-yes",
    "447700900032": "reply-from-another-number",
    "447700900040": "send-rate-limited",
    "447700900041": "send-server-error",
    "447700900042": "send-unauthorized",
    "447700900043": "send-forbidden",
    "447700900044": "send-order-created",
    "447700900045": "send-slow",
    "447700900046": "send-bad-gateway",
    "447700900047": "send-unavailable",
    "447700900048": "send-gateway-timeout",
    "447700900050": "flaky",
    "447700900060": "multipart-part-2-fails",
}


def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


def library() -> tuple[Scenario, ...]:
    return load_dir(LIBRARY)


def livelink_code(step: Step) -> str | None:
    if step.code is not None:
        return step.code
    return None if step.reason is None else REASONS[step.reason].code_for("livelink")


def test_library_is_split_by_topic() -> None:
    assert [p.name for p in FILES] == ["delays.yaml", "errors.yaml", "happy.yaml", "replies.yaml", "send.yaml"]


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    document = schema()
    assert "2020-12" in document["$schema"]
    jsonschema.Draft202012Validator.check_schema(document)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_file_starts_with_a_schema_line_that_points_at_the_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == SCHEMA_LINE
    target = first.partition("$schema=")[2]
    assert (path.parent / target).resolve() == SCHEMA_PATH.resolve()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_file_validates_against_the_schema(path: Path) -> None:
    validator = jsonschema.Draft202012Validator(schema())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(yaml.safe_load(path.read_text()))]
    assert errors == []


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_file_loads_and_every_scenario_is_described(path: Path) -> None:
    scenarios = load_file(path)
    assert scenarios
    assert all(s.description and s.source == path.name for s in scenarios)


def test_shipped_dir_is_the_library() -> None:
    assert shipped_dir() == LIBRARY.resolve()
    assert [s.name for s in load_dir(shipped_dir())] == [s.name for s in library()]


def test_installed_package_carries_the_library_where_shipped_dir_looks() -> None:
    # An installed wheel has no repository around it: the files must sit in mockgateway/scenarios.
    assert (ROOT / "mockgateway" / "scenarios").resolve() == LIBRARY.resolve()
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert {"scenarios/*.yaml", "scenario/*.json"} <= set(package_data["mockgateway"])


def test_every_scenario_has_its_own_magic_number_in_range() -> None:
    numbers = [s.match.destination for s in library()]
    assert all(n is not None and n.isdigit() and int(n) in MAGIC for n in numbers), numbers
    assert len(set(numbers)) == len(numbers)
    assert sorted(n for n in numbers if n is not None) == sorted(EXPECTED)


@pytest.mark.parametrize(("number", "name"), EXPECTED.items())
def test_magic_number_reaches_its_scenario(number: str, name: str) -> None:
    # FixedRandom(0.0): a scenario with a probability takes the message too.
    assert select(library(), message(number), FixedRandom(0.0)).name == name


@pytest.mark.parametrize("number", ["447700900000", "447700900004", "447700900999", "447911123456"])
def test_other_numbers_follow_the_default(number: str) -> None:
    assert select(library(), message(number), FixedRandom(0.0)) is DEFAULT_SCENARIO


def test_error_numbers_give_each_livelink_code_as_a_final_negative_in_documented_order() -> None:
    by_number = {s.match.destination: s for s in library()}
    for offset, code in enumerate(LIVELINK_ERRORS):
        scenario = by_number[str(447700900010 + offset)]
        # A blocked recipient is refused before it is sent: its failure is its only step.
        sent = [] if code == "4524" else [MessageStatus.SENT]
        assert [s.status for s in scenario.steps] == [*sent, MessageStatus.FAILED]
        assert livelink_code(scenario.steps[-1]) == code


def test_livelink_error_order_is_the_documented_one() -> None:
    seeds = sorted(SHARED.glob("seeds/000_*.txt")) if SHARED.is_dir() else []
    if not seeds:
        pytest.skip(f"Live Link's error-code page (seed 000) is not available at {SHARED}/seeds")
    codes = re.findall(r"^\s*(DB\d\d|\d{4}) ", seeds[0].read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert tuple(codes) == LIVELINK_ERRORS


def test_magic_numbers_doc_lists_every_scenario() -> None:
    doc = (ROOT / "docs" / "magic-numbers.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| \+(\d+) \| `([a-z0-9-]+)` \|", doc, flags=re.MULTILINE))
    assert rows == {s.match.destination: s.name for s in library()}
