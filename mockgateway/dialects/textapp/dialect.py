"""TextAnywhere TextApp's HTTP(S) service at its real path: ``/webservice/httpservice.aspx?method=…``."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, Sequence

from mockgateway.dialects.base import Endpoint, WireRequest, WireResponse
from mockgateway.dialects.textapp import callbacks
from mockgateway.dialects.textapp.codes import (
    NOT_AUTHORISED,
    OK,
    PROVIDER,
    TextAppError,
    describe,
    transaction_for,
)
from mockgateway.dialects.textapp.params import Params
from mockgateway.dialects.textapp.render import Outcome, Table, render
from mockgateway.dialects.textapp.replies import ReplyInbox, replies_table
from mockgateway.dialects.textapp.sendsms import parse_send
from mockgateway.domain.errors import GatewayError
from mockgateway.domain.model import Account, HttpCall, Message, MoMessage, Notification
from mockgateway.service.gateway import Gateway

PATH = "/webservice/httpservice.aspx"
DESTINATION_COLUMNS = ("Number", "Code")

Method = Callable[[Params], Awaitable[Outcome]]


class TextAppDialect:
    name = PROVIDER
    path_roots: tuple[str, ...] = ("/webservice",)

    def __init__(self, gateway: Gateway) -> None:
        self._gateway = gateway
        self._by_login = {
            str(account.credentials[PROVIDER]["login"]): account.name
            for account in gateway.accounts.values()
            if PROVIDER in account.credentials
        }
        self._inbox = ReplyInbox(gateway)
        #: Method names are matched in any letter case: clients send ``sendsms`` as well as ``SendSMS``.
        self._methods: dict[str, tuple[str, Method]] = {
            "sendsms": ("SendSMS", self.send_sms),
            "getsmsreply": ("GetSMSReply", self.get_sms_reply),
        }

    def endpoints(self) -> Sequence[Endpoint]:
        return (Endpoint("GET", PATH, self.http_service), Endpoint("POST", PATH, self.http_service))

    def render_error(self, error: GatewayError) -> WireResponse:
        """For failures before the call could be read (e.g. a body too large): XML, TextApp's default."""
        return render(_failure("Response", error), as_csv=False)

    def status_calls(self, message: Message, notification: Notification, account: Account) -> list[HttpCall]:
        return callbacks.status_calls(message, notification, account)

    def mo_calls(self, mo: MoMessage, account: Account, replied_to: Message | None) -> list[HttpCall]:
        return callbacks.mo_calls(mo, account, replied_to)

    async def http_service(self, request: WireRequest) -> WireResponse:
        as_csv = False
        root = "Response"
        try:
            params = Params.from_request(request)
            method = (params.get("method") or "").strip()
            name, handler = self._methods.get(method.lower(), ("", None))
            root = f"{name}Response"
            as_csv = params.wants_csv()
            if handler is None:
                known = ", ".join(label for label, _ in self._methods.values())
                raise TextAppError(365, f"method: {method!r} is not one of {known}", field="method")
            outcome = await handler(params)
        except GatewayError as error:
            outcome = _failure(root, error)
        return render(outcome, as_csv=as_csv)

    async def send_sms(self, params: Params) -> Outcome:
        account = self.authenticate(params)
        parsed = parse_send(params, account.name)
        await self._gateway.send(parsed.request)
        rows = tuple((d.number, str(d.code)) for d in parsed.destinations)
        return Outcome(
            "SendSMSResponse", OK, describe(OK), Table("Destinations", "Destination", DESTINATION_COLUMNS, rows)
        )

    async def get_sms_reply(self, params: Params) -> Outcome:
        account = self.authenticate(params)
        reference = params.given("clientMessageReference")
        replies = await self._inbox.take(account.name, reference.strip() if reference else None)
        return Outcome("GetSMSReplyResponse", OK, describe(OK), replies_table(replies))

    def authenticate(self, params: Params) -> Account:
        login = params.given("externalLogin")
        if login is None:
            raise TextAppError(301, "externalLogin: required", field="externalLogin")
        password = params.given("password")
        if password is None:
            raise TextAppError(302, "password: required", field="password")
        name = self._by_login.get(login.strip())
        account = self._gateway.accounts.get(name) if name is not None else None
        expected = str(account.credentials[PROVIDER]["password"]) if account is not None else ""
        # Compared even for an unknown login, so timing does not tell which logins exist.
        if not hmac.compare_digest(password.encode(), expected.encode()) or account is None:
            raise TextAppError(NOT_AUTHORISED, "externalLogin and password do not match an account", field="password")
        return account


def _failure(root: str, error: GatewayError) -> Outcome:
    code, description, status = transaction_for(error)
    destinations = error.destinations if isinstance(error, TextAppError) else ()
    table = Table("Destinations", "Destination", DESTINATION_COLUMNS, tuple((n, str(c)) for n, c in destinations))
    return Outcome(root, code, description, table if destinations else None, status)
