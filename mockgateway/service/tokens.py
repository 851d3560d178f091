"""OAuth-style bearer tokens issued to accounts; lifetimes run on the gateway clock."""

from __future__ import annotations

from dataclasses import dataclass

from mockgateway.clock import Clock
from mockgateway.domain.errors import InvalidRequest, Unauthorized
from mockgateway.ids import IdSource


class TokenUnknown(Unauthorized):
    message = "unknown access token"


class TokenExpired(Unauthorized):
    message = "access token expired"

    def __init__(self, expired_at: float, now: float) -> None:
        super().__init__()
        self.expired_at = expired_at
        self.now = now


class TokenOfAnotherClient(Unauthorized):
    """A refresh token presented by a client other than the one it was issued to (RFC 6749 section 6)."""

    message = "refresh token was issued to another client"


@dataclass(frozen=True, slots=True)
class Grant:
    account: str
    access_token: str
    refresh_token: str
    issued_at: float
    expires_at: float
    refresh_expires_at: float
    scope: str
    client: str | None = None  #: the OAuth client the grant was issued to


class TokenService:
    """Issues, refreshes and checks tokens. Expired grants are swept as new ones are issued."""

    def __init__(self, clock: Clock, ids: IdSource, access_ttl_s: float, refresh_ttl_s: float) -> None:
        self._clock = clock
        self._ids = ids
        self.access_ttl_s = access_ttl_s
        self.refresh_ttl_s = refresh_ttl_s
        self._by_access: dict[str, Grant] = {}
        self._by_refresh: dict[str, Grant] = {}

    def issue(self, account: str, scope: str, client: str | None = None) -> Grant:
        now = self._clock.now()
        self._sweep(now)
        grant = Grant(
            account=account,
            access_token=self._ids.token(),
            refresh_token=self._ids.token(),
            issued_at=now,
            expires_at=now + self.access_ttl_s,
            refresh_expires_at=now + self.refresh_ttl_s,
            scope=scope,
            client=client,
        )
        self._by_access[grant.access_token] = grant
        self._by_refresh[grant.refresh_token] = grant
        return grant

    def refresh(self, refresh_token: str, client: str | None = None) -> Grant:
        """A new grant for the refresh token's account; the old refresh token is used up.

        A ``client`` that authenticated must be the one the token was issued to; another client's attempt leaves
        the token to its owner."""
        if not refresh_token:
            raise InvalidRequest("refresh_token is required", field="refresh_token")
        grant = self._by_refresh.get(refresh_token)
        if grant is None:
            raise TokenUnknown("unknown refresh token", field="refresh_token")
        if client is not None and client != grant.client:
            raise TokenOfAnotherClient(field="refresh_token")
        del self._by_refresh[refresh_token]
        now = self._clock.now()
        if now >= grant.refresh_expires_at:
            raise TokenExpired(grant.refresh_expires_at, now)
        return self.issue(grant.account, grant.scope, grant.client)

    def authenticate(self, access_token: str) -> Grant:
        grant = self._by_access.get(access_token)
        if grant is None:
            raise TokenUnknown()
        now = self._clock.now()
        if now >= grant.expires_at:
            raise TokenExpired(grant.expires_at, now)
        return grant

    def _sweep(self, now: float) -> None:
        # Only when the tables have grown: keeps issue() O(1) amortised.
        if len(self._by_refresh) < 1024 or len(self._by_refresh) % 1024:
            return
        for token, grant in list(self._by_refresh.items()):
            if now >= grant.refresh_expires_at:
                del self._by_refresh[token]
                self._by_access.pop(grant.access_token, None)
