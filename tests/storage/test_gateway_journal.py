"""The engine tells its journal of pending jobs what it planned, what ran and when everything was forgotten."""

from __future__ import annotations

from collections.abc import Sequence

from mockgateway.bootstrap import build_gateway
from mockgateway.clock import FakeClock
from mockgateway.config import Settings
from mockgateway.domain.job import Job
from mockgateway.domain.model import MessageStatus, SendRequest
from tests.conftest import T0


class RecordingJournal:
    def __init__(self) -> None:
        self.saved: list[Job] = []
        self.forgotten: list[Job] = []
        self.clears = 0

    async def save(self, jobs: Sequence[Job]) -> None:
        self.saved += jobs

    async def forget(self, jobs: Sequence[Job]) -> None:
        self.forgotten += jobs

    async def load(self) -> list[Job]:
        return []

    async def clear(self) -> None:
        self.clears += 1


def _send(*destinations: str) -> SendRequest:
    return SendRequest(account="demo", provider="livelink", destinations=destinations, text="Hello", callbacks=())


async def test_planned_jobs_are_saved_and_forgotten_once_they_ran() -> None:
    journal = RecordingJournal()
    gateway = build_gateway(Settings(clock="virtual", seed=7), clock=FakeClock(T0), journal=journal)
    accepted = await gateway.send(
        _send("33612345678", "33612345679")
    )  # the default timeline: SENT +1 s, DELIVERED +3 s
    ids = [message.id for message in accepted.messages]
    assert [(job.key, job.status, job.due_at - T0) for job in journal.saved] == [
        (f"{message_id}:{step}", status, offset)
        for message_id in ids
        for step, (status, offset) in enumerate([(MessageStatus.SENT, 1.0), (MessageStatus.DELIVERED, 3.0)])
    ]
    await gateway.advance(1)
    assert [(job.message_id, job.status) for job in journal.forgotten] == [(i, MessageStatus.SENT) for i in ids]
    await gateway.advance(5)
    assert sorted(job.key for job in journal.forgotten) == sorted(job.key for job in journal.saved)
    await gateway.reset()
    assert journal.clears == 1


async def test_a_timeline_with_a_reply_is_saved_whole_the_reply_last() -> None:
    journal = RecordingJournal()
    gateway = build_gateway(Settings(clock="virtual", seed=7), clock=FakeClock(T0), journal=journal)
    await gateway.send(_send("447700900030"))  # SENT +1 s, DELIVERED +2 s, the handset replies STOP 30 s later
    assert [(job.step, job.due_at - T0, job.status, job.text, job.sender) for job in journal.saved] == [
        (0, 1.0, MessageStatus.SENT, None, None),
        (1, 3.0, MessageStatus.DELIVERED, None, None),
        (2, 33.0, None, "STOP", "447700900030"),
    ]
