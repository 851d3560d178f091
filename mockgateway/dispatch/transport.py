"""Sending one callback over HTTP: plain ``http://`` through the lean HTTP/1.1 client, the rest through aiohttp.

aiohttp is the only other HTTP client in the package: ``https://`` receivers, unusual URLs and OAuth2 token
requests go through it. Bearer tokens for receivers that want OAuth2 client credentials (RFC 6749 section 4.4)
are cached per client.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

import aiohttp
import msgspec

from mockgateway.dispatch.http11 import Http11Client
from mockgateway.dispatch.sandbox import AddressPolicy
from mockgateway.dispatch.wire import ConnectionFailed, InvalidResponse, refusal
from mockgateway.domain.model import HttpCall, OAuth2Credentials

#: Fetches a token: POSTs the client-credentials grant to the token URL, returns (status, body).
Fetch = Callable[[OAuth2Credentials], Awaitable[tuple[int, bytes]]]
Key = tuple[str, str]

#: RFC 6749 lets ``expires_in`` be left out; a short guess keeps a stale token from living long.
DEFAULT_LIFETIME_S = 300.0
#: Renew this early (at most) so a token does not run out while a callback is on its way.
_MARGIN_S = 30.0


class TokenError(Exception):
    """No usable token: the message says what the token endpoint did."""


@dataclass(frozen=True, slots=True)
class _Token:
    value: str
    usable_until: float


class TokenCache:
    def __init__(self, fetch: Fetch, *, now: Callable[[], float]) -> None:
        self._fetch = fetch
        self._now = now
        self._tokens: dict[Key, _Token] = {}
        self._locks: dict[Key, asyncio.Lock] = {}

    async def get(self, credentials: OAuth2Credentials) -> str:
        key = (credentials.token_url, credentials.client_id)
        token = self._fresh(key)
        if token is None:
            # One fetch per client at a time: 64 callbacks starting together must not ask for 64 tokens.
            async with self._locks.setdefault(key, asyncio.Lock()):
                token = self._fresh(key)  # another caller may have fetched it while this one waited
                if token is None:
                    status, body = await self._fetch(credentials)
                    token, lifetime = parse_token_response(credentials.token_url, status, body)
                    self._tokens[key] = _Token(token, self._now() + lifetime - min(_MARGIN_S, lifetime / 10))
        return token

    def drop(self, credentials: OAuth2Credentials, token: str) -> None:
        """Forget ``token`` after a receiver refused it; a newer token fetched meanwhile stays."""
        key = (credentials.token_url, credentials.client_id)
        cached = self._tokens.get(key)
        if cached is not None and cached.value == token:
            del self._tokens[key]

    def _fresh(self, key: Key) -> str | None:
        cached = self._tokens.get(key)
        if cached is None or cached.usable_until <= self._now():
            return None
        return cached.value


def parse_token_response(url: str, status: int, body: bytes) -> tuple[str, float]:
    """``(access_token, lifetime in seconds)`` from a token endpoint's answer, or ``TokenError``."""
    if not 200 <= status < 300:
        raise TokenError(refusal(f"token endpoint {url}", status, body))
    document: object = None
    with contextlib.suppress(ValueError):  # not JSON, or not even UTF-8: the check below names it
        document = json.loads(body)
    if not isinstance(document, dict):
        raise TokenError(f"token endpoint {url} answered {status} without a JSON object")
    token = document.get("access_token")
    if not isinstance(token, str) or not token:
        raise TokenError(f"token endpoint {url} answered {status} without an access_token")
    raw = document.get("expires_in")
    if raw is None:
        return token, DEFAULT_LIFETIME_S
    try:
        # Some servers send the number as a string; RFC 6749 means seconds either way.
        seconds = float(raw) if isinstance(raw, int | float | str) and not isinstance(raw, bool) else -1.0
    except ValueError:
        seconds = -1.0
    if not math.isfinite(seconds) or seconds < 0:
        raise TokenError(f"token endpoint {url}: expires_in {raw!r} is not a number of seconds")
    return token, seconds


class TransportResult(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """What one attempt to deliver a callback came to."""

    status: int | None  #: the receiver's HTTP status; None when it never answered
    error: str | None  #: why the attempt failed, in words; None on 2xx
    latency_ms: float

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class Transport(Protocol):
    async def send(self, call: HttpCall, timeout_s: float) -> TransportResult:
        """Never raises: every failure comes back as a result with ``error`` set."""
        ...

    async def close(self) -> None: ...


class HttpTransport:
    """Keep-alive connection pools for every receiver: reusing connections triples callback throughput.

    Plain ``http://`` callbacks go through ``Http11Client`` (a third of aiohttp's CPU per callback) unless
    ``lean=False``; everything else, and every token request, through one aiohttp session.
    """

    def __init__(
        self,
        *,
        pool_size: int = 64,
        now: Callable[[], float] = time.monotonic,
        lean: bool = True,
        sandbox: AddressPolicy | None = None,
    ) -> None:
        self._pool_size = pool_size
        self._sandbox = sandbox  #: None: any address; else checked on every connection of both clients
        self._lean = Http11Client(per_host=pool_size, sandbox=sandbox) if lean else None
        self._session: aiohttp.ClientSession | None = None
        self._closed = False
        # The token lifetime is the receiver's real one, so it runs on real time, not the gateway clock.
        self._tokens = TokenCache(self._fetch_token, now=now)

    async def send(self, call: HttpCall, timeout_s: float) -> TransportResult:
        started = time.monotonic()  # the loop's clock, without looking the loop up
        deadline = started + timeout_s
        method, url, oauth2 = call.method, call.url, call.oauth2
        status: int | None = None
        error: str | None = None
        token: str | None = None
        try:
            if oauth2 is not None:
                async with asyncio.timeout_at(deadline):
                    token = await self._tokens.get(oauth2)
            lean = self._lean
            target = None if lean is None or self._closed else lean.target(method, url)
            if target is not None and lean is not None:
                status, body = await lean.request(target, call.body, call.content_type, token, deadline)
            else:
                async with asyncio.timeout_at(deadline):
                    status, body = await self._aiohttp(call, token)
            if not 200 <= status < 300:
                error = refusal("receiver", status, body)
                if status == 401 and oauth2 is not None and token is not None:
                    self._tokens.drop(oauth2, token)
                    error += " (cached token dropped)"
        except TimeoutError:
            error = f"timed out after {timeout_s:g} s"
            if oauth2 is not None and token is None:
                error += f" waiting for a token from {oauth2.token_url}"
        except TokenError as failure:
            error = str(failure)
        except (aiohttp.ClientConnectionError, ConnectionFailed) as failure:
            error = f"connection failed: {failure}"
        except InvalidResponse as failure:
            error = f"invalid answer {failure}"
        except Exception as failure:  # the contract is "never raises": a bad URL must not kill the dispatcher
            error = f"{type(failure).__name__}: {failure}"
        return TransportResult(status=status, error=error, latency_ms=(time.monotonic() - started) * 1000)

    async def close(self) -> None:
        self._closed = True
        if self._lean is not None:
            await self._lean.close()
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _aiohttp(self, call: HttpCall, token: str | None) -> Awaitable[tuple[int, bytes]]:
        headers = {} if call.content_type is None else {"Content-Type": call.content_type}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return self._request(call.method, call.url, call.body, headers)  # its coroutine: no frame of our own

    async def _fetch_token(self, credentials: OAuth2Credentials) -> tuple[int, bytes]:
        form = {"grant_type": "client_credentials"}
        # Sent as given, like `curl -u`: receivers compare the raw pair far more often than they URL-decode it.
        basic = base64.b64encode(f"{credentials.client_id}:{credentials.client_secret}".encode()).decode("ascii")
        try:
            return await self._request("POST", credentials.token_url, form, {"Authorization": f"Basic {basic}"})
        except aiohttp.ClientError as failure:
            raise TokenError(f"token endpoint {credentials.token_url}: {failure or type(failure).__name__}") from None

    async def _request(self, method: str, url: str, data: object, headers: dict[str, str]) -> tuple[int, bytes]:
        """``(status, body)`` of one request through the aiohttp session, redirects not followed."""
        async with self._open().request(method, url, data=data, headers=headers, allow_redirects=False) as response:
            return response.status, await response.read()

    def _open(self) -> aiohttp.ClientSession:
        if self._closed:
            raise RuntimeError("the transport is closed")
        if self._session is None:
            # Created here, inside the running loop, because a session binds to the loop it is made in.
            sockets = None if self._sandbox is None else self._sandbox.socket_factory
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size, socket_factory=sockets),
                timeout=aiohttp.ClientTimeout(total=None),  # send() bounds each attempt as a whole
                cookie_jar=aiohttp.DummyCookieJar(),  # receivers must not see each other's cookies
            )
        return self._session


class OrderedTransport:
    """Wraps a ``Transport`` so that each URL has at most one attempt in flight, in the order they came: what a
    replayed run needs.

    Attempts that fall due together go out in parallel, and over parallel connections a receiver may see them in
    any order. A seeded run on the virtual clock promises the same callbacks in the same order on every run, so
    there each receiver URL gets its next callback only once it has answered the one before (callbacks to other
    receivers still go meanwhile). Waiters take their turn first come, first served, as ``asyncio.Lock`` serves them.
    """

    def __init__(self, inner: Transport) -> None:
        self._inner = inner
        self._turns: dict[str, tuple[asyncio.Lock, int]] = {}  #: url -> (its lock, attempts holding or waiting)

    async def send(self, call: HttpCall, timeout_s: float) -> TransportResult:
        url = call.url
        lock, users = self._turns.get(url) or (asyncio.Lock(), 0)
        self._turns[url] = (lock, users + 1)
        try:
            async with lock:
                return await self._inner.send(call, timeout_s)
        finally:
            lock, users = self._turns[url]
            if users > 1:
                self._turns[url] = (lock, users - 1)
            else:  # nobody else waits for this receiver: forget it, so the table holds only busy receivers
                del self._turns[url]

    async def close(self) -> None:
        await self._inner.close()
