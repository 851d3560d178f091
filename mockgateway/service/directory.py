"""Who the gateway serves: the accounts, their callback targets changed at runtime, and the numbers opted out.

The one owner of that state: the gateway and the engine are given it, and every change goes to the state port,
so a persistent store gives it all back after a restart (``load``).
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping

from mockgateway.clock import Clock
from mockgateway.domain.errors import InvalidRequest
from mockgateway.domain.model import Account, CallbackTarget
from mockgateway.domain.state import OptOut, OptOutVia, TargetOverride
from mockgateway.service.account_book import AccountBook
from mockgateway.service.state_ports import StatePort

_NONE: frozenset[str] = frozenset()


class Directory:
    def __init__(self, accounts: Iterable[Account], state: StatePort, clock: Clock) -> None:
        configured = tuple(accounts)
        self._book = AccountBook(configured)
        self._configured = {account.name: account for account in configured}
        #: (name, provider) -> the account with that provider's own callback targets as its targets. The book's
        #: own method, not a wrapper: the engine asks for every callback it renders.
        self.as_seen_by = self._book.as_seen_by
        #: name -> the account (``NotFound`` when none): the book's own method too, asked twice on every send
        self.account = self._book.get
        self._state = state
        self._clock = clock
        #: account -> number -> its opt-out; read on every send
        self._opt_outs: dict[str, dict[str, OptOut]] = {}

    async def load(self) -> None:
        """Take up what the store kept (after ``Store.open()``): runtime targets, then opt-outs."""
        for override in await self._state.load_targets():
            self.apply_targets(override)
        for opt_out in await self._state.load_opt_outs():
            self.apply_opt_out(opt_out)

    async def reload(self) -> None:
        """Take up again what the store keeps, in place of this replica's copies (which missed changes another
        replica made while this one did not hear of them): runtime targets, then opt-outs."""
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

    async def saved(self) -> None:
        """Wait until every change made so far is kept (before answering a request that made one)."""
        await self._state.flush()

    # -- accounts ---------------------------------------------------------------------------------------
    @property
    def accounts(self) -> Mapping[str, Account]:
        return self._book.all

    def owner_of(self, recipient: str) -> Account:
        """The account that owns the number ``recipient``; the only account, when there is one."""
        accounts = self._book.all
        for account in accounts.values():
            if account.origins is not None and account.owns_origin(recipient):
                return account
        if len(accounts) == 1:
            return next(iter(accounts.values()))
        raise InvalidRequest(f"no account owns the number {recipient!r}; name the account", field="to")

    def set_callbacks(
        self, name: str, *, status: CallbackTarget | None, mo: CallbackTarget | None, provider: str | None = None
    ) -> Account:
        override = TargetOverride(account=name, provider=provider, status=status, mo=mo)
        account = self._book.set_callbacks(override)
        self._state.save_targets(override)
        return account

    def restore_callbacks(self, configured: Account) -> Account:
        account = self._book.restore_callbacks(configured)
        self._state.forget_targets(configured.name)
        return account

    # -- changes another replica made, applied to this replica's copy (nothing is written) --------------------
    def apply_targets(self, override: TargetOverride) -> None:
        account = self._book.all.get(override.account)
        # The configuration may have changed since: an account or provider no longer there has no targets.
        if account is not None and (override.provider is None or override.provider in account.credentials):
            self._book.set_callbacks(override)

    def apply_forgotten_targets(self, account: str) -> None:
        configured = self._configured.get(account)
        if configured is not None:
            self._book.restore_callbacks(configured)

    def apply_opt_out(self, opt_out: OptOut) -> None:
        self._opt_outs.setdefault(opt_out.account, {}).setdefault(opt_out.number, opt_out)

    def apply_opt_in(self, account: str, number: str) -> None:
        self._opt_outs.get(account, {}).pop(number, None)

    def apply_cleared_opt_outs(self) -> None:
        self._opt_outs.clear()

    # -- opt-outs (a handset that replied STOP, or a number added through a provider's API) ----------------
    def opt_out(self, account: str, number: str, *, via: OptOutVia = OptOutVia.MO) -> OptOut:
        """Opt ``number`` out; one already opted out keeps its time and origin. Returns the opt-out in force."""
        numbers = self._opt_outs.setdefault(account, {})
        digits = number.lstrip("+")
        kept = numbers.get(digits)
        if kept is None:
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
        return sorted(self._opt_outs.get(account, {}).values(), key=lambda opt_out: opt_out.at)

    def clear_opt_outs(self) -> None:
        self._opt_outs.clear()
        self._state.clear_opt_outs()
