"""The in-memory store's event log: retention starts noted late, for items still kept and for items already gone."""

from __future__ import annotations

from mockgateway.domain.model import MoMessage
from mockgateway.storage.eventlog import EventLog
from mockgateway.storage.events import MO_FIELDS

BUDGET = 1_000


def reply(id_: str, at: float) -> MoMessage:
    return MoMessage(
        id=id_, account="acc", provider="livelink", sender="447700900001", recipient="447700900999", text="Yes",
        received_at=at,
    )  # fmt: skip


def log_of(*replies: MoMessage) -> EventLog[MoMessage]:
    log = EventLog(MO_FIELDS)
    for item in replies:
        log.add(item)
    return log


def kept(log: EventLog[MoMessage]) -> int:
    return log.count(None, None, None, lambda item: True, None)


def test_a_retention_start_noted_after_its_item_was_forgotten_is_forgotten_too() -> None:
    # A callback delivered after the window had passed its reply (a receiver down, or a backlog).
    log = log_of(*(reply(f"m{i}", 100.0 + i) for i in range(50)))
    log.purge(older_than=400.0, budget=BUDGET)
    assert kept(log) == 0
    for i in range(50):
        log.touch(f"m{i}", 500.0 + i)
    log.purge(older_than=600.0, budget=BUDGET)
    assert log.late == {}


def test_an_item_kept_from_a_later_start_stays_until_the_cutoff_passes_that_start() -> None:
    log = log_of(reply("m1", 100.0))
    log.touch("m1", 250.0)
    log.purge(older_than=200.0, budget=BUDGET)
    log.purge(older_than=249.0, budget=BUDGET)
    assert kept(log) == 1
    log.purge(older_than=250.0, budget=BUDGET)
    assert kept(log) == 0
    assert log.late == {}
