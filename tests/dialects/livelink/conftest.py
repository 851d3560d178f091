"""Live Link helpers: golden response files, with the run's ids replaced by stable placeholders."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

GOLDEN = Path(__file__).parent / "golden"
#: Set to 1 to (re)write the golden files from what the gateway answers now; review the diff before committing.
UPDATE = os.environ.get("MOCKGATEWAY_UPDATE_GOLDEN") == "1"


def normalised(body: Any, placeholders: Mapping[str, str]) -> Any:
    """``body`` with every id in ``placeholders`` (wherever it appears, sentences included) replaced by its name."""
    text = json.dumps(body, ensure_ascii=False)
    for value, name in sorted(placeholders.items(), key=lambda item: -len(item[0])):
        text = text.replace(value, f"<{name}>")
    return json.loads(text)


def assert_golden(name: str, body: Any, placeholders: Mapping[str, str] | None = None) -> None:
    """``body`` (normalised) equals golden file ``name``: the same keys, in the same order, with the same values."""
    ours = normalised(body, placeholders or {})
    path = GOLDEN / name
    if UPDATE:
        path.write_text(json.dumps(ours, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    pinned = json.loads(path.read_text(encoding="utf-8"))
    assert json.dumps(ours) == json.dumps(pinned), f"{name} differs:\n{json.dumps(ours, indent=2)}"


@pytest.fixture
def host_zone(request: pytest.FixtureRequest) -> Iterator[str]:
    """Runs the test with the host's local time zone set to ``request.param`` (default Europe/Paris)."""
    zone = getattr(request, "param", "Europe/Paris")
    before = os.environ.get("TZ")
    os.environ["TZ"] = zone
    time.tzset()
    try:
        yield zone
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()
