"""What both smsmode APIs share: accounts by credential, sends by smsID, the credit balance."""

from __future__ import annotations

import hmac
from collections import OrderedDict
from collections.abc import Mapping, Sequence

from mockgateway.dialects.base import logins
from mockgateway.dialects.smsmode import codes, wire
from mockgateway.dialects.smsmode.requests import Draft
from mockgateway.domain.errors import GatewayError, NotFound, Unauthorized
from mockgateway.domain.model import Account, Message, SendRequest
from mockgateway.domain.queries import ALL, EventQuery, MessageQuery
from mockgateway.service.gateway import Gateway

#: Every account starts with this many credits (one per SMS part); a reset refills it.
DEMO_CREDIT = 1_000_000
#: Sends remembered by smsID; older ones are found by a scan of the store.
_INDEX_SIZE = 100_000


class InsufficientCredit(GatewayError):
    code = "insufficient_credit"
    http_status = 402
    message = "Insufficient credit"


class Backend:
    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        accounts = gateway.accounts.values()
        self._by_token = logins(accounts, wire.PROVIDER, "access_token")
        self._by_key = logins(accounts, wire.PROVIDER, "api_key")
        self._by_pseudo = logins(accounts, wire.PROVIDER, "pseudo")
        self._sends: OrderedDict[str, tuple[str, ...]] = OrderedDict()  #: message ids by smsID

    # -- accounts -------------------------------------------------------------------------------------
    def login(self, params: Mapping[str, str]) -> Account:
        """The HTTP API 1.6 account: by ``accessToken``, else by the older ``pseudo`` + ``pass`` pair."""
        token = params.get("accessToken", "")
        if token.strip() or not params.get("pseudo", "").strip():
            return self._account(self._by_token, token, "accessToken")
        name = self._by_pseudo.get(params["pseudo"].strip())
        account = self.gateway.account(name) if name is not None else None
        expected = str(account.credentials[wire.PROVIDER]["pass"]) if account is not None else ""
        if account is None or not hmac.compare_digest(expected.encode(), params.get("pass", "").encode()):
            raise Unauthorized("pseudo and pass do not match an account", field="pseudo")
        return account

    def by_api_key(self, key: str | None) -> Account:
        return self._account(self._by_key, key, "X-Api-Key")

    def _account(self, logins: dict[str, str], credential: str | None, name: str) -> Account:
        account = logins.get(credential.strip()) if credential else None
        if account is None:
            raise Unauthorized(f"{name} is missing or unknown", field=name)
        return self.gateway.account(account)

    # -- sending --------------------------------------------------------------------------------------
    def new_sms_id(self) -> str:
        return wire.new_sms_id(self.gateway.seeded_random())

    async def credit(self, account: str) -> int:
        return DEMO_CREDIT - await self._spend(account, 0)

    async def _spend(self, account: str, credits: int) -> int:
        return await self.gateway.spend_credits(account, wire.PROVIDER, credits)

    async def send(self, drafts: Sequence[Draft]) -> list[Message]:
        """Sends under one smsID (a batch's rows), each billed; refused whole when the credit cannot cover all.

        The credit is taken for the whole batch before it is sent, in one step, so sends at once (on any replica)
        never spend past it; what a send then refused is given back. An opted-out recipient is refused (3999)
        and never billed, so it needs no credit either.
        """
        account = drafts[0].request.account
        reserved = sum(draft.parts * self._billable(draft.request) for draft in drafts)
        if not await self.gateway.spend_credits_within(account, wire.PROVIDER, reserved, allowance=DEMO_CREDIT):
            raise InsufficientCredit()
        messages: list[Message] = []
        billed = 0
        try:
            for draft in drafts:
                accepted = await self.gateway.send(draft.request)
                billed += draft.parts * sum(message.id not in accepted.refused for message in accepted.messages)
                messages += accepted.messages
        finally:
            if billed != reserved:
                await self._spend(account, billed - reserved)
        self._sends[drafts[0].sms_id] = tuple(m.id for m in messages)
        if len(self._sends) > _INDEX_SIZE:
            self._sends.popitem(last=False)
        return messages

    def _billable(self, request: SendRequest) -> int:
        return sum(not self.gateway.is_opted_out(request.account, number) for number in request.destinations)

    async def delete(self, sms_id: str, account: str) -> None:
        """Forget a send: its later status changes are not reported; a send not yet made is refunded."""
        now = self.gateway.now()
        for message in await self.messages(sms_id, account):
            await self.gateway.delete_messages(MessageQuery(id=message.id))
            if message.created_at > now:
                await self._spend(account, -len(message.part_ids))
        self._sends.pop(sms_id, None)

    async def latest_sms_id(self, numero: str, account: str) -> str:
        """The smsID of the account's latest send to ``numero``."""
        query = MessageQuery(account=account, provider=wire.PROVIDER, destination=numero, limit=1)
        page = await self.gateway.messages(query)
        if not page.items:
            raise NotFound(f"numero: no message of this account was sent to {numero}", field="numero")
        return str(page.items[0].option("smsID", ""))

    # -- lookups --------------------------------------------------------------------------------------
    async def messages(self, sms_id: str, account: str) -> list[Message]:
        """The messages of one send, in recipient order; 61 "not found" when the account has none by that id."""
        known = self._sends.get(sms_id)  # its keys are smsIDs new_sms_id made
        messages: list[Message] = []
        if known is not None:
            found = [await self.gateway.find_message(message_id) for message_id in known]
            messages = [m for m in found if m is not None and m.account == account]
        elif wire.is_sms_id(sms_id):
            page = await self.gateway.messages(MessageQuery(account=account, provider=wire.PROVIDER, limit=ALL))
            messages = [m for m in reversed(page.items) if m.option("smsID") == sms_id]
        if not messages:
            raise NotFound(f"smsID: {sms_id!r} is not a message of this account", field="smsID")
        return messages

    async def code(self, message: Message) -> str:
        """The recipient's current status code, as a poll reports it."""
        events = await self.gateway.notifications(EventQuery(message_id=message.id))
        return codes.current_code(message, events, self.gateway.now())
