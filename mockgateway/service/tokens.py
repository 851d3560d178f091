"""OAuth-style bearer tokens issued to accounts; lifetimes run on the gateway clock.

Every grant goes to the state port as it is issued or its refresh token used, so a persistent store gives the
tokens back after a restart (``load``) until they expire.
"""

from __future__ import annotations

from dataclasses import replace

from mockgateway.clock import Clock
from mockgateway.domain.errors import InvalidRequest, Unauthorized
from mockgateway.domain.state import Grant
from mockgateway.ids import IdSource
from mockgateway.service.state_ports import GrantPort


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


class TokenService:
    """Issues, refreshes and checks tokens. Expired grants are swept as new ones are issued."""

    def __init__(
        self, clock: Clock, ids: IdSource, access_ttl_s: float, refresh_ttl_s: float, *, state: GrantPort
    ) -> None:
        self._clock = clock
        self._ids = ids
        self._state = state
        self.access_ttl_s = access_ttl_s
        self.refresh_ttl_s = refresh_ttl_s
        self._by_access: dict[str, Grant] = {}
        self._by_refresh: dict[str, Grant] = {}

    async def load(self) -> int:
        """Take up the grants the store kept (after ``Store.open()``); returns how many."""
        grants = await self._state.load_grants(self._clock.now())
        for grant in grants:
            self._keep(grant)
        return len(grants)

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
        self._keep(grant)
        self._state.save_grant(grant)
        return grant

    async def refresh(self, refresh_token: str, client: str | None = None) -> Grant:
        """A new grant for the refresh token's account; the old refresh token is used up, on every replica.

        A ``client`` that authenticated must be the one the token was issued to; another client's attempt leaves
        the token to its owner."""
        if not refresh_token:
            raise InvalidRequest("refresh_token is required", field="refresh_token")
        grant = self._by_refresh.get(refresh_token) or await self._state.find_grant(refresh_token=refresh_token)
        if grant is None or grant.refresh_spent:
            raise TokenUnknown("unknown refresh token", field="refresh_token")
        if client is not None and client != grant.client:
            raise TokenOfAnotherClient(field="refresh_token")
        self._by_refresh.pop(refresh_token, None)
        if not await self._state.spend_refresh(refresh_token):  # another replica used it first
            raise TokenUnknown("unknown refresh token", field="refresh_token")
        spent = replace(grant, refresh_spent=True)
        if self._by_access.get(grant.access_token) in (grant, None):
            self._by_access[grant.access_token] = spent
        self._state.save_grant(spent)
        now = self._clock.now()
        if now >= grant.refresh_expires_at:
            raise TokenExpired(grant.refresh_expires_at, now)
        return self.issue(grant.account, grant.scope, grant.client)

    async def authenticate(self, access_token: str) -> Grant:
        """The grant of ``access_token``; one issued by another replica is read from the store the first time."""
        grant = self._by_access.get(access_token)
        if grant is None:
            # Tokens are issued in ASCII, so other text is no grant's. It is not looked up either: header bytes
            # that are not UTF-8 arrive as lone surrogates, which a store such as Redis cannot encode.
            if not access_token.isascii():
                raise TokenUnknown()
            grant = await self._state.find_grant(access_token=access_token)
            if grant is None:
                raise TokenUnknown()
            self._keep(grant)
        now = self._clock.now()
        if now >= grant.expires_at:
            raise TokenExpired(grant.expires_at, now)
        return grant

    def apply(self, grant: Grant) -> None:
        """A grant another replica issued or whose refresh token it used."""
        self._keep(grant)
        if grant.refresh_spent:
            self._by_refresh.pop(grant.refresh_token, None)

    def _keep(self, grant: Grant) -> None:
        self._by_access[grant.access_token] = grant
        if not grant.refresh_spent:
            self._by_refresh[grant.refresh_token] = grant

    def _sweep(self, now: float) -> None:
        # Only when the tables have grown: keeps issue() O(1) amortised.
        if len(self._by_refresh) < 1024 or len(self._by_refresh) % 1024:
            return
        for token, grant in list(self._by_refresh.items()):
            if now >= grant.refresh_expires_at:
                del self._by_refresh[token]
                self._by_access.pop(grant.access_token, None)
        self._state.sweep_grants(now)
