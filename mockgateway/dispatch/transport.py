"""Sending one callback over HTTP: the only client-side use of aiohttp in the package."""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import aiohttp

from mockgateway.dispatch.oauth2 import TokenCache, TokenError
from mockgateway.domain.model import HttpCall, OAuth2Credentials

#: How much of a non-2xx answer's body an attempt keeps, to show why the receiver refused.
_BODY_EXCERPT = 200


@dataclass(frozen=True, slots=True)
class TransportResult:
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
    """One keep-alive connection pool for every receiver: reusing connections triples callback throughput."""

    def __init__(self, *, pool_size: int = 64, now: Callable[[], float] = time.monotonic) -> None:
        self._pool_size = pool_size
        self._session: aiohttp.ClientSession | None = None
        self._closed = False
        # The token lifetime is the receiver's real one, so it runs on real time, not the gateway clock.
        self._tokens = TokenCache(self._fetch_token, now=now)

    async def send(self, call: HttpCall, timeout_s: float) -> TransportResult:
        started = time.perf_counter()
        status: int | None = None
        error: str | None = None
        token: str | None = None
        try:
            async with asyncio.timeout(timeout_s):
                if call.oauth2 is not None:
                    token = await self._tokens.get(call.oauth2)
                status, error = await self._send(call, token)
        except TimeoutError:
            error = f"timed out after {timeout_s:g} s"
            if call.oauth2 is not None and token is None:
                error += f" waiting for a token from {call.oauth2.token_url}"
        except TokenError as failure:
            error = str(failure)
        except aiohttp.ClientConnectionError as failure:
            error = f"connection failed: {failure}"
        except Exception as failure:  # the contract is "never raises": a bad URL must not kill the dispatcher
            error = f"{type(failure).__name__}: {failure}"
        return TransportResult(status, error, (time.perf_counter() - started) * 1000)

    async def close(self) -> None:
        self._closed = True
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _send(self, call: HttpCall, token: str | None) -> tuple[int, str | None]:
        session = self._open()
        headers = {} if call.content_type is None else {"Content-Type": call.content_type}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        async with session.request(
            call.method, call.url, data=call.body, headers=headers, allow_redirects=False
        ) as response:
            body = await response.read()
            status = response.status
        if 200 <= status < 300:
            return status, None
        if status == 401 and call.oauth2 is not None and token is not None:
            self._tokens.drop(call.oauth2, token)
            return status, _refusal(status, body) + " (cached token dropped)"
        return status, _refusal(status, body)

    async def _fetch_token(self, credentials: OAuth2Credentials) -> tuple[int, bytes]:
        form = {"grant_type": "client_credentials"}
        headers = {"Authorization": _basic(credentials.client_id, credentials.client_secret)}
        try:
            async with self._open().post(
                credentials.token_url, data=form, headers=headers, allow_redirects=False
            ) as resp:
                return resp.status, await resp.read()
        except aiohttp.ClientError as failure:
            raise TokenError(f"token endpoint {credentials.token_url}: {failure or type(failure).__name__}") from None

    def _open(self) -> aiohttp.ClientSession:
        if self._closed:
            raise RuntimeError("the transport is closed")
        if self._session is None:
            # Created here, inside the running loop, because a session binds to the loop it is made in.
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                timeout=aiohttp.ClientTimeout(total=None),  # send() bounds each attempt as a whole
                cookie_jar=aiohttp.DummyCookieJar(),  # receivers must not see each other's cookies
            )
        return self._session


def _basic(user: str, password: str) -> str:
    # Sent as given, like `curl -u`: receivers compare the raw pair far more often than they URL-decode it.
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def _refusal(status: int, body: bytes) -> str:
    excerpt = body[:_BODY_EXCERPT].decode("utf-8", "replace").strip()
    return f"receiver answered {status}" + (f": {excerpt}" if excerpt else "")
