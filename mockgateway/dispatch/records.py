"""Recording callback attempts in the store, and keeping those it could not take until it is back.

An attempt already made is a fact the journal must show: when the store is unavailable, the delivery as it stands
after the attempt is kept here and saved on a later try (``retry``), never dropped. A newer attempt recorded
first carries the older ones with it (each delivery's attempts accumulate), so it takes the older one's place.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from typing import Protocol

from mockgateway.domain.errors import StoreUnavailable
from mockgateway.domain.model import AttemptOutcome, Delivery
from mockgateway.outages import OutageLog

log = logging.getLogger(__name__)


class DeliveryLog(Protocol):
    """The part of the ``Store`` the dispatcher writes to."""

    async def save_delivery(self, delivery: Delivery) -> None: ...

    async def save_outcome(self, delivery_id: str, outcome: AttemptOutcome) -> bool: ...


class AttemptRecords:
    def __init__(self, store: DeliveryLog, on_change: Callable[[Delivery], None] | None) -> None:
        self._store = store
        #: Told of every recorded attempt, with the delivery it left (the live feed and the metrics listen).
        self._on_change = on_change
        self._unrecorded: dict[str, Delivery] = {}  #: delivery id -> the delivery after its last unrecorded attempt
        self._outage = OutageLog(log, "recording callback attempts")

    def __bool__(self) -> bool:  # whether some attempts wait to be recorded
        return bool(self._unrecorded)

    def latest(self, delivery: Delivery) -> Delivery:
        """``delivery`` (as the store has it) with the attempts not yet recorded, if there are any."""
        return self._unrecorded.get(delivery.id, delivery)

    async def record(self, delivery_id: str, outcome: AttemptOutcome, updated: Delivery) -> None:
        """Save one attempt's ``outcome``; ``updated`` is the delivery after it, kept for later if the store is
        unavailable."""
        try:
            # The saved delivery is updated; only one forgotten meanwhile (a reset) is saved whole again.
            if not await self._store.save_outcome(delivery_id, outcome):
                await self._store.save_delivery(updated)
        except StoreUnavailable as error:
            self._unrecorded[delivery_id] = updated
            self._outage.failed(error)
            return
        self._recorded(delivery_id, updated)

    async def retry(self, busy: Collection[str]) -> None:
        """Save the attempts kept while the store was unavailable, but those of deliveries in ``busy`` (an attempt
        of theirs under way will record them); stops at the first failure."""
        for delivery_id, delivery in list(self._unrecorded.items()):
            if delivery_id in busy:
                continue
            try:
                await self._store.save_delivery(delivery)
            except StoreUnavailable as error:
                self._outage.failed(error)
                return
            if self._unrecorded.get(delivery_id) is delivery:
                self._recorded(delivery_id, delivery)

    def _recorded(self, delivery_id: str, delivery: Delivery) -> None:
        self._unrecorded.pop(delivery_id, None)
        self._outage.recovered()
        if self._on_change is not None:
            self._on_change(delivery)

    def abandon(self) -> None:
        """At shutdown: tell what could not be recorded."""
        if self._unrecorded:
            ids = sorted(self._unrecorded)
            log.error("%d callback attempts could not be recorded, the store being unavailable: %s", len(ids), ids)
