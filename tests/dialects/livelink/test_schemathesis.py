"""Schemathesis against SAP's Live Link swagger: generated requests never get a server error, and every answer
the swagger describes conforms to its response schema.

The gateway runs on 127.0.0.1 (an ephemeral port) on a virtual clock, in a thread of its own, since schemathesis
calls it synchronously. Its pull endpoints have ACKs (an error one included) and a reply to page through.

Where SAP's swagger cannot be followed as written (also in the README's Live Link notes):

- ``startUTCTime`` / ``endUTCTime`` are declared ``integer`` ``int32``, but a ``yyyyMMddHHmm`` time such as
  201709011230 does not fit in 32 bits: the generated values are replaced by a window that holds the traffic.
- Status codes are not checked against the documented ones: the swagger lists no 400 for any operation, and the
  gateway answers bad input 400 in Live Link's error format.
- The e-mail and MFA operations are not imitated (they answer 404) and are left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mockgateway.config import Settings
from tests.served import Served, served_in_thread
from tests.swagger import MISSING_REASON, SWAGGER_PATH, have_swagger

pytestmark = pytest.mark.skipif(not have_swagger(), reason=MISSING_REASON)

IMITATED = ("/v2/sms", "/v2/sms/status", "/v2/sms/mo", "/messages", "/oauth/token", "/oauth/token/validate")
WINDOW = {"startUTCTime": 202601010000, "endUTCTime": 202601020000}
EXAMPLES = 60  #: per operation; some 6 s for all of them on a busy machine
KEY, SECRET = "demo-app-key", "demo-app-secret"
#: Delivered with a reply (STOP), fails with DB62, default timeline.
TRAFFIC = ["447700900030", "447700900010", "447700909001"]


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    with served_in_thread(Settings(clock="virtual", seed=7)) as running:
        yield running


@pytest.fixture(scope="module")
def token(served: Served) -> str:
    import requests  # a dependency of schemathesis, which calls the gateway through it

    access_token = served.livelink_token(KEY, SECRET)
    body = {"destination": TRAFFIC, "message": "Hello"}
    sent = requests.post(
        f"{served.base_url}/api/v2/sms", json=body, headers={"Authorization": f"Bearer {access_token}"}, timeout=10
    )
    assert sent.status_code == 200, sent.text
    served.run(served.gateway.advance(60))  # ACKs, the DB62 error and the STOP reply all happen
    return access_token


def operations() -> list[Any]:
    if not have_swagger():
        return [pytest.param(None, id="swagger-missing")]
    import schemathesis

    schema = schemathesis.openapi.from_path(str(SWAGGER_PATH))
    found = [result.ok() for result in schema.get_all_operations()]
    return [pytest.param(op, id=op.label) for op in found if op.path in IMITATED]


@pytest.mark.parametrize("operation", operations())
def test_generated_requests_get_no_server_error_and_answers_that_follow_the_swagger(
    served: Served, token: str, operation: Any
) -> None:
    from hypothesis import HealthCheck, given, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    bearer = {"Authorization": f"Bearer {token}"}
    basic = {"Authorization": "Basic ZGVtby1hcHAta2V5OmRlbW8tYXBwLXNlY3JldA=="}  # demo-app-key:demo-app-secret
    headers = basic if operation.path == "/oauth/token" else bearer

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )
    def check(case: Any) -> None:
        if case.query is not None and "startUTCTime" in case.query:
            case.query.update(WINDOW)
        response = case.call(base_url=f"{served.base_url}/api", headers=headers)
        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

    check()


def test_the_pull_pages_being_checked_hold_every_kind_of_item(served: Served, token: str) -> None:
    """The generated pulls meet a non-empty page: ACKs of each outcome, the error among them, and a reply."""
    import requests

    params = {**WINDOW, "pageIndex": 1}
    auth = {"Authorization": f"Bearer {token}"}
    acks = requests.get(f"{served.base_url}/api/v2/sms/status", params=params, headers=auth, timeout=10).json()
    assert {item["finalStatusIndicator"] for item in acks["SAPNotification"]} == {"NOT_FINAL", "FINAL", "DB62"}
    mos = requests.get(f"{served.base_url}/api/v2/sms/mo", params=params, headers=auth, timeout=10).json()
    assert [item["contentText"] for item in mos["sapnotification"]] == ["STOP"]
