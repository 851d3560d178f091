"""The query parameters each admin list accepts: a misspelt filter or an unknown value is a 400 naming it.

A list that ignored what it did not know would answer a typo (``?acount=shop``) with every item, which a
test then takes for a match.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from mockgateway.domain.errors import InvalidRequest
from mockgateway.domain.model import DeliveryState, MessageStatus
from mockgateway.domain.reasons import PROVIDERS

PAGING = ("offset", "limit")


@dataclass(frozen=True, slots=True)
class Filters:
    """What one list endpoint filters on; ``choices`` are the closed sets of values, matched in any case."""

    names: tuple[str, ...]
    choices: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def check(self, query: Mapping[str, str]) -> None:
        allowed = (*self.names, *PAGING)
        unknown = sorted(set(query) - set(allowed))
        if unknown:
            raise InvalidRequest(
                f"unknown filter {', '.join(unknown)} (expected one of {', '.join(allowed)})", field=unknown[0]
            )
        for name, choices in self.choices.items():
            value = query.get(name, "")
            if value and value.lower() not in choices:
                expected = ", ".join(sorted(choices))
                raise InvalidRequest(f"{name}: {value!r} is not one of {expected}", field=name)


def _lower(values: Collection[str]) -> frozenset[str]:
    return frozenset(value.lower() for value in values)


_NOTIFICATION_STATUSES = _lower([*(status.value for status in MessageStatus), "nok", "all"])
_DELIVERY_STATES = _lower([state.value for state in DeliveryState])

MESSAGES = Filters(
    names=("account", "destination", "to", "origin", "from", "text", "provider"),
    choices={"provider": frozenset(PROVIDERS)},
)
NOTIFICATIONS = Filters(
    names=("account", "message", "message_id", "order_id", "orderId", "status", "state"),
    choices={"status": _NOTIFICATION_STATUSES, "state": _NOTIFICATION_STATUSES},
)
MOS = Filters(names=("account", "message", "message_id", "from", "phone", "text", "keyword"))
CALLBACKS = Filters(
    names=("account", "message", "message_id", "kind", "state", "status"),
    choices={"kind": frozenset({"status", "mo"}), "state": _DELIVERY_STATES, "status": _DELIVERY_STATES},
)
