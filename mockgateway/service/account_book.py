"""The accounts in force: their callback targets change at runtime, as in a provider's portal."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from mockgateway.domain.errors import InvalidRequest, NotFound
from mockgateway.domain.model import Account, CallbackTargets
from mockgateway.domain.state import TargetOverride


class AccountBook:
    def __init__(self, accounts: Iterable[Account]) -> None:
        self._accounts = {account.name: account for account in accounts}
        #: (account, provider) -> the account as that provider's dialect sees it; cleared on every change
        self._as_seen_by: dict[tuple[str, str], Account] = {}

    @property
    def all(self) -> Mapping[str, Account]:
        return self._accounts

    def get(self, name: str) -> Account:
        try:
            return self._accounts[name]
        except KeyError:
            raise NotFound(f"no account named {name!r}", field="account") from None

    def as_seen_by(self, name: str, provider: str) -> Account:
        """The account with ``provider``'s own callback targets as its targets (see ``Account.for_provider``)."""
        key = (name, provider)
        account = self._as_seen_by.get(key)
        if account is None:
            account = self._as_seen_by[key] = self.get(name).for_provider(provider)
        return account

    def set_callbacks(self, override: TargetOverride) -> Account:
        account = self.get(override.account)
        provider = override.provider
        if provider is None:
            return self._put(replace(account, status_callback=override.status, mo_callback=override.mo))
        if provider not in account.credentials:
            raise InvalidRequest(f"account {account.name!r} has no {provider} credentials", field="provider")
        own = {**account.provider_callbacks, provider: CallbackTargets(status=override.status, mo=override.mo)}
        return self._put(replace(account, provider_callbacks=own))

    def restore_callbacks(self, configured: Account) -> Account:
        return self._put(
            replace(
                self.get(configured.name),
                status_callback=configured.status_callback,
                mo_callback=configured.mo_callback,
                provider_callbacks=configured.provider_callbacks,
            )
        )

    def _put(self, account: Account) -> Account:
        self._accounts[account.name] = account
        self._as_seen_by.clear()
        return account
