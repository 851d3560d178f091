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

#: Grants an account holds at once. Issuing one more revokes its oldest, as OAuth servers cap the tokens a client
#: holds: a loop of token requests (the demo credentials are public) cannot fill the memory or the store.
MAX_GRANTS_PER_ACCOUNT = 10_000


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
    """Issues, refreshes and checks tokens. Expired grants are swept as new ones are issued; past
    ``max_grants_per_account`` an account's oldest grant is revoked."""

    def __init__(
        self,
        clock: Clock,
        ids: IdSource,
        access_ttl_s: float,
        refresh_ttl_s: float,
        *,
        state: GrantPort,
        max_grants_per_account: int | None = None,
    ) -> None:
        self._clock = clock
        self._ids = ids
        self._state = state
        self.access_ttl_s = access_ttl_s
        self.refresh_ttl_s = refresh_ttl_s
        self._max_grants = MAX_GRANTS_PER_ACCOUNT if max_grants_per_account is None else max_grants_per_account
        self._by_access: dict[str, Grant] = {}
        self._by_refresh: dict[str, Grant] = {}
        #: account -> access token -> grant, oldest first
        self._by_account: dict[str, dict[str, Grant]] = {}
        self._issued = 0  #: grants issued, counted for the sweep

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
        held = self._by_account[account]
        if len(held) > self._max_grants:
            self._revoke(next(iter(held.values())), now)
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
            self._keep(spent)
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
            if grant is None or self._clock.now() >= grant.kept_until():  # revoked, or due to be swept
                raise TokenUnknown()
            self._keep(grant)
        now = self._clock.now()
        if now >= grant.expires_at:
            raise TokenExpired(grant.expires_at, now)
        return grant

    def apply(self, grant: Grant) -> None:
        """A grant another replica issued, used the refresh token of, or revoked."""
        if self._clock.now() >= grant.kept_until():
            self._forget(grant)
            return
        self._keep(grant)
        if grant.refresh_spent:
            self._by_refresh.pop(grant.refresh_token, None)

    def _keep(self, grant: Grant) -> None:
        self._by_access[grant.access_token] = grant
        self._by_account.setdefault(grant.account, {})[grant.access_token] = grant
        if not grant.refresh_spent:
            self._by_refresh[grant.refresh_token] = grant

    def _forget(self, grant: Grant) -> None:
        self._by_access.pop(grant.access_token, None)
        self._by_refresh.pop(grant.refresh_token, None)
        self._by_account.get(grant.account, {}).pop(grant.access_token, None)

    def _revoke(self, grant: Grant, now: float) -> None:
        """Neither of ``grant``'s tokens is good from now, on every replica and after a restart."""
        self._forget(grant)
        self._state.save_grant(replace(grant, expires_at=now, refresh_expires_at=now, refresh_spent=True))

    def _sweep(self, now: float) -> None:
        # Once every 1,024 grants issued: keeps issue() O(1) amortised. Every grant is looked at, spent ones too, and
        # the store drops the expired and revoked ones it keeps.
        self._issued += 1
        if self._issued % 1024:
            return
        for grant in [grant for grant in self._by_access.values() if now >= grant.kept_until()]:
            self._forget(grant)
        self._state.sweep_grants(now)
