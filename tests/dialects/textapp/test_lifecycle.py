"""End to end on the virtual clock: a send, its status notifications part by part (one ending in a failure
code), and a reply pushed to the replyData URL, all received over HTTP by an in-process receiver."""

from __future__ import annotations

from mockgateway.domain.model import CallbackTarget, MessageStatus
from mockgateway.domain.queries import MessageQuery
from mockgateway.scenario.model import Match, Reply, Scenario, Step
from tests.dialects.textapp.conftest import FAILING, FAILS_ABSENT, Live, Receiver, golden, post, send_params

S = MessageStatus
REPLYING = "+447700900031"

SCENARIOS = (
    FAILS_ABSENT,
    Scenario(
        name="replies",
        match=Match(destination=REPLYING.lstrip("+")),
        steps=(Step(status=S.SENT, after=1), Step(status=S.DELIVERED, after=2)),
        replies=(Reply(text="YES please", after=30),),
    ),
)


async def test_lifecycle(live: Live, receiver: Receiver) -> None:
    live.gateway.scenarios = SCENARIOS
    status_url = receiver.url("/status.aspx")
    two_parts = "x" * 200
    await post(
        live.client,
        send_params(
            destinations=FAILING, body=two_parts, clientMessageReference="fail-1", statusNotificationUrl=status_url
        ),
    )
    await post(
        live.client,
        send_params(
            destinations=REPLYING,
            clientMessageReference="reply-1",
            originator="",
            replyMethodID="5",
            replyData=receiver.url("/reply.aspx"),
            statusNotificationUrl=status_url,
        ),
    )
    ids = {m.client_ref: m.id for m in (await live.gateway.messages(MessageQuery(provider="textapp"))).items}

    transcript: list[str] = []
    for second in range(1, 41):
        before = len(receiver.seen)
        await live.gateway.advance(1)
        transcript += [f"+{second}s {line}" for line in sorted(receiver.seen[before:])]

    expected = golden("lifecycle.txt").format(fail=ids["fail-1"], reply=ids["reply-1"])
    assert "\n".join(transcript) == expected
    failed = await live.gateway.message(ids["fail-1"])
    assert failed.status is S.FAILED


async def test_account_status_url_without_statusNotificationUrl(live: Live, receiver: Receiver) -> None:
    live.gateway.set_account_callbacks("demo", status=None, mo=None)
    await post(live.client, send_params(statusNotificationUrl=None))
    await live.gateway.advance(10)
    assert receiver.seen == [], "no statusNotificationUrl and no account URL: nothing is pushed"

    live.gateway.set_account_callbacks("demo", status=CallbackTarget(url=receiver.url("/account")), mo=None)
    await post(live.client, send_params(statusNotificationUrl=None))
    await live.gateway.advance(10)
    codes = [line.split("&")[1] for line in receiver.hits("/account")]
    assert codes == ["messagestatuscode=602", "messagestatuscode=400"]


async def test_empty_statusNotificationUrl_asks_for_no_notifications(live: Live, receiver: Receiver) -> None:
    """Left empty, the parameter turns notifications off, even when the account has a status URL."""
    live.gateway.set_account_callbacks("demo", status=CallbackTarget(url=receiver.url("/account")), mo=None)
    await post(live.client, send_params(statusNotificationUrl=""))
    await live.gateway.advance(10)

    [message] = (await live.gateway.messages(MessageQuery(provider="textapp"))).items
    assert message.status is S.DELIVERED
    assert receiver.seen == []
