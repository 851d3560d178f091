from __future__ import annotations

import gc

from mockgateway.domain.model import MessageStatus
from mockgateway.scenario.model import PlannedReply, PlannedStatus
from mockgateway.service.scheduler import Job, Scheduler, lanes_for


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


SENT, DELIVERED = (0.0, 0, "SENT", None, None), (5.0, 0, "DELIVERED", None, None)


def test_fixed_timelines_run_step_by_step_in_time_then_scheduling_order() -> None:
    scheduler = Scheduler()
    lanes = lanes_for([SENT, DELIVERED])
    scheduler.start("m1", 100.0, lanes)
    scheduler.schedule(Job.of("x", status(102.0)))
    scheduler.start("m2", 101.0, lanes)
    scheduler.start("m3", 101.0, lanes)
    assert scheduler.next_due() == 100.0
    assert len(scheduler) == 7
    first = scheduler.pop_due(102.0)
    assert [(j.message_id, j.status) for j in first] == [("m1", "SENT"), ("m2", "SENT"), ("m3", "SENT"), ("x", "SENT")]
    assert [j.key for j in first[:3]] == ["m1:0", "m2:0", "m3:0"]
    assert [(j.message_id, j.due_at, j.key) for j in scheduler.pop_due(200.0)] == [
        ("m1", 105.0, "m1:1"),
        ("m2", 106.0, "m2:1"),
        ("m3", 106.0, "m3:1"),
    ]
    assert scheduler.next_due() is None


def test_a_step_that_would_overtake_its_lane_still_comes_out_in_time_order() -> None:
    scheduler = Scheduler()
    lanes = lanes_for([DELIVERED])
    scheduler.start("late", 200.0, lanes)
    scheduler.start("early", 100.0, lanes)  # e.g. deferred to an earlier time than the last one
    assert scheduler.next_due() == 105.0
    assert [j.message_id for j in scheduler.pop_due(300.0)] == ["early", "late"]


def test_same_due_time_keeps_the_steps_of_a_message_together_in_step_order() -> None:
    scheduler = Scheduler()
    lanes = lanes_for([(1.0, 0, "SENT", None, None), (1.0, 1, "SENT", None, None)])
    scheduler.start("a", 0.0, lanes)
    scheduler.start("b", 0.0, lanes)
    assert [(j.message_id, j.part_index) for j in scheduler.pop_due(1.0)] == [("a", 0), ("a", 1), ("b", 0), ("b", 1)]


def test_busy_until_is_the_last_due_time_until_that_job_ran() -> None:
    scheduler = Scheduler()
    scheduler.start("m", 100.0, lanes_for([SENT, DELIVERED]))
    scheduler.schedule(Job.of("r", status(300.0)))
    assert scheduler.busy_until("m") == 105.0
    for job in scheduler.pop_due(100.0):
        scheduler.ran(job.message_id, job.due_at)
    assert scheduler.busy_until("m") == 105.0
    for job in scheduler.pop_due(105.0):
        scheduler.ran(job.message_id, job.due_at)
    assert scheduler.busy_until("m") is None
    assert scheduler.busy_until("r") == 300.0


def test_pending_lists_lanes_and_heap_together_and_clear_empties_both() -> None:
    scheduler = Scheduler()
    scheduler.start("m", 0.0, lanes_for([SENT, DELIVERED]))
    scheduler.schedule(Job.of("x", status(2.0)))
    assert [(j.message_id, j.due_at) for j in scheduler.pending()] == [("m", 0.0), ("x", 2.0), ("m", 5.0)]
    scheduler.clear()
    assert scheduler.next_due() is None
    assert len(scheduler) == 0
    assert scheduler.busy_until("m") is None


def test_lanes_hold_no_objects_the_collector_tracks() -> None:
    # 100k messages in flight mean 200k+ pending steps: tracked, every full collection would walk them all.
    scheduler = Scheduler()
    lanes = lanes_for([SENT, DELIVERED])
    for i in range(100):
        scheduler.start(f"m{i}", float(i), lanes)
    gc.collect()
    assert not any(gc.is_tracked(item) for lane in lanes for item in lane.queue)


def test_only_timelines_longer_than_the_retention_window_are_held() -> None:
    scheduler = Scheduler(hold_beyond_s=100.0)
    scheduler.start("short", 0.0, lanes_for([SENT, DELIVERED]))
    scheduler.start("long", 0.0, lanes_for([SENT, (500.0, 0, "FAILED", "validity_expired", None)]))
    assert scheduler.busy_until("short") is None
    assert scheduler.busy_until("long") == 500.0
