"""The engine against a store where another change lands between its read and its compare-and-set."""

from __future__ import annotations

from mockgateway.bootstrap import build_gateway
from mockgateway.clock import FakeClock
from mockgateway.config import Settings
from mockgateway.domain.lifecycle import advance
from mockgateway.domain.model import Message, MessageStatus, SendRequest
from mockgateway.domain.queries import EventQuery
from mockgateway.storage.memory import InMemoryStore
from tests.conftest import T0

S = MessageStatus


class RivalStore(InMemoryStore):
    """Before the first compare-and-set, a rival moves the message's second part to RETRYING."""

    def __init__(self) -> None:
        super().__init__()
        self.lost = 0

    async def replace_message(self, current: Message, updated: Message) -> bool:
        if not self.lost and len(current.part_ids) > 1:
            rival = advance(current, 1, S.RETRYING, T0, "network_error")
            assert rival is not None
            assert await super().replace_message(current, rival)
        replaced = await super().replace_message(current, updated)
        self.lost += not replaced
        return replaced


async def test_a_status_change_that_lost_the_race_is_applied_on_top_of_the_winner() -> None:
    store = RivalStore()
    gateway = build_gateway(Settings(clock="virtual", seed=7), clock=FakeClock(T0), store=store)
    long_text = "x" * 200  # two parts
    request = SendRequest(account="demo", provider="livelink", destinations=("447700900001",), text=long_text)
    [sent] = (await gateway.send(request)).messages
    await gateway.advance(1)  # the default scenario: both parts SENT after 1 s
    assert store.lost == 1
    message = await gateway.message(sent.id)
    assert message.part_statuses[0] is S.SENT
    assert message.reason == "network_error"  # the rival's change is still there
    assert [n.part_index for n in await gateway.notifications(EventQuery(message_id=sent.id))] == [0, 1]
