"""The ``Gateway`` facade: the one entry point dialects and the admin API call."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace

from mockgateway.clock import Clock
from mockgateway.domain.errors import Forbidden, NotFound
from mockgateway.domain.model import (
    Account,
    CallbackTarget,
    Message,
    MessageQuery,
    Page,
    SendRequest,
)
from mockgateway.encoding import Segmentation, segment
from mockgateway.ids import IdSource
from mockgateway.service.ports import Store
from mockgateway.service.tokens import TokenService

#: Called with the messages of each accepted send, e.g. to schedule their lifecycles.
AcceptedHook = Callable[[Sequence[Message]], None]


class Gateway:
    def __init__(
        self,
        *,
        clock: Clock,
        ids: IdSource,
        store: Store,
        accounts: Iterable[Account],
        tokens: TokenService,
    ) -> None:
        self.clock = clock
        self.ids = ids
        self.store = store
        self.tokens = tokens
        self._accounts = {account.name: account for account in accounts}
        self._accepted_hooks: list[AcceptedHook] = []

    # -- accounts -------------------------------------------------------------------------------
    @property
    def accounts(self) -> Mapping[str, Account]:
        return self._accounts

    def account(self, name: str) -> Account:
        try:
            return self._accounts[name]
        except KeyError:
            raise NotFound(f"no account named {name!r}", field="account") from None

    def set_account_callbacks(self, name: str, *, status: CallbackTarget | None, mo: CallbackTarget | None) -> Account:
        """Change an account's callback targets at runtime, as in a provider's portal."""
        account = replace(self.account(name), status_callback=status, mo_callback=mo)
        self._accounts[name] = account
        return account

    # -- sending --------------------------------------------------------------------------------
    def on_accepted(self, hook: AcceptedHook) -> None:
        self._accepted_hooks.append(hook)

    async def send(self, request: SendRequest) -> list[Message]:
        """Accept one message per destination; each gets one id per part."""
        account = self.account(request.account)
        if not account.owns_origin(request.origin):
            raise Forbidden(f"origin {request.origin!r} is not registered to this account", field="origin")
        segmentation = segment(request.text, force_ucs2=request.force_ucs2, sizes=request.part_sizes)
        now = self.clock.now()
        messages = [self._new_message(request, destination, segmentation, now) for destination in request.destinations]
        await self.store.add_messages(messages)
        for hook in self._accepted_hooks:
            hook(messages)
        return messages

    def _new_message(self, request: SendRequest, destination: str, seg: Segmentation, now: float) -> Message:
        part_ids = tuple(self.ids.numeric() for _ in seg.parts)
        return Message(
            id=part_ids[0],
            account=request.account,
            provider=request.provider,
            destination=destination,
            origin=request.origin,
            text=request.text,
            encoding=seg.encoding,
            part_ids=part_ids,
            created_at=now,
            status_at=now,
            client_ref=request.client_ref,
            validity_s=request.validity_s,
            handset_ack=request.handset_ack,
            callbacks=request.callbacks,
            options=request.options,
        )

    # -- inspection -----------------------------------------------------------------------------
    async def messages(self, query: MessageQuery) -> Page:
        return await self.store.list_messages(query)

    async def message(self, message_id: str) -> Message:
        message = await self.store.get_message(message_id)
        if message is None:
            raise NotFound(f"no message with id {message_id!r}", field="id")
        return message

    async def delete_messages(self, query: MessageQuery | None = None) -> int:
        return await self.store.delete_messages(query)
