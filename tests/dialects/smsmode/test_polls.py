"""smsmode's status polls give each recipient's final answer once every part of it is final."""

from __future__ import annotations

from mockgateway.domain.model import MessageStatus
from mockgateway.scenario.model import Match, Scenario, Step
from mockgateway.service.gateway import Gateway
from tests.dialects.smsmode.conftest import Client, Receiver, http_get, send_http

S = MessageStatus
DELIVERED_NUMBER, FAILING_NUMBER = "33612345678", "33712345678"


async def test_a_long_message_whose_failed_part_reported_first_ends_failed(
    client: Client, gateway: Gateway, receiver: Receiver
) -> None:
    """Part 2 fails, then part 1 is delivered: the recipient's answer is the failure, not "partially delivered",
    and no report follows the failure's."""
    gateway.scenarios = (
        Scenario(
            name="part-2-fails-first",
            steps=(
                Step(status=S.SENT, after=1),
                Step(status=S.FAILED, after=1, part=2, reason="unknown_subscriber"),
                Step(status=S.DELIVERED, after=1, part=1),
            ),
        ),
    )
    sms_id = await send_http(client, message="x" * 200, notification_url=receiver.url("/dlr"))
    await gateway.advance(10)
    assert [dict(hit.query)["statut"] for hit in receiver.on("/dlr")] == ["0", "3521"]
    assert await http_get(client, "compteRendu.do", smsID=sms_id) == f"{DELIVERED_NUMBER} 3521"
    assert await http_get(client, "smsStatus.do", smsID=sms_id) == "3521 | Permanent operator error"


async def test_a_send_where_only_some_recipients_failed_gets_a_final_answer(client: Client, gateway: Gateway) -> None:
    """One recipient delivered, the other retried and then failed: in progress while it retries, then final."""
    gateway.scenarios = (
        Scenario(
            name="retried-then-failed",
            match=Match(destination=FAILING_NUMBER),
            steps=(
                Step(status=S.SENT, after=1),
                Step(status=S.RETRYING, after=1, reason="network_temporary"),
                Step(status=S.FAILED, after=60, reason="network_temporary"),
            ),
        ),
        Scenario(name="delivered", steps=(Step(status=S.SENT, after=1), Step(status=S.DELIVERED, after=1))),
    )
    sms_id = await send_http(client, numero=f"0{DELIVERED_NUMBER[2:]},0{FAILING_NUMBER[2:]}")
    await gateway.advance(5)
    assert await http_get(client, "compteRendu.do", smsID=sms_id) == f"{DELIVERED_NUMBER} 14 | {FAILING_NUMBER} 13"
    assert await http_get(client, "smsStatus.do", smsID=sms_id) == "1 | In progress"
    await gateway.advance(60)
    assert await http_get(client, "compteRendu.do", smsID=sms_id) == f"{DELIVERED_NUMBER} 14 | {FAILING_NUMBER} 3501"
    assert await http_get(client, "smsStatus.do", smsID=sms_id) == "3501 | Temporary operator error"
