"""The handle a test gets from the ``mockgateway`` fixture: where the gateway is, and what it saw.

Filters are the wait API's: messages ``to``, ``text``, ``from_``, ``account``, ``provider``; notifications
``message``, ``order_id``, ``status``, ``account``; MOs ``from_``, ``text``, ``account``; callbacks ``message``,
``kind``, ``state``, ``account``. Text filters match a case-insensitive part of the text. Lists are oldest first.
"""

# ruff: noqa: ASYNC109  (``timeout=`` is the wait API's own parameter, in seconds, as in the HTTP API)

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

from mockgateway.bootstrap import build_gateway
from mockgateway.config import Settings
from mockgateway.domain.errors import InvalidRequest
from mockgateway.domain.model import Delivery, Message, MoMessage, Notification
from mockgateway.domain.queries import ALL
from mockgateway.service.gateway import Gateway
from mockgateway.service.waits import CALLBACKS, MESSAGES, MOS, NOTIFICATIONS, SPECS, Spec, one_time_code, wait_for
from mockgateway.tls import server_tls

T = TypeVar("T")
DEFAULT_TIMEOUT_S = 5.0


class WaitTimeout(AssertionError):
    """Nothing matching arrived in time; the message lists the near misses."""


class GatewayHandle:
    """A gateway running in-process on the virtual clock, served at ``url``. Methods run in the test's loop."""

    def __init__(self, gateway: Gateway, url: str, settings: Settings, *, ca_path: Path | None = None) -> None:
        self.gateway = gateway
        self.url = url
        self.settings = settings
        #: With ``tls``: the certificate authority (PEM) an HTTPS client must trust to talk to ``url``.
        self.ca_path = ca_path
        self._scenarios = gateway.scenarios

    def __repr__(self) -> str:
        return f"<GatewayHandle {self.url}>"

    # -- access -----------------------------------------------------------------------------------------
    def token(self, account: str = "demo") -> str:
        """A Live Link bearer token for ``account``, as ``POST /api/oauth/token`` would issue."""
        from mockgateway.dialects.livelink.oauth import SCOPE

        if "livelink" not in self.gateway.account(account).credentials:
            raise ValueError(f"account {account!r} has no Live Link credentials")
        return self.gateway.issue_token(account, SCOPE).access_token

    @property
    def admin_headers(self) -> dict[str, str]:
        """Headers for calling the admin API over HTTP: the admin token, when the gateway has one."""
        token = self.settings.admin_token
        return {"Authorization": f"Bearer {token}"} if token else {}

    def now(self) -> float:
        """The gateway's clock, epoch seconds."""
        return self.gateway.now()

    async def advance(self, seconds: float) -> float:
        """Move the virtual clock: every status, reply and callback due meanwhile happens, in order."""
        return await self.gateway.advance(seconds)

    async def reset(self) -> None:
        """Forget every message, event and opt-out; accounts' callbacks and scenarios return to the start."""
        await self.gateway.reset()
        for account in self.settings.accounts:
            self.gateway.restore_callbacks(account)
        self.gateway.scenarios = self._scenarios

    # -- what happened ----------------------------------------------------------------------------------
    async def messages(self, **filters: str) -> list[Message]:
        return await self._all(MESSAGES, filters)

    async def notifications(self, **filters: str) -> list[Notification]:
        return await self._all(NOTIFICATIONS, filters)

    async def mos(self, **filters: str) -> list[MoMessage]:
        return await self._all(MOS, filters)

    async def callbacks(self, **filters: str) -> list[Delivery]:
        return await self._all(CALLBACKS, filters)

    async def latest_code(self, to: str) -> str | None:
        """The one-time code (first 4-8 digit number) in the newest message to ``to``; ``None`` without one."""
        message = await MESSAGES.newest(self.gateway, _wanted(MESSAGES, {"to": to}))
        return None if message is None else one_time_code(message.text)

    async def _all(self, spec: Spec[T], filters: Mapping[str, str]) -> list[T]:
        return (await spec.find(self.gateway, _wanted(spec, filters), ALL))[::-1]

    # -- a handset replies ------------------------------------------------------------------------------
    async def inject_mo(self, from_: str, to: str, text: str, *, account: str | None = None) -> MoMessage:
        """A reply from handset ``from_`` to the account number ``to``, as if typed on the phone."""
        return await self.gateway.inject_mo(from_.strip().lstrip("+"), to, text, account=account)

    # -- waiting ----------------------------------------------------------------------------------------
    async def wait_for_message(self, *, timeout: float = DEFAULT_TIMEOUT_S, **filters: str) -> Message:
        """The newest matching message, as soon as one exists; ``WaitTimeout`` listing near misses otherwise."""
        return await self._wait(MESSAGES, timeout, filters)

    async def wait_for_notification(self, *, timeout: float = DEFAULT_TIMEOUT_S, **filters: str) -> Notification:
        return await self._wait(NOTIFICATIONS, timeout, filters)

    async def wait_for_mo(self, *, timeout: float = DEFAULT_TIMEOUT_S, **filters: str) -> MoMessage:
        return await self._wait(MOS, timeout, filters)

    async def wait_for_callback(self, *, timeout: float = DEFAULT_TIMEOUT_S, **filters: str) -> Delivery:
        return await self._wait(CALLBACKS, timeout, filters)

    async def wait_for(self, kind: str, *, timeout: float = DEFAULT_TIMEOUT_S, **filters: str) -> Any:
        """``kind``: messages, notifications, mo or callbacks. Waits in real time, woken by what happens."""
        return await self._wait(SPECS[kind], timeout, filters)

    async def _wait(self, spec: Spec[T], timeout: float, filters: Mapping[str, str]) -> T:
        wanted = _wanted(spec, filters)
        found = await wait_for(self.gateway, spec, wanted, timeout)
        if found is None:
            raise WaitTimeout(await self._explain(spec, wanted, f"within {timeout:g} s"))
        return found

    # -- assertions -------------------------------------------------------------------------------------
    async def assert_sent(self, **filters: str) -> Message:
        """The newest message matching ``filters``; fails listing the near misses when there is none."""
        wanted = _wanted(MESSAGES, filters)
        found = await MESSAGES.newest(self.gateway, wanted)
        if found is None:
            raise AssertionError(await self._explain(MESSAGES, wanted, "was sent"))
        return found

    async def assert_no_message(self, **filters: str) -> None:
        """Fails, listing them, when any message matches ``filters``."""
        wanted = _wanted(MESSAGES, filters)
        found = (await MESSAGES.find(self.gateway, wanted, ALL))[::-1]
        if found:
            lines = [f"expected {MESSAGES.describe_none(wanted)}, but {len(found)} were sent:"]
            lines += [f"  - {MESSAGES.summary(m)}" for m in found[:10]]
            raise AssertionError("\n".join(lines))

    async def _explain(self, spec: Spec[Any], wanted: Mapping[str, str], when: str) -> str:
        """``no message with to='...' was sent.`` and the near misses, closest first, each with what differs."""
        misses = await spec.near_misses(self.gateway, wanted)
        head = f"{spec.describe_none(wanted)} {when}."
        if not misses:
            return f"{head}\nNothing came close: no {spec.noun} at all."
        lines = [head, "Near misses (closest first):"]
        for miss in misses:
            matched = f"matches {', '.join(miss.matched)}; " if miss.matched else ""
            differs = f"differs in {', '.join(miss.mismatched)}" if miss.mismatched else "matches"
            lines.append(f"  - {spec.summary(miss.item)} -- {matched}{differs}")
        return "\n".join(lines)


def _wanted(spec: Spec[Any], filters: Mapping[str, str]) -> dict[str, str]:
    params = {name.removesuffix("_"): str(value) for name, value in filters.items() if value is not None}
    try:
        return spec.parse(params)
    except InvalidRequest as error:
        raise TypeError(f"{spec.noun} filter {error.detail}") from None


@contextlib.asynccontextmanager
async def serve_in_process(settings: Settings) -> AsyncIterator[GatewayHandle]:
    """The gateway on a free port of 127.0.0.1, in the running event loop, until the context closes."""
    from aiohttp.test_utils import TestServer

    from mockgateway.http.app import create_app

    gateway = build_gateway(settings)
    with server_tls(settings) as tls:
        server = TestServer(create_app(settings, gateway=gateway), host="127.0.0.1")
        try:  # from the start: a start-up that fails still undoes what it began
            await server.start_server(ssl=tls.context)
            url = str(server.make_url("")).rstrip("/")
            yield GatewayHandle(gateway, url, settings, ca_path=tls.ca_path)
        finally:
            await server.close()
