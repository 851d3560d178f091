"""The in-memory store's event log: retention starts noted late, for rows still kept and for rows already gone."""

from __future__ import annotations

from mockgateway.storage.eventlog import Columns, EventLog
from mockgateway.storage.rows import Row

BUDGET = 1_000


def log_of(*rows: Row) -> EventLog:
    log = EventLog(Columns(id=0, account=1, time=2, exact=None, extra_keys=lambda row: ()))
    for row in rows:
        log.add(row)
    return log


def kept(log: EventLog) -> int:
    return log.count(None, None, None, lambda row: True, None)


def test_a_retention_start_noted_after_its_row_was_forgotten_is_forgotten_too() -> None:
    # A callback delivered after the window had passed its notification (a receiver down, or a backlog).
    log = log_of(*((f"n{i}", "acc", 100.0 + i) for i in range(50)))
    log.purge(older_than=400.0, budget=BUDGET)
    assert kept(log) == 0
    for i in range(50):
        log.touch(f"n{i}", 500.0 + i)
    log.purge(older_than=600.0, budget=BUDGET)
    assert log.late == {}


def test_a_row_kept_from_a_later_start_stays_until_the_cutoff_passes_that_start() -> None:
    log = log_of(("n1", "acc", 100.0))
    log.touch("n1", 250.0)
    log.purge(older_than=200.0, budget=BUDGET)
    log.purge(older_than=249.0, budget=BUDGET)
    assert kept(log) == 1
    log.purge(older_than=250.0, budget=BUDGET)
    assert kept(log) == 0
    assert log.late == {}
