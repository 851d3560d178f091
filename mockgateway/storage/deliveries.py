"""What both stores work out for a callback delivery: when its retention starts, and whether a query wants it."""

from __future__ import annotations

from collections.abc import Callable

from mockgateway.domain.model import Delivery, DeliveryState
from mockgateway.domain.queries import EventQuery


def kept_from(d: Delivery) -> float | None:
    """When a delivery's retention starts: once it is finished; a PENDING one is kept for good."""
    if d.state is DeliveryState.PENDING:
        return None
    if d.state is DeliveryState.DELIVERED and d.delivered_at is not None:
        return d.delivered_at
    return d.attempts[-1].at if d.attempts else d.created_at


def delivery_filter(q: EventQuery) -> Callable[[Delivery], bool]:
    """Whether a delivery matches the account, message, kind and state (``status``) filters of ``q``."""
    state = None if q.status is None else q.status.upper()

    def keep(d: Delivery) -> bool:
        return (
            (q.account is None or d.account == q.account)
            and (q.kind is None or d.kind == q.kind)
            and (q.message_id is None or d.message_id == q.message_id)
            and (state is None or d.state == state)
        )

    return keep
