"""What both smsmode APIs share: accounts by credential, sends by smsID, the credit balance."""

from __future__ import annotations

from collections import OrderedDict

from mockgateway.dialects.smsmode import codes, wire
from mockgateway.dialects.smsmode.requests import Draft
from mockgateway.domain.errors import GatewayError, NotFound, Unauthorized
from mockgateway.domain.model import Account, EventQuery, Message, MessageQuery
from mockgateway.service.gateway import Gateway

#: Every account starts with this many credits (one per SMS part); a restart refills it.
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
        #: credential -> account name; the account itself is looked up per request as its callbacks may change
        self._by_token = _logins(gateway, "access_token")
        self._by_key = _logins(gateway, "api_key")
        self._sends: OrderedDict[str, tuple[str, tuple[str, ...]]] = OrderedDict()
        self._spent: dict[str, int] = {}

    # -- accounts -------------------------------------------------------------------------------------
    def by_access_token(self, token: str | None) -> Account:
        return self._account(self._by_token, token, "accessToken")

    def by_api_key(self, key: str | None) -> Account:
        return self._account(self._by_key, key, "X-Api-Key")

    def _account(self, logins: dict[str, str], credential: str | None, name: str) -> Account:
        account = logins.get(credential.strip()) if credential else None
        if account is None:
            raise Unauthorized(f"{name} is missing or unknown", field=name)
        return self.gateway.account(account)

    # -- sending --------------------------------------------------------------------------------------
    def new_sms_id(self) -> str:
        return wire.new_sms_id(self.gateway.ids.random())

    def credit(self, account: str) -> int:
        return DEMO_CREDIT - self._spent.get(account, 0)

    async def send(self, draft: Draft) -> list[Message]:
        request = draft.request
        # An opted-out recipient is refused (3999) and never billed, so it needs no credit either.
        needed = sum(not self.gateway.is_opted_out(request.account, number) for number in request.destinations)
        if draft.parts * needed > self.credit(request.account):
            raise InsufficientCredit()
        accepted = await self.gateway.send(request)
        billed = sum(message.id not in accepted.refused for message in accepted.messages)
        self._spent[request.account] = self._spent.get(request.account, 0) + draft.parts * billed
        self._sends[draft.sms_id] = (request.account, tuple(m.id for m in accepted.messages))
        if len(self._sends) > _INDEX_SIZE:
            self._sends.popitem(last=False)
        return accepted.messages

    # -- lookups --------------------------------------------------------------------------------------
    async def messages(self, sms_id: str, account: str) -> list[Message]:
        """The messages of one send, in recipient order; 61 "not found" when the account has none by that id."""
        known = self._sends.get(sms_id) if wire.is_sms_id(sms_id) else None
        if known is not None and known[0] == account:
            found = [await self.gateway.store.get_message(message_id) for message_id in known[1]]
            messages = [m for m in found if m is not None]
        elif wire.is_sms_id(sms_id):
            page = await self.gateway.messages(MessageQuery(account=account, provider=wire.PROVIDER, limit=2**31))
            messages = [m for m in reversed(page.items) if m.option("smsID") == sms_id]
        else:
            messages = []
        if not messages:
            raise NotFound(f"smsID: {sms_id!r} is not a message of this account", field="smsID")
        return messages

    async def code(self, message: Message) -> str:
        """The recipient's current status code, as a poll reports it."""
        events = await self.gateway.notifications(EventQuery(message_id=message.id))
        return codes.current_code(message, events[-1] if events else None, self.gateway.clock.now())


def _logins(gateway: Gateway, key: str) -> dict[str, str]:
    return {
        str(account.credentials[wire.PROVIDER][key]): account.name
        for account in gateway.accounts.values()
        if wire.PROVIDER in account.credentials and key in account.credentials[wire.PROVIDER]
    }
