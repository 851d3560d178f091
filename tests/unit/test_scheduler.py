from __future__ import annotations

from mockgateway.domain.model import MessageStatus
from mockgateway.scenario.model import PlannedReply, PlannedStatus
from mockgateway.service.scheduler import Job, Scheduler


def status(due: float, part: int = 0) -> PlannedStatus:
    return PlannedStatus(due, part, MessageStatus.SENT, None, None)


def test_jobs_come_out_in_time_order_and_ties_in_insertion_order() -> None:
    scheduler = Scheduler()
    scheduler.schedule(Job.of("b", status(5.0)))
    scheduler.schedule(Job.of("a", status(1.0)))
    scheduler.schedule(Job.of("c", status(5.0, part=1)))
    scheduler.schedule(Job.of("d", PlannedReply(3.0, "hi", "447700900123")))
    assert scheduler.next_due() == 1.0
    assert [j.message_id for j in scheduler.pop_due(5.0)] == ["a", "d", "b", "c"]
    assert scheduler.next_due() is None


def test_nothing_due_before_its_time() -> None:
    scheduler = Scheduler()
    scheduler.schedule(Job.of("a", status(10.0)))
    assert scheduler.pop_due(9.999) == []
    assert len(scheduler) == 1
    assert [j.message_id for j in scheduler.pop_due(10.0)] == ["a"]


def test_pending_lists_without_removing_and_clear_empties() -> None:
    scheduler = Scheduler()
    for due in (3.0, 1.0, 2.0):
        scheduler.schedule(Job.of(str(due), status(due)))
    assert [j.due_at for j in scheduler.pending()] == [1.0, 2.0, 3.0]
    assert len(scheduler) == 3
    scheduler.clear()
    assert scheduler.next_due() is None
