"""The jobs a send planned read as the jobs themselves, a fixed timeline's made when first read."""

from __future__ import annotations

from mockgateway.domain.job import Job
from mockgateway.domain.model import MessageStatus
from mockgateway.service.scheduler import FixedTimeline
from mockgateway.service.timeline import PlannedJobs

SENT = Job(message_id="", step=0, due_at=0.0, part_index=0, status=MessageStatus.SENT)
DELIVERED = Job(message_id="", step=1, due_at=5.0, part_index=0, status=MessageStatus.DELIVERED)
REPLY = Job(message_id="m2", step=2, due_at=130.0, text="STOP", sender="447700900001")


def test_fixed_timelines_and_drawn_jobs_read_as_their_jobs() -> None:
    timeline = FixedTimeline([SENT, DELIVERED])
    planned = PlannedJobs()
    assert not planned
    planned.start("m1", 100.0, timeline)
    planned.draw([REPLY])
    planned.start("m3", 120.0, timeline)
    expected = [*timeline.jobs_for("m1", 100.0), *timeline.jobs_for("m3", 120.0), REPLY]
    assert len(planned) == 5
    assert list(planned) == expected
    assert planned[1] == expected[1]
    assert list(planned[3:]) == expected[3:]
    planned.draw([REPLY])  # read, then planned further: read again in full
    assert list(planned) == [*expected, REPLY]
