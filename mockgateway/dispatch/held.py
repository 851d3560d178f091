"""Deliveries as the dispatcher holds them between attempts: flat tuples of strings, numbers and bytes.

A burst of 50,000 due notifications hands 50,000 callbacks to the dispatcher at once. Held as ``Delivery``
objects (each with its ``HttpCall``) they were 100,000 objects the garbage collector tracks, and its full
passes, which come more often as tracked objects pile up, walked them again and again: held as tuples, the
collector's share of such a burst halved (about 1.0 s to 0.5 s of CPU for 100,000 notifications). A tuple of
atoms is dropped from the collector's view the first time it looks at one. The ``HttpCall`` an attempt needs
is made again for it, and lives only as long as the attempt.
"""

from __future__ import annotations

from typing import Final, TypeAlias

from mockgateway.domain.model import (
    STATES,
    VALUE_OF,
    Attempt,
    Delivery,
    DeliveryState,
    HttpCall,
    OAuth2Credentials,
    Outcome,
)

#: id, account, kind, subject id, message id, method, url, body, content type, OAuth2, created at, state value,
#: attempts, next attempt at, delivered at
Held: TypeAlias = tuple[
    str, str, str, str, str | None, str, str, bytes, str | None, OAuth2Credentials | None, float, str,
    tuple[Attempt, ...], float | None, float | None,
]  # fmt: skip

ID: Final = 0
ACCOUNT: Final = 1
STATE: Final = 11
ATTEMPTS: Final = 12
NEXT_AT: Final = 13
DELIVERED_AT: Final = 14
PENDING = DeliveryState.PENDING.value


class HeldTable(dict[str, Held]):
    """The dispatcher's held deliveries: a dict the collector always tracks.

    A plain dict whose values are all untracked tuples is untracked too, and tracked again (in the youngest
    generation) by the next fresh tuple put in: from then on every minor collection walks all of its entries,
    50,000 in a burst. A subclass is never untracked, so once frozen at start-up with the rest (as ``serve``
    does) no collection walks it.
    """

    __slots__ = ()


def hold(d: Delivery, state: DeliveryState | None = None, next_at: float | None = None) -> Held:
    """``d`` as held; ``state`` and ``next_at``, when given, replace its own."""
    (id_, account, kind, subject_id, message_id, (method, url, body, content_type, oauth2), created_at, own_state,
     attempts, own_next_at, delivered_at) = d  # fmt: skip
    return (
        id_, account, kind, subject_id, message_id, method, url, body, content_type, oauth2, created_at,
        VALUE_OF[state or own_state], attempts, own_next_at if next_at is None else next_at, delivered_at,
    )  # fmt: skip


def after_attempt(h: Held, outcome: Outcome) -> Held:
    """``h`` with the state, attempts and times an attempt left it with."""
    state, attempts, next_at, delivered_at = outcome
    return (*h[:STATE], VALUE_OF[state], attempts, next_at, delivered_at)


def delivery_after(h: Held, call: HttpCall, outcome: Outcome) -> Delivery:
    """``h`` as a ``Delivery`` after an attempt that left it with ``outcome``."""
    state, attempts, next_at, delivered_at = outcome
    return delivery_of(h, call, state=state, attempts=attempts, next_at=next_at, delivered_at=delivered_at)


def call_of(h: Held) -> HttpCall:
    return HttpCall(h[5], h[6], h[7], h[8], h[9])


def state_of(h: Held) -> DeliveryState:
    return STATES[h[STATE]]


def delivery_of(
    h: Held,
    call: HttpCall | None = None,
    *,
    state: DeliveryState | None = None,
    attempts: tuple[Attempt, ...] | None = None,
    next_at: float | None = None,
    delivered_at: float | None = None,
) -> Delivery:
    """``h`` as a ``Delivery``: as it is held, or after an attempt (``state``, ``attempts``, both times)."""
    if state is None:  # as held
        state, attempts, next_at, delivered_at = STATES[h[STATE]], h[ATTEMPTS], h[NEXT_AT], h[DELIVERED_AT]
    # Positional, in field order: id, account, kind, subject_id, message_id, call, created_at, state, attempts,
    # next_attempt_at, delivered_at.
    return Delivery(
        h[0], h[1], h[2], h[3], h[4], call or call_of(h), h[10], state, h[ATTEMPTS] if attempts is None else attempts,
        next_at, delivered_at,
    )  # fmt: skip
