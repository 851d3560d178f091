from __future__ import annotations

import gc

from mockgateway.domain.job import Job
from mockgateway.domain.model import MessageStatus
from mockgateway.service.scheduler import FixedTimeline, Scheduler
from tests.internals import waiting_in_lanes


def status(message_id: str, due: float, part: int = 0) -> Job:
    return Job(message_id=message_id, step=part, due_at=due, part_index=part, status=MessageStatus.SENT)


def step(n: int, offset: float, status: MessageStatus, *, part: int = 0, reason: str | None = None) -> Job:
    """Step ``n`` of a fixed timeline, ``offset`` seconds after the start."""
    return Job(message_id="", step=n, due_at=offset, part_index=part, status=status, reason=reason)


def test_jobs_come_out_in_time_order_and_ties_in_insertion_order() -> None:
    scheduler = Scheduler()
    scheduler.schedule([status("b", 5.0)])
    scheduler.schedule([status("a", 1.0)])
    scheduler.schedule([status("c", 5.0, part=1)])
    scheduler.schedule([Job(message_id="d", step=0, due_at=3.0, text="hi", sender="447700900123")])
    assert scheduler.next_due() == 1.0
    assert [j.message_id for j in scheduler.take_due(5.0)] == ["a", "d", "b", "c"]
    assert scheduler.next_due() is None


def test_nothing_due_before_its_time() -> None:
    scheduler = Scheduler()
    scheduler.schedule([status("a", 10.0)])
    assert scheduler.take_due(9.999) == []
    assert len(scheduler) == 1
    assert [j.message_id for j in scheduler.take_due(10.0)] == ["a"]


def test_jobs_come_out_in_time_order_and_clear_empties() -> None:
    scheduler = Scheduler()
    for due in (3.0, 1.0, 2.0):
        scheduler.schedule([status(str(due), due)])
    assert len(scheduler) == 3
    assert [j.due_at for j in scheduler.take_due(3.0)] == [1.0, 2.0, 3.0]
    scheduler.schedule([status("later", 4.0)])
    scheduler.clear()
    assert scheduler.next_due() is None


SENT, DELIVERED = step(0, 0.0, MessageStatus.SENT), step(1, 5.0, MessageStatus.DELIVERED)


def test_fixed_timelines_run_step_by_step_in_time_then_scheduling_order() -> None:
    scheduler = Scheduler()
    timeline = FixedTimeline([SENT, DELIVERED])
    scheduler.start("m1", 100.0, timeline)
    scheduler.schedule([status("x", 102.0)])
    scheduler.start("m2", 101.0, timeline)
    scheduler.start("m3", 101.0, timeline)
    assert scheduler.next_due() == 100.0
    assert len(scheduler) == 7
    first = scheduler.take_due(102.0)
    assert [(j.message_id, j.status) for j in first] == [("m1", "SENT"), ("m2", "SENT"), ("m3", "SENT"), ("x", "SENT")]
    assert [j.key for j in first[:3]] == ["m1:0", "m2:0", "m3:0"]
    assert [(j.message_id, j.due_at, j.key) for j in scheduler.take_due(200.0)] == [
        ("m1", 105.0, "m1:1"),
        ("m2", 106.0, "m2:1"),
        ("m3", 106.0, "m3:1"),
    ]
    assert scheduler.next_due() is None


def test_a_fixed_timeline_gives_a_messages_jobs_as_the_scheduler_hands_them_out() -> None:
    timeline = FixedTimeline([SENT, DELIVERED])
    scheduler = Scheduler()
    scheduler.start("m1", 100.0, timeline)
    assert (
        timeline.jobs_for("m1", 100.0)
        == scheduler.take_due(105.0)
        == [
            Job(message_id="m1", step=0, due_at=100.0, part_index=0, status=MessageStatus.SENT),
            Job(message_id="m1", step=1, due_at=105.0, part_index=0, status=MessageStatus.DELIVERED),
        ]
    )


def test_a_step_that_would_overtake_its_lane_still_comes_out_in_time_order() -> None:
    scheduler = Scheduler()
    timeline = FixedTimeline([DELIVERED])
    scheduler.start("late", 200.0, timeline)
    scheduler.start("early", 100.0, timeline)  # e.g. deferred to an earlier time than the last one
    assert scheduler.next_due() == 105.0
    assert [j.message_id for j in scheduler.take_due(300.0)] == ["early", "late"]


def test_same_due_time_keeps_the_steps_of_a_message_together_in_step_order() -> None:
    scheduler = Scheduler()
    timeline = FixedTimeline([step(0, 1.0, MessageStatus.SENT), step(1, 1.0, MessageStatus.SENT, part=1)])
    scheduler.start("a", 0.0, timeline)
    scheduler.start("b", 0.0, timeline)
    assert [(j.message_id, j.part_index) for j in scheduler.take_due(1.0)] == [("a", 0), ("a", 1), ("b", 0), ("b", 1)]


def test_busy_until_is_the_last_due_time_until_that_job_ran() -> None:
    scheduler = Scheduler()
    scheduler.start("m", 100.0, FixedTimeline([SENT, DELIVERED]))
    scheduler.schedule([status("r", 300.0)])
    assert scheduler.busy_until("m") == 105.0
    for job in scheduler.take_due(100.0):
        scheduler.ran(job)
    assert scheduler.busy_until("m") == 105.0
    for job in scheduler.take_due(105.0):
        scheduler.ran(job)
    assert scheduler.busy_until("m") is None
    assert scheduler.busy_until("r") == 300.0


def test_lanes_and_heap_come_out_together_and_clear_empties_both() -> None:
    scheduler = Scheduler()
    scheduler.start("m", 0.0, FixedTimeline([SENT, DELIVERED]))
    scheduler.schedule([status("x", 2.0)])
    assert [(j.message_id, j.due_at) for j in scheduler.take_due(5.0)] == [("m", 0.0), ("x", 2.0), ("m", 5.0)]
    scheduler.start("m", 10.0, FixedTimeline([SENT, DELIVERED]))
    scheduler.schedule([status("x", 12.0)])
    scheduler.clear()
    assert scheduler.next_due() is None
    assert len(scheduler) == 0
    assert scheduler.busy_until("m") is None


def test_lanes_hold_no_objects_the_collector_tracks() -> None:
    # 100k messages in flight mean 200k+ pending steps: tracked, every full collection would walk them all.
    scheduler = Scheduler()
    timeline = FixedTimeline([SENT, DELIVERED])
    for i in range(100):
        scheduler.start(f"m{i}", float(i), timeline)
    gc.collect()
    assert not any(gc.is_tracked(item) for item in waiting_in_lanes(timeline))
    assert not any(gc.is_tracked(job) for job in scheduler.take_due(200.0))


def test_only_timelines_longer_than_the_retention_window_are_held() -> None:
    scheduler = Scheduler(hold_beyond_s=100.0)
    scheduler.start("short", 0.0, FixedTimeline([SENT, DELIVERED]))
    expires = step(1, 500.0, MessageStatus.FAILED, reason="validity_expired")
    scheduler.start("long", 0.0, FixedTimeline([SENT, expires]))
    assert scheduler.busy_until("short") is None
    assert scheduler.busy_until("long") == 500.0
