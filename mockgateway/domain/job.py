"""A planned job: one step of a message's timeline, from its scenario to the scheduler and the store."""

from __future__ import annotations

import msgspec

from mockgateway.domain.model import MessageStatus


class Job(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """One planned event of a message: a status for one of its parts, or a reply from the handset.

    ``gc=False``: a job holds strings and numbers only, so the cyclic garbage collector need not track it, and
    100,000 messages in flight add nothing to its full collections.
    """

    message_id: str
    step: int  #: its place in the message's timeline: statuses first, then replies
    due_at: float  #: gateway-clock time; relative to the message's start in a ``FixedTimeline``'s steps
    part_index: int | None = None  #: the part a status is for; None for a reply
    status: MessageStatus | None = None  #: None for a reply
    reason: str | None = None  #: a status's canonical reason
    code: str | None = None  #: a status's provider code
    text: str | None = None  #: a reply's text
    sender: str | None = None  #: a reply's sender, E.164 digits

    @property
    def key(self) -> str:
        """Unique per job, and the same each time the job is planned: how a store tells pending jobs apart."""
        return f"{self.message_id}:{self.step}"
