"""The engine runs the due steps of different messages side by side, so that on a store across a network their
reads and writes go out together; each message's steps still run in their order."""

from __future__ import annotations

from mockgateway.bootstrap import build_gateway
from mockgateway.clock import FakeClock
from mockgateway.config import Settings
from mockgateway.domain.model import Message, MessageStatus, SendRequest
from mockgateway.domain.queries import EventQuery
from mockgateway.storage.memory import InMemoryStore
from tests.conftest import T0, next_turn


class RoundTripStore(InMemoryStore):
    """Answers a message read a turn or two of the loop later, as a store across a network does (a read made
    while none waits, a turn later than the others: answers need not come in the order asked); counts the reads
    waiting together."""

    def __init__(self) -> None:
        super().__init__()
        self._waiting = 0
        self.most_waiting = 0

    async def get_message(self, message_id: str) -> Message | None:
        self._waiting += 1
        self.most_waiting = max(self.most_waiting, self._waiting)
        for _ in range(2 if self._waiting == 1 else 1):
            await next_turn()
        self._waiting -= 1
        return await super().get_message(message_id)


def _send(count: int) -> SendRequest:
    numbers = tuple(f"336123456{n:02}" for n in range(count))
    return SendRequest(account="demo", provider="livelink", destinations=numbers, text="Hello", callbacks=())


async def test_the_steps_of_different_messages_wait_for_the_store_together() -> None:
    store = RoundTripStore()
    gateway = build_gateway(Settings(clock="virtual", seed=7), clock=FakeClock(T0), store=store)
    accepted = await gateway.send(_send(20))  # the default timeline: SENT +1 s, DELIVERED +3 s
    await gateway.advance(1)
    assert store.most_waiting == 20
    await gateway.advance(5)
    for message in accepted.messages:
        assert (await store.get_message(message.id)).status is MessageStatus.DELIVERED  # type: ignore[union-attr]


async def test_a_messages_steps_due_together_still_run_in_their_order() -> None:
    store, clock = RoundTripStore(), FakeClock(T0)
    gateway = build_gateway(Settings(clock="virtual", seed=7), clock=clock, store=store)
    accepted = await gateway.send(_send(5))
    clock.advance(10)
    assert await gateway.run_due() == 10  # SENT and DELIVERED of every message, in one go
    for message in accepted.messages:
        statuses = [n.status for n in await store.list_notifications(EventQuery(message_id=message.id))]
        assert statuses == [MessageStatus.SENT, MessageStatus.DELIVERED]
