"""The ``JobJournal`` beside the in-memory store."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mockgateway.domain.job import Job

if TYPE_CHECKING:
    from mockgateway.service.ports import JobJournal


class NoJournal:
    """Nothing outlives the process: the engine's scheduler is the only record of pending jobs, and the journal
    keeps none."""

    async def save(self, jobs: Sequence[Job]) -> None:
        return None

    async def forget(self, jobs: Sequence[Job]) -> None:
        return None

    async def load(self) -> list[Job]:
        return []

    async def clear(self) -> None:
        return None


if TYPE_CHECKING:

    def _is_a_journal(journal: NoJournal) -> JobJournal:
        return journal  # mypy proves the class fits the service's port
