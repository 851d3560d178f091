"""The core's values are built by keyword only: a positional argument is refused, so no caller can mix up two
fields of the same type."""

from __future__ import annotations

from typing import Any

import pytest

from mockgateway.domain.model import Account, Encoding, MessageStatus
from mockgateway.domain.reasons import Code, Reason
from mockgateway.encoding import Segmentation
from mockgateway.scenario.model import Reply, Scenario, Step
from mockgateway.service.engine import Restored
from mockgateway.service.events import Event
from mockgateway.service.intake import Accepted
from mockgateway.service.waits import NearMiss


@pytest.mark.parametrize(
    ("value_type", "fields"),
    [
        (Account, {"name": "demo"}),
        (Event, {"kind": "mo", "id": "42", "account": "demo"}),
        (Accepted, {"messages": []}),
        (Restored, {"jobs": 1, "callbacks": 2}),
        (Scenario, {"name": "slow"}),
        (Step, {"status": MessageStatus.SENT, "after": 1.0}),
        (Reply, {"text": "STOP", "after": 30.0}),
        (Segmentation, {"encoding": Encoding.GSM7, "parts": ("",), "units": 0}),
        (NearMiss, {"item": "x", "matched": (), "mismatched": ()}),
        (Reason, {"name": "absent", "description": "handset absent", "retriable": True}),
        (
            Code,
            {
                "provider": "livelink",
                "code": "DB52",
                "status": MessageStatus.FAILED,
                "reason": None,
                "description": "failed",
            },
        ),
    ],
)
def test_values_are_built_by_keyword_only(value_type: type, fields: dict[str, Any]) -> None:
    built = value_type(**fields)
    assert all(getattr(built, name) == given for name, given in fields.items())
    with pytest.raises(TypeError):
        value_type(*fields.values())
