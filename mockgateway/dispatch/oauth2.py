"""Bearer tokens for receivers that want OAuth2 client credentials (RFC 6749 section 4.4), cached per client."""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from mockgateway.dispatch.wire import refusal
from mockgateway.domain.model import OAuth2Credentials

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
        if token is not None:
            return token
        # One fetch per client at a time: 64 callbacks starting together must not ask for 64 tokens.
        async with self._locks.setdefault(key, asyncio.Lock()):
            token = self._fresh(key)
            if token is not None:
                return token
            status, body = await self._fetch(credentials)
            value, lifetime = parse_token_response(credentials.token_url, status, body)
            self._tokens[key] = _Token(value, self._now() + lifetime - min(_MARGIN_S, lifetime / 10))
            return value

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
    try:
        document = json.loads(body)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise TokenError(f"token endpoint {url} answered {status} without a JSON object")
    token = document.get("access_token")
    if not isinstance(token, str) or not token:
        raise TokenError(f"token endpoint {url} answered {status} without an access_token")
    return token, _lifetime(url, document.get("expires_in"))


def _lifetime(url: str, raw: object) -> float:
    if raw is None:
        return DEFAULT_LIFETIME_S
    try:
        # Some servers send the number as a string; RFC 6749 means seconds either way.
        seconds = float(raw) if isinstance(raw, int | float | str) and not isinstance(raw, bool) else -1.0
    except ValueError:
        seconds = -1.0
    if not math.isfinite(seconds) or seconds < 0:
        raise TokenError(f"token endpoint {url}: expires_in {raw!r} is not a number of seconds")
    return seconds
