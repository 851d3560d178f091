"""Who the gateway serves: the accounts, their callback targets changed at runtime (as in a provider's portal),
and the numbers opted out.

The one owner of that state: the gateway and the engine are given it, and every change goes to the state port,
so a persistent store gives it all back after a restart (``load``).
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping
from dataclasses import replace

from mockgateway.clock import Clock
from mockgateway.domain import limits
from mockgateway.domain.errors import InvalidRequest, NotFound, OptOutListFull
from mockgateway.domain.model import Account, CallbackTarget, CallbackTargets
from mockgateway.domain.state import OptOut, OptOutVia, TargetOverride
from mockgateway.service.state_ports import StatePort

_NONE: frozenset[str] = frozenset()


class Directory:
    def __init__(self, accounts: Iterable[Account], state: StatePort, clock: Clock) -> None:
        self._configured = {account.name: account for account in accounts}
        self._accounts = dict(self._configured)  #: as they are now, with their runtime targets
        self.accounts: Mapping[str, Account] = self._accounts  #: the same, for reading
        #: (account, provider) -> the account as that provider's dialect sees it; cleared on every change
        self._as_seen_by: dict[tuple[str, str], Account] = {}
        self._state = state
        #: Waits until every change to accounts and opt-outs made so far is kept (before answering for it).
        self.saved = state.flush
        self._clock = clock
        #: account -> number -> its opt-out; read on every send
        self._opt_outs: dict[str, dict[str, OptOut]] = {}
        #: Another replica cleared every opt-out: so does this one's copy (nothing is written).
        self.apply_cleared_opt_outs = self._opt_outs.clear
        self._max_opt_outs = limits.MAX_OPT_OUTS  # read when made, so that a test can lower it first

    async def load(self) -> None:
        """Take up what the store keeps (after ``Store.open()``, and again in place of this replica's copies when
        they missed changes another replica made while this one did not hear of them): runtime targets, then
        opt-outs."""
        await self._state.flush()  # this replica's own changes first
        targets = await self._state.load_targets()
        opt_outs = await self._state.load_opt_outs()
        for account in self._configured:
            self.apply_forgotten_targets(account)
        for override in targets:
            self.apply_targets(override)
        self.apply_cleared_opt_outs()
        for opt_out in opt_outs:
            self.apply_opt_out(opt_out)

    # -- accounts ---------------------------------------------------------------------------------------
    def account(self, name: str) -> Account:
        try:
            return self._accounts[name]
        except KeyError:
            raise NotFound(f"no account named {name!r}", field="account") from None

    def as_seen_by(self, name: str, provider: str) -> Account:
        """The account with ``provider``'s own callback targets as its targets (see ``Account.for_provider``)."""
        key = (name, provider)
        account = self._as_seen_by.get(key)
        if account is None:
            account = self._as_seen_by[key] = self.account(name).for_provider(provider)
        return account

    def owner_of(self, recipient: str) -> Account:
        """The account that owns the number ``recipient``; the only account, when there is one."""
        accounts = self._accounts
        for account in accounts.values():
            if account.origins is not None and account.owns_origin(recipient):
                return account
        if len(accounts) == 1:
            return next(iter(accounts.values()))
        raise InvalidRequest(f"no account owns the number {recipient!r}; name the account", field="to")

    def set_callbacks(
        self, name: str, *, status: CallbackTarget | None, mo: CallbackTarget | None, provider: str | None = None
    ) -> Account:
        """Change an account's callback targets at runtime, as in a provider's portal: the account-wide ones, or
        with ``provider`` that provider's own (``None`` there falls back to the account-wide target)."""
        override = TargetOverride(account=name, provider=provider, status=status, mo=mo)
        account = self._override(override)
        self._state.save_targets(override)
        return account

    def restore_callbacks(self, configured: Account) -> Account:
        """Put back an account's callback targets as ``configured`` has them, each provider's own included."""
        account = self._restore(configured)
        self._state.forget_targets(configured.name)
        return account

    def _override(self, override: TargetOverride) -> Account:
        account = self.account(override.account)
        provider = override.provider
        if provider is None:
            return self._put(replace(account, status_callback=override.status, mo_callback=override.mo))
        if provider not in account.credentials:
            raise InvalidRequest(f"account {account.name!r} has no {provider} credentials", field="provider")
        own = {**account.provider_callbacks, provider: CallbackTargets(status=override.status, mo=override.mo)}
        return self._put(replace(account, provider_callbacks=own))

    def _restore(self, configured: Account) -> Account:
        return self._put(
            replace(
                self.account(configured.name),
                status_callback=configured.status_callback,
                mo_callback=configured.mo_callback,
                provider_callbacks=configured.provider_callbacks,
            )
        )

    def _put(self, account: Account) -> Account:
        self._accounts[account.name] = account
        self._as_seen_by.clear()
        return account

    # -- changes another replica made, applied to this replica's copy (nothing is written) --------------------
    def apply_targets(self, override: TargetOverride) -> None:
        account = self._accounts.get(override.account)
        # The configuration may have changed since: an account or provider no longer there has no targets.
        if account is not None and (override.provider is None or override.provider in account.credentials):
            self._override(override)

    def apply_forgotten_targets(self, account: str) -> None:
        configured = self._configured.get(account)
        if configured is not None:
            self._restore(configured)

    def apply_opt_out(self, opt_out: OptOut) -> None:
        self._opt_outs.setdefault(opt_out.account, {}).setdefault(opt_out.number, opt_out)

    def apply_opt_in(self, account: str, number: str) -> None:
        self._opt_outs.get(account, {}).pop(number, None)

    # -- opt-outs (a handset that replied STOP, or a number added through a provider's API) ----------------
    def opt_out(self, account: str, number: str, *, via: OptOutVia = OptOutVia.MO) -> OptOut:
        """The opt-out in force for ``number`` (an earlier one stays); ``OptOutListFull`` when the list holds
        ``MAX_OPT_OUTS`` numbers already."""
        numbers = self._opt_outs.setdefault(account, {})
        digits = number.lstrip("+")
        kept = numbers.get(digits)
        if kept is None:
            if len(numbers) >= self._max_opt_outs:
                raise OptOutListFull(self._max_opt_outs)
            kept = numbers[digits] = OptOut(account=account, number=digits, at=self._clock.now(), via=via)
            self._state.add_opt_out(kept)
        return kept

    def opt_in(self, account: str, number: str) -> bool:
        digits = number.lstrip("+")
        if self._opt_outs.get(account, {}).pop(digits, None) is None:
            return False
        self._state.remove_opt_out(account, digits)
        return True

    def is_opted_out(self, account: str, number: str) -> bool:
        return number.lstrip("+") in self._opt_outs.get(account, _NONE)

    def opted_out(self, account: str) -> Container[str]:
        """The numbers ``account`` may not send to (E.164 digits)."""
        return self._opt_outs.get(account, _NONE)

    def opt_outs(self, account: str) -> list[OptOut]:
        """``account``'s opt-outs, oldest first."""
        return sorted(self._opt_outs.get(account, {}).values(), key=lambda opt_out: opt_out.at)

    def clear_opt_outs(self) -> None:
        self._opt_outs.clear()
        self._state.clear_opt_outs()
