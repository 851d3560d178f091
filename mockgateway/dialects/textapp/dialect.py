"""TextAnywhere TextApp's HTTP(S) service at its real path: ``/webservice/httpservice.aspx?method=…``."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, Sequence

from mockgateway.clock import to_datetime
from mockgateway.dialects.base import Endpoint, WireRequest, WireResponse, logins
from mockgateway.dialects.textapp.callbacks import code_for_status, international, status_code
from mockgateway.dialects.textapp.codes import NO_RESULT, PROVIDER, Outcome, Table, failure, refuse, render
from mockgateway.dialects.textapp.params import Params, at_most, number_digits
from mockgateway.dialects.textapp.sendsms import STORED, destinations_table, parse_send
from mockgateway.domain.errors import Forbidden, GatewayError, Unauthorized
from mockgateway.domain.model import Account, MessageStatus, MoMessage, Notification
from mockgateway.domain.queries import ALL, EventQuery, MessageQuery
from mockgateway.domain.reasons import CODES
from mockgateway.service.gateway import Gateway

PATH = "/webservice/httpservice.aspx"
#: Every account's balance at start-up; each SMS part sent takes one credit. A reset refills it.
START_CREDITS = 10_000

Method = Callable[[Params, Account], Awaitable[Outcome]]
#: Roots that are not the method's name and "Response": TextApp writes "Credit" singular in this one.
_ROOTS = {"GetCreditsLeft": "GetCreditLeftResponse"}

INBOUND_COLUMNS = ("ID", "Originator", "Destination", "Keyword", "Date", "Time", "Body", "Network")
REPLY_COLUMNS = ("ID", "ClientMessageReference", "Originator", "Destination", "Date", "Time", "Body", "OriginalBody")
MAX_NUMBER = 16
MAX_KEYWORD = 20
STATUS_COLUMNS = ("CurrentPart", "TotalPart", "Destination", "StatusCode", "StatusName", "StatusDescription")

#: TextApp's published delivery statuses (its StatusNotificationUrl page), as the catalogue words them.
STATUS_DESCRIPTIONS: dict[str, str] = {row.code: row.description for row in CODES if row.provider == PROVIDER}
#: The group each code's first digit puts it in: 4xx final successful, 5xx final unsuccessful, 6xx intermediate.
STATUS_NAMES = {"4": "Delivered", "5": "Failed", "6": "Pending"}


class TextAppDialect:
    name = PROVIDER
    path_roots: tuple[str, ...] = ("/webservice",)

    def __init__(self, gateway: Gateway) -> None:
        self._gateway = gateway
        self._by_login = logins(gateway.accounts.values(), PROVIDER, "login")
        #: Method names are matched in any letter case: clients send ``sendsms`` as well as ``SendSMS``.
        self._methods: dict[str, tuple[str, Method]] = {
            "sendsms": ("SendSMS", self.send_sms),
            "testsendsms": ("TestSendSMS", self.test_send_sms),
            "getsmsstatus": ("GetSMSStatus", self.get_sms_status),
            "getsmsreply": ("GetSMSReply", self.get_sms_reply),
            "getsmsinbound": ("GetSMSInbound", self.get_sms_inbound),
            "getcreditsleft": ("GetCreditsLeft", self.get_credits_left),
            "testservice": ("TestService", self.test_service),
        }

    def endpoints(self) -> Sequence[Endpoint]:
        return (Endpoint("GET", PATH, self.http_service), Endpoint("POST", PATH, self.http_service))

    def render_error(self, error: GatewayError) -> WireResponse:
        """For failures before the call could be read (e.g. a body too large): XML, TextApp's default."""
        return render("Response", failure(error), as_csv=False)

    async def http_service(self, request: WireRequest) -> WireResponse:
        as_csv = False
        root = "Response"
        try:
            params = Params(request)
            method = (params.get("method") or "").strip()
            name, handler = self._methods.get(method.lower(), ("", None))
            root = _ROOTS.get(name, f"{name}Response")
            as_csv = params.wants_csv()
            if handler is None:
                known = ", ".join(label for label, _ in self._methods.values())
                raise refuse(365, "method", f"{method!r} is not one of {known}")
            outcome = await handler(params, self.authenticate(params))
        except GatewayError as error:
            outcome = failure(error)
        return render(root, outcome, as_csv=as_csv)

    async def send_sms(self, params: Params, account: Account) -> Outcome:
        parsed = parse_send(params, account.name)
        accepted = await self._gateway.send(parsed.request)
        parts = sum(len(message.part_ids) for message in accepted.messages)
        await self._gateway.spend_credits(account.name, PROVIDER, parts)
        return Outcome(table=destinations_table(parsed.destinations))

    async def test_send_sms(self, params: Params, account: Account) -> Outcome:
        """Checked exactly as SendSMS, the sender name included, and answered the same; nothing is sent."""
        parsed = parse_send(params, account.name)
        origin = parsed.request.origin
        if not account.owns_origin(origin):
            raise Forbidden(f"originator: {origin!r} is not registered to this account", field="originator")
        return Outcome(table=destinations_table(parsed.destinations))

    async def get_sms_status(self, params: Params, account: Account) -> Outcome:
        """The current status of every part of every destination of a message, found by the
        ``clientMessageReference`` it was sent with, in the codes of TextApp's status notifications."""
        reference = params.required("clientMessageReference", 304).strip()
        page = await self._gateway.messages(MessageQuery(account=account.name, provider=PROVIDER, limit=ALL))
        messages = [message for message in reversed(page.items) if message.client_ref == reference]  # oldest first
        if not messages:
            return Outcome(code=NO_RESULT, detail=f"clientMessageReference: no message was sent with {reference!r}")
        rows: list[tuple[str, ...]] = []
        for message in messages:
            notifications = await self._gateway.notifications(EventQuery(message_id=message.id, limit=ALL))
            latest = {n.part_index: n for n in notifications}  # oldest first: the last of each part wins
            total = len(message.part_ids)
            for index in range(total):
                code = part_code(message.part_status(index), latest.get(index))
                name, description = STATUS_NAMES[code[0]], STATUS_DESCRIPTIONS[code]
                rows.append((str(index + 1), str(total), f"+{message.destination}", code, name, description))
        return Outcome(table=Table("Statuses", "Status", STATUS_COLUMNS, tuple(rows)))

    async def get_sms_inbound(self, params: Params, account: Account) -> Outcome:
        """New messages (replies as well) to one of the account's inbound numbers, written as any of ``+44…``,
        ``0044…``, ``44…`` or a short code, each handed out once; with ``keyword``, only those whose first word
        it is."""
        number = params.required("number", 309, "required, the inbound number or short code").strip()
        wanted = number_digits(number)
        at_most(335, "number", wanted, MAX_NUMBER, "digits")
        keyword = (params.given("keyword") or "").strip()
        at_most(336, "keyword", keyword, MAX_KEYWORD)
        found = [
            mo
            for mo in await self._gateway.mos(EventQuery(account=account.name, limit=ALL))
            # A reply to another provider's message is that provider's to hand out; one that answers no message
            # (a handset writing first, an injected MO) is for whichever number's owner asks.
            if (mo.in_reply_to is None or mo.provider == PROVIDER)
            and number_digits(mo.recipient) == wanted
            and (not keyword or mo.keyword == keyword.upper())
        ]
        fresh = set(await self._gateway.hand_out(account.name, "textapp:inbound", [mo.id for mo in found]))
        if not fresh:
            return Outcome(code=NO_RESULT, detail=f"number: nothing new for {number}")
        # The gateway has no operator behind a handset, so Network stays empty.
        rows = [(mo.id, *_parties(mo), mo.keyword, *_received(mo), mo.text, "") for mo in found if mo.id in fresh]
        return Outcome(table=Table("SMSInbounds", "InboundSMS", INBOUND_COLUMNS, tuple(rows)))

    async def get_credits_left(self, params: Params, account: Account) -> Outcome:
        left = max(START_CREDITS - await self._gateway.spend_credits(account.name, PROVIDER, 0), 0)
        return Outcome(fields={"CreditLeft": f"{left:.2f}"})

    async def test_service(self, params: Params, account: Account) -> Outcome:
        return Outcome(fields={"Company": "", "Status": "Service Running"})

    async def get_sms_reply(self, params: Params, account: Account) -> Outcome:
        """New replies to the account's replyMethodID 3 messages, each handed out once, for one
        ``clientMessageReference`` or (blank) all."""
        reference = params.given("clientMessageReference")
        found = []
        for mo in await self._gateway.mos(EventQuery(account=account.name, provider=PROVIDER, limit=ALL)):
            message = await self._gateway.find_message(mo.in_reply_to) if mo.in_reply_to else None  # None: purged
            if message is None or message.provider != PROVIDER or message.option("replyMethodID") != STORED:
                continue
            if reference is None or message.client_ref == reference.strip():
                found.append((mo, message))
        fresh = set(await self._gateway.hand_out(account.name, "textapp:replies", [mo.id for mo, _ in found]))
        replies = [(mo, message) for mo, message in found if mo.id in fresh]
        rows = [
            (str(number), message.client_ref or "", *_parties(mo), *_received(mo), mo.text, message.text)
            for number, (mo, message) in enumerate(replies, start=1)
        ]
        return Outcome(table=Table("Replies", "Reply", REPLY_COLUMNS, tuple(rows)))

    def authenticate(self, params: Params) -> Account:
        login = params.required("externalLogin", 301)
        password = params.required("password", 302)
        name = self._by_login.get(login.strip())
        account = self._gateway.accounts.get(name) if name is not None else None
        expected = str(account.credentials[PROVIDER]["password"]) if account is not None else ""
        # Compared even for an unknown login, so timing does not tell which logins exist.
        if not hmac.compare_digest(password.encode(), expected.encode()) or account is None:
            # Answered as TextApp does: transaction code 201, "User not authorised", with HTTP 200.
            raise Unauthorized("externalLogin and password do not match an account", field="password")
        return account


def part_code(status: MessageStatus, latest: Notification | None) -> str:
    """The code the part's latest notification carried, when it is a published one in the group of the part's
    status; else the status's own code (a part with no notification yet is 601 "Sending")."""
    # The group the part's status must be reported in: a final part never reads as still in progress.
    group = "5" if status is MessageStatus.FAILED else "4" if status.is_final else "6"
    own = status_code(latest) if latest is not None else None
    return own if own in STATUS_DESCRIPTIONS and own[0] == group else code_for_status(status)


def _parties(mo: MoMessage) -> tuple[str, str]:
    """The Originator and Destination columns."""
    return f"+{mo.sender}", international(mo.recipient)


def _received(mo: MoMessage) -> tuple[str, str]:
    """The Date and Time columns."""
    received = to_datetime(mo.received_at)
    return received.strftime("%Y-%m-%d"), received.strftime("%H:%M:%S")
