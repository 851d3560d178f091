"""The two bases of the ``Gateway`` facade: ``History``, what the gateway recorded, looked up by id or query;
``StateCalls``, its calls about accounts, opt-outs, tokens, the clock and ids. And, when replicas share a store,
the changes the others made to that state, applied to this replica's own copies (``Replica``)."""

from __future__ import annotations

from collections.abc import Coroutine, Iterable, Sequence
from typing import Any, TypeVar

from mockgateway.clock import Clock
from mockgateway.domain.errors import NotFound
from mockgateway.domain.model import Delivery, Message
from mockgateway.domain.queries import MessageQuery
from mockgateway.domain.state import Grant
from mockgateway.ids import IdSource
from mockgateway.service.directory import Directory
from mockgateway.service.events import EventHub
from mockgateway.service.ports import Outbox, Store
from mockgateway.service.state_ports import TallyPort
from mockgateway.service.timekeeper import Timekeeper
from mockgateway.service.tokens import TokenService

T = TypeVar("T")


class History:
    """Messages, notifications, replies and callback deliveries as the store keeps them."""

    def __init__(self, store: Store, outbox: Outbox) -> None:
        self._store = store
        self._outbox = outbox
        # The store's own methods, not wrappers that only pass the call on.
        self.messages = store.list_messages
        self.find_message = store.get_message  #: the message, or ``None`` when none has that id (any more)
        self.delete_messages = store.delete_messages
        self.notifications = store.list_notifications
        self.count_notifications = store.count_notifications
        self.mos = store.list_mos
        self.count_mos = store.count_mos
        self.deliveries = store.list_deliveries  #: callback deliveries, newest first; ``status`` filters their state

    async def asked_handset_ack(self, message_ids: Iterable[str]) -> set[str]:
        """Those of ``message_ids`` whose client asked for a handset acknowledgement (their DELIVERED is not final)."""
        messages = [await self._store.get_message(message_id) for message_id in set(message_ids)]
        return {message.id for message in messages if message is not None and message.handset_ack}

    async def message(self, message_id: str) -> Message:
        return _found(await self._store.get_message(message_id), "message", message_id)

    async def _last_message(self, account: str, handset: str, origin: str) -> Message | None:
        """The last message ``account`` sent ``handset`` from ``origin`` (any origin when it is empty), else the
        last it sent ``handset`` from any."""
        page = await self._store.list_messages(MessageQuery(account=account, destination=handset, limit=50))
        from_origin = (m for m in page.items if not origin or (m.origin or "").lstrip("+") == origin.lstrip("+"))
        return next(from_origin, page.items[0] if page.items else None)

    async def delivery(self, delivery_id: str) -> Delivery:
        return _found(await self._store.get_delivery(delivery_id), "callback", delivery_id)

    async def replay(self, delivery_id: str) -> Delivery:
        """Send a recorded callback once more, now; returns it with the new attempt."""
        return await self._outbox.replay(await self.delivery(delivery_id))


def _found(item: T | None, noun: str, item_id: str) -> T:
    """``item``, looked up by its id; ``NotFound`` naming the id when there is none."""
    if item is None:
        raise NotFound(f"no {noun} with id {item_id!r}", field="id")
    return item


class StateCalls:
    """What the facade answers from its clock, ids, token service and directory, and from what providers' APIs
    count per account (``tallies``): mostly their own methods, given as the facade's."""

    def __init__(
        self,
        *,
        clock: Clock,
        ids: IdSource,
        tokens: TokenService,
        directory: Directory,
        tallies: TallyPort,
        retention_s: float,
    ) -> None:
        self._clock = clock
        self._ids = ids
        self._tokens = tokens
        self._directory = directory
        self._tallies = tallies
        self._retention_s = retention_s
        # Their own methods and values, not wrappers that only pass the call on.
        self.now = clock.now  #: the gateway's time, epoch seconds: virtual or real
        self.clock_is_virtual = clock.virtual  #: True when time moves only by ``advance``
        self.hex_id = ids.hex  #: a new id of ``length`` hex digits, from the gateway's (seeded) ids
        self.seeded_random = ids.random  #: the same sequence on every run with the same seed
        self.issue_token = tokens.issue
        self.refresh_token = tokens.refresh
        self.spend_credits = tallies.spend_credits
        self.spend_credits_within = tallies.spend_credits_within
        self.accounts = directory.accounts  #: by name, as they are now (a view, not a copy)
        self.account = directory.account
        self.set_account_callbacks = directory.set_callbacks
        self.restore_callbacks = directory.restore_callbacks
        self.saved = directory.saved
        self.opt_out = directory.opt_out
        self.opt_in = directory.opt_in
        self.is_opted_out = directory.is_opted_out
        self.opt_outs = directory.opt_outs

    def authenticate(self, access_token: str) -> Coroutine[Any, Any, Grant]:
        """The grant behind an access token; raises ``TokenUnknown`` or ``TokenExpired``.

        Not a coroutine of its own: the caller awaits the token service's, one frame fewer on every request."""
        return self._tokens.authenticate(access_token)

    async def hand_out(self, account: str, pull: str, ids: Sequence[str]) -> list[str]:
        """Of ``ids``, those ``pull`` (a provider's "each item once" read) had not handed out to ``account``
        before, now handed out: once, whichever replica is asked."""
        now = self._clock.now()
        return await self._tallies.hand_out(account, pull, ids, now=now, forget_before=now - self._retention_s)


class Replica:
    """The ``PeerChanges`` given to ``Peers.join``: each change goes to the part of the gateway that owns that state."""

    def __init__(self, *, directory: Directory, tokens: TokenService, events: EventHub, time: Timekeeper) -> None:
        self.opted_out = directory.apply_opt_out
        self.opted_in = directory.apply_opt_in
        self.opt_outs_cleared = directory.apply_cleared_opt_outs
        self.targets_saved = directory.apply_targets
        self.targets_forgotten = directory.apply_forgotten_targets
        self.grant_saved = tokens.apply
        self.happened = events.deliver
        self.others_listen = events.others_listen
        self.clock_moved = time.moved_here
        self._directory = directory
        self._time = time

    async def rejoined(self) -> None:
        await self._directory.load()
        await self._time.catch_up()
