"""The messages a send request creates, one per destination with one id per part, and what the send answers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cached_property

import msgspec
from msgspec.structs import replace

from mockgateway.domain.model import Message, SendRequest
from mockgateway.encoding import Segmentation
from mockgateway.scenario.model import Scenario
from mockgateway.service.shared_configs import SharedConfigs


class Accepted(msgspec.Struct, frozen=True, kw_only=True, dict=True):  # a struct's __init__ is C code
    messages: list[Message]
    sent: bool = True  #: False: the order was created but not sent (a provider's 201)
    scenarios: Sequence[Scenario] = ()  #: each message's, once it was sent

    @cached_property  # ``dict=True`` gives the struct the ``__dict__`` that keeps it
    def refused(self) -> frozenset[str]:
        """Ids of the messages refused unsent (an opted-out or blocked recipient): a provider bills nothing for
        them. Worked out when first asked: one dialect asks."""
        chosen = zip(self.messages, self.scenarios, strict=False)  # no scenarios: none was sent, none refused
        return frozenset(message.id for message, scenario in chosen if scenario.refuses)


def new_messages(
    request: SendRequest,
    seg: Segmentation,
    scenarios: list[Scenario],
    *,
    now: float,
    numeric: Callable[[], str],
    configs: SharedConfigs,
) -> list[Message]:
    """One message per destination, under its scenario, holding the shared copies of its configuration."""
    shared = _shared_fields(request, seg, now, configs)
    parts = len(seg.parts)
    messages = []
    for destination, scenario in zip(request.destinations, scenarios, strict=True):
        part_ids = (numeric(),) if parts == 1 else tuple(numeric() for _ in range(parts))
        messages.append(
            replace(shared, id=part_ids[0], destination=destination, part_ids=part_ids, scenario=scenario.name)
        )
    return messages


def _shared_fields(request: SendRequest, seg: Segmentation, now: float, configs: SharedConfigs) -> Message:
    """What every message of the request has in common, in a message to no one yet.

    Built apart because CPython passes a call of 16 or more keywords through a dict, which costs as much as
    the struct itself: this call has 15, the one per destination 4.
    """
    send_at = request.send_at
    return Message(
        id="",
        account=request.account,
        provider=request.provider,
        destination="",
        origin=request.origin,
        text=request.text,
        encoding=seg.encoding,
        part_ids=(),
        # A deferred message is created at its sending time, so its scenario's timeline starts there.
        created_at=now if send_at is None or send_at < now else send_at,
        client_ref=request.client_ref,
        validity_s=request.validity_s,
        handset_ack=request.handset_ack,
        callbacks=configs.callbacks(request.callbacks),
        options=configs.options(request.options),
        status_at=now,
    )
