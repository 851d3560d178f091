"""The two bases of the ``Gateway`` facade: ``History``, what the gateway recorded, looked up by id or query;
``StateCalls``, its calls about accounts, opt-outs, tokens, the clock and ids. And, when replicas share a store,
the changes the others made to that state, applied to this replica's own copies (``Replica``)."""

from __future__ import annotations

import random
from collections.abc import Coroutine, Iterable, Mapping, Sequence
from typing import Any

from mockgateway.clock import Clock
from mockgateway.domain.errors import NotFound
from mockgateway.domain.model import Account, CallbackTarget, Delivery, Message, MoMessage, Notification
from mockgateway.domain.queries import EventQuery, MessageQuery, Page
from mockgateway.domain.state import Grant, OptOut, OptOutVia
from mockgateway.ids import IdSource
from mockgateway.service.directory import Directory
from mockgateway.service.events import EventHub
from mockgateway.service.ports import Outbox, Store
from mockgateway.service.state_ports import TallyPort
from mockgateway.service.timekeeper import Timekeeper
from mockgateway.service.tokens import TokenService


class History:
    """Messages, notifications, replies and callback deliveries as the store keeps them."""

    def __init__(self, store: Store, outbox: Outbox) -> None:
        self._store = store
        self._outbox = outbox

    # -- messages, notifications and replies ------------------------------------------------------
    async def messages(self, query: MessageQuery) -> Page:
        return await self._store.list_messages(query)

    async def asked_handset_ack(self, message_ids: Iterable[str]) -> set[str]:
        """Those of ``message_ids`` whose client asked for a handset acknowledgement (their DELIVERED is not final)."""
        messages = [await self._store.get_message(message_id) for message_id in set(message_ids)]
        return {message.id for message in messages if message is not None and message.handset_ack}

    async def message(self, message_id: str) -> Message:
        message = await self._store.get_message(message_id)
        if message is None:
            raise NotFound(f"no message with id {message_id!r}", field="id")
        return message

    async def _last_message(self, account: str, handset: str, origin: str) -> Message | None:
        """The last message ``account`` sent ``handset`` from ``origin`` (any origin when it is empty)."""
        page = await self._store.list_messages(MessageQuery(account=account, destination=handset, limit=50))
        for message in page.items:
            if (message.origin or "").lstrip("+") == origin.lstrip("+") or not origin:
                return message
        return page.items[0] if page.items else None

    async def find_message(self, message_id: str) -> Message | None:
        """The message, or ``None`` when none has that id (any more)."""
        return await self._store.get_message(message_id)

    async def delete_messages(self, query: MessageQuery | None = None) -> int:
        return await self._store.delete_messages(query)

    async def notifications(self, query: EventQuery) -> list[Notification]:
        return await self._store.list_notifications(query)

    async def mos(self, query: EventQuery) -> list[MoMessage]:
        return await self._store.list_mos(query)

    async def count_notifications(self, query: EventQuery) -> int:
        return await self._store.count_notifications(query)

    async def count_mos(self, query: EventQuery) -> int:
        return await self._store.count_mos(query)

    # -- callbacks ------------------------------------------------------------------------------
    async def deliveries(self, query: EventQuery) -> list[Delivery]:
        """Callback deliveries, newest first; ``status`` filters on their state."""
        return await self._store.list_deliveries(query)

    async def delivery(self, delivery_id: str) -> Delivery:
        delivery = await self._store.get_delivery(delivery_id)
        if delivery is None:
            raise NotFound(f"no callback with id {delivery_id!r}", field="id")
        return delivery

    async def replay(self, delivery_id: str) -> Delivery:
        """Send a recorded callback once more, now; returns it with the new attempt."""
        return await self._outbox.replay(await self.delivery(delivery_id))


class StateCalls:
    """What the facade answers from its clock, ids, token service and directory (set by ``Gateway``)."""

    _clock: Clock
    _ids: IdSource
    _tokens: TokenService
    _directory: Directory
    _tallies: TallyPort
    _retention_s: float

    # -- clock, ids and tokens --------------------------------------------------------------------
    def now(self) -> float:
        """The gateway's time, epoch seconds: virtual or real."""
        return self._clock.now()

    @property
    def clock_is_virtual(self) -> bool:
        """True when time moves only by ``advance``."""
        return self._clock.virtual

    def hex_id(self, length: int = 32) -> str:
        """A new id of ``length`` hex digits, from the gateway's (seeded) ids."""
        return self._ids.hex(length)

    def seeded_random(self) -> random.Random:
        """A random source drawn from the gateway's ids: the same sequence on every run with the same seed."""
        return self._ids.random()

    def issue_token(self, account: str, scope: str, client: str | None = None) -> Grant:
        return self._tokens.issue(account, scope, client=client)

    async def refresh_token(self, refresh_token: str, client: str | None = None) -> Grant:
        return await self._tokens.refresh(refresh_token, client)

    def authenticate(self, access_token: str) -> Coroutine[Any, Any, Grant]:
        """The grant behind an access token; raises ``TokenUnknown`` or ``TokenExpired``.

        Not a coroutine of its own: the caller awaits the token service's, one frame fewer on every request."""
        return self._tokens.authenticate(access_token)

    # -- what providers' APIs count per account ------------------------------------------------------
    async def hand_out(self, account: str, pull: str, ids: Sequence[str]) -> list[str]:
        """Of ``ids``, those ``pull`` (a provider's "each item once" read) had not handed out to ``account``
        before, now handed out: once, whichever replica is asked."""
        now = self._clock.now()
        return await self._tallies.hand_out(account, pull, ids, now=now, forget_before=now - self._retention_s)

    async def spend_credits(self, account: str, provider: str, count: int) -> int:
        """Add ``count`` to the credits ``account`` spent on ``provider`` (a refund below zero, zero to read):
        the total spent since the store's start or the last reset."""
        return await self._tallies.spend_credits(account, provider, count)

    async def spend_credits_within(self, account: str, provider: str, count: int, *, allowance: int) -> bool:
        """Spend ``count`` only if the total ``account`` spent on ``provider`` stays within ``allowance``: checked
        and spent at once, whichever replicas spend at a time."""
        return await self._tallies.spend_credits_within(account, provider, count, allowance=allowance)

    # -- accounts -------------------------------------------------------------------------------
    @property
    def accounts(self) -> Mapping[str, Account]:
        return self._directory.accounts

    def account(self, name: str) -> Account:
        return self._directory.account(name)

    def set_account_callbacks(
        self, name: str, *, status: CallbackTarget | None, mo: CallbackTarget | None, provider: str | None = None
    ) -> Account:
        """Change an account's callback targets at runtime, as in a provider's portal: the account-wide ones, or
        with ``provider`` that provider's own (``None`` there falls back to the account-wide target)."""
        return self._directory.set_callbacks(name, status=status, mo=mo, provider=provider)

    def restore_callbacks(self, configured: Account) -> Account:
        """Put back an account's callback targets as ``configured`` has them, each provider's own included."""
        return self._directory.restore_callbacks(configured)

    async def saved(self) -> None:
        """Wait until every change to accounts and opt-outs made so far is kept (before answering for it)."""
        await self._directory.saved()

    # -- opt-outs (a handset that replied STOP, or a number added through a provider's API) ----------------
    def opt_out(self, account: str, number: str, *, via: OptOutVia = OptOutVia.MO) -> OptOut:
        """Opt ``number`` out of ``account``'s messages; returns the opt-out in force (an earlier one stays)."""
        return self._directory.opt_out(account, number, via=via)

    def opt_in(self, account: str, number: str) -> bool:
        return self._directory.opt_in(account, number)

    def is_opted_out(self, account: str, number: str) -> bool:
        return self._directory.is_opted_out(account, number)

    def opt_outs(self, account: str) -> list[OptOut]:
        """``account``'s opt-outs, oldest first."""
        return self._directory.opt_outs(account)


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
