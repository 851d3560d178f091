"""The timeline of planned events, in due-time order (ties in the order they were scheduled).

Two kinds of queue hold it:

- **Lanes.** Most messages follow a fixed timeline (see ``timeline.py``): step *k* falls due a fixed offset after
  the message starts. Messages start in clock order, so each step's due times arrive already sorted, and a
  ``Lane`` per step is a plain FIFO: scheduling a message appends one small tuple per step, and nothing is
  sorted or keyed until the step falls due.
- **The heap** holds every other job: timelines drawn at random or with replies, jobs restored after a restart,
  and a step that would fall due before the last one in its lane (a message deferred to an earlier time, say).

Both hold plain tuples of strings and numbers, which the cyclic garbage collector stops tracking: 100,000
messages in flight add nothing to its full collections (which otherwise set the send path's p99 latency).
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterable, Sequence
from typing import NamedTuple, TypeAlias

from mockgateway.scenario.model import PlannedReply, PlannedStatus


class Job(NamedTuple):
    """One planned event of a message: a status for one part, or a reply. Its fields are the stores' columns."""

    key: str  #: unique per job, so a store can keep pending jobs across restarts
    message_id: str
    due_at: float
    part_index: int | None = None  #: None for a reply
    status: str | None = None  #: a ``MessageStatus`` value
    reason: str | None = None
    code: str | None = None
    text: str | None = None  #: a reply's text
    sender: str | None = None  #: a reply's sender

    @classmethod
    def of(cls, message_id: str, action: PlannedStatus | PlannedReply, key: str = "") -> Job:
        if isinstance(action, PlannedStatus):
            return cls(key, message_id, action.due_at, action.part_index, action.status.value, action.reason,
                       action.code)  # fmt: skip
        return cls(key, message_id, action.due_at, text=action.text, sender=action.sender)


#: (due at, sequence, *the job's fields)
Entry: TypeAlias = tuple[float, int, str, str, float, int | None, str | None, str | None, str | None, str | None,
                          str | None]  # fmt: skip
#: One step of a fixed timeline: (offset from the start, part index, status value, reason, code)
Step: TypeAlias = tuple[float, int, str, str | None, str | None]


def as_job(entry: Entry) -> Job:
    return Job._make(entry[2:])


class Lane:
    """Step ``index`` of one fixed timeline: (due at, sequence, message id) for each message, in due order."""

    __slots__ = ("code", "index", "offset", "part", "queue", "reason", "status")

    def __init__(self, index: int, step: Step) -> None:
        self.index = index
        self.offset, self.part, self.status, self.reason, self.code = step
        self.queue: deque[tuple[float, int, str]] = deque()

    def entry(self, due: float, seq: int, message_id: str) -> Entry:
        return (due, seq, f"{message_id}:{self.index}", message_id, due, self.part, self.status, self.reason,
                self.code, None, None)  # fmt: skip


def lanes_for(steps: Sequence[Step]) -> tuple[Lane, ...]:
    """One lane per step of a fixed timeline, for ``Scheduler.start``."""
    return tuple(Lane(index, step) for index, step in enumerate(steps))


class Scheduler:
    def __init__(self, *, hold_beyond_s: float = 0.0) -> None:
        #: A fixed timeline is noted in ``busy_until`` only when it lasts longer than this: retention can only
        #: reach a message this long after it started, and by then a shorter timeline has run.
        self.hold_beyond_s = hold_beyond_s
        self._heap: list[Entry] = []
        self._lanes: dict[Lane, None] = {}  #: the lanes with jobs in them, in the order they got their first
        self._next = 0  #: the next sequence number
        #: message id -> when its last job falls due, while it has jobs left
        self._until: dict[str, float] = {}

    def __len__(self) -> int:
        return len(self._heap) + sum(len(lane.queue) for lane in self._lanes)

    def start(self, message_id: str, start: float, lanes: Sequence[Lane]) -> None:
        """Schedule a message's fixed timeline: step k of ``lanes`` falls due at ``start`` + its offset."""
        seq = self._next
        self._next = seq + len(lanes)
        active = self._lanes
        last = start
        for lane in lanes:
            due = start + lane.offset
            if due > last:
                last = due
            queue = lane.queue
            if not queue:
                active[lane] = None
            elif queue[-1][0] > due:  # it would overtake the lane: the heap keeps the order
                heapq.heappush(self._heap, lane.entry(due, seq + lane.index, message_id))
                continue
            queue.append((due, seq + lane.index, message_id))
        if last - start > self.hold_beyond_s:
            self._hold(message_id, last)

    def schedule(self, job: Job) -> None:
        self.schedule_all((job,))

    def schedule_all(self, jobs: Iterable[Job]) -> None:
        push, heap = heapq.heappush, self._heap
        for job in jobs:
            push(heap, (job[2], self._next, *job))
            self._next += 1
            self._hold(job.message_id, job.due_at)

    def _hold(self, message_id: str, due: float) -> None:
        if due > self._until.get(message_id, -1.0):
            self._until[message_id] = due

    def busy_until(self, message_id: str) -> float | None:
        """When the last job still planned for the message falls due; ``None`` when none is left (or its fixed
        timeline is no longer than ``hold_beyond_s``)."""
        return self._until.get(message_id)

    def ran(self, message_id: str, due: float) -> None:
        """Note that a job of the message that fell due at ``due`` ran (``take_due`` hands them out in order)."""
        until = self._until
        if due >= until.get(message_id, due):
            until.pop(message_id, None)

    def next_due(self) -> float | None:
        times = [lane.queue[0][0] for lane in self._lanes]
        if self._heap:
            times.append(self._heap[0][0])
        return min(times) if times else None

    def pop_due(self, now: float) -> list[Job]:
        """Every job due at or before ``now``, in time order (ties in the order they were scheduled)."""
        return [as_job(entry) for entry in self.take_due(now)]

    def take_due(self, now: float) -> list[Entry]:
        """``pop_due`` as plain tuples (see ``as_job``): a burst of them adds nothing to garbage collection."""
        due: list[Entry] = []
        heap = self._heap
        while heap and heap[0][0] <= now:
            due.append(heapq.heappop(heap))
        runs = 1 if due else 0
        for lane in [lane for lane in self._lanes if lane.queue[0][0] <= now]:
            due.extend(self._take_from(lane, now))
            runs += 1
        if runs > 1:
            due.sort()  # merges the sorted runs; (due, sequence) never ties
        return due

    def _take_from(self, lane: Lane, now: float) -> list[Entry]:
        queue, entry = lane.queue, lane.entry
        taken = []
        while queue and queue[0][0] <= now:
            taken.append(entry(*queue.popleft()))
        if not queue:
            del self._lanes[lane]
        return taken

    def pending(self) -> list[Job]:
        lanes = [lane.entry(*item) for lane in self._lanes for item in lane.queue]
        return [as_job(entry) for entry in sorted([*self._heap, *lanes])]

    def clear(self) -> None:
        self._heap.clear()
        for lane in self._lanes:
            lane.queue.clear()
        self._lanes.clear()
        self._until.clear()
