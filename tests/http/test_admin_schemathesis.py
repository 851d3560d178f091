"""Schemathesis against the admin API's own OpenAPI document: generated requests, with the admin token, never
get a server error, and every answer conforms to the schema the document gives it.

The gateway runs on 127.0.0.1 (an ephemeral port) on a virtual clock, in a thread of its own, since schemathesis
calls it synchronously. It holds messages, notifications, an MO and failed callback deliveries to look through.

- ``/__admin/events`` is left out: the stream never ends, so there is no answer to check.
- The waits' ``timeout`` is set to 0: they wait in real time, and what is checked is the shape of the answer.
- Resets run last, so the other operations meet a gateway with something in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
import pytest

from mockgateway.config import Settings
from mockgateway.http.ui import document_json
from tests.served import Served, served_in_thread

TOKEN = "s3cret-admin-token"
EXAMPLES = 20  #: per operation; some 5 s for all of them
LEFT_OUT = {"/__admin/events"}
DESTRUCTIVE = {"/__admin/state", "/__admin/reset"}
KEY, SECRET = "demo-app-key", "demo-app-secret"
#: Delivered with a reply (STOP), fails with DB62.
TRAFFIC = ["447700900030", "447700900010"]
DEAD_RECEIVER = "http://127.0.0.1:9/acks"  # the discard port: nothing answers, so each attempt fails


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    with served_in_thread(Settings(clock="virtual", seed=7, admin_token=TOKEN)) as running:
        yield running


@pytest.fixture(scope="module")
def traffic(served: Served) -> None:
    import requests  # a dependency of schemathesis, which calls the gateway through it

    bearer = served.livelink_token(KEY, SECRET)
    admin = {"Authorization": f"Bearer {TOKEN}"}
    targets = {"status_callback": DEAD_RECEIVER, "mo_callback": DEAD_RECEIVER}
    put = requests.put(f"{served.base_url}/__admin/accounts/demo/callbacks", json=targets, headers=admin, timeout=10)
    assert put.status_code == 200, put.text
    body = {"destination": TRAFFIC, "message": "Your code is 482913"}
    headers = {"Authorization": f"Bearer {bearer}"}
    sent = requests.post(f"{served.base_url}/api/v2/sms", json=body, headers=headers, timeout=10)
    assert sent.status_code == 200, sent.text
    served.run(served.gateway.advance(60))  # ACKs, the DB62 error, the STOP reply and failed callback attempts


def test_the_gateway_being_checked_holds_every_kind_of_item(served: Served, traffic: None) -> None:
    """The generated lists meet non-empty pages: messages, ACKs, a reply and failed callback deliveries."""
    import requests

    auth = {"Authorization": f"Bearer {TOKEN}"}
    for path in ("messages", "notifications", "mo", "callbacks"):
        items = requests.get(f"{served.base_url}/__admin/{path}", headers=auth, timeout=10).json()[path]
        assert items, path


def operations() -> list[Any]:
    import schemathesis

    schema = schemathesis.openapi.from_dict(orjson.loads(document_json()))
    found = [result.ok() for result in schema.get_all_operations()]
    kept = sorted((op for op in found if op.path not in LEFT_OUT), key=lambda op: op.path in DESTRUCTIVE)
    return [pytest.param(op, id=op.label) for op in kept]


@pytest.mark.parametrize("operation", operations())
def test_generated_admin_requests_get_no_server_error_and_answers_that_follow_the_document(
    served: Served, traffic: None, operation: Any
) -> None:
    from hypothesis import HealthCheck, given, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )
    def check(case: Any) -> None:
        if operation.path.endswith("/wait"):
            case.query = {**(case.query or {}), "timeout": 0}
        response = case.call(base_url=served.base_url, headers={"Authorization": f"Bearer {TOKEN}"})
        case.validate_response(
            response, checks=[not_a_server_error, status_code_conformance, response_schema_conformance]
        )

    check()
