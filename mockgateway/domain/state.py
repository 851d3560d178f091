"""The gateway's state besides messages and events: what a restart must give back as it was left."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from mockgateway.domain.model import CallbackTarget


class OptOutVia(StrEnum):
    MO = "MO"  #: the handset replied STOP
    API = "API"  #: added through a provider's opt-out API


@dataclass(frozen=True, slots=True, kw_only=True)
class OptOut:
    """A number that asked an account to send it nothing more."""

    account: str
    number: str  #: E.164 digits, no leading '+'
    at: float  #: when it opted out (gateway clock)
    via: OptOutVia = OptOutVia.MO


@dataclass(frozen=True, slots=True, kw_only=True)
class TargetOverride:
    """Callback targets changed at runtime: account-wide (``provider`` None) or one provider's own."""

    account: str
    provider: str | None
    status: CallbackTarget | None
    mo: CallbackTarget | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Grant:
    """An issued OAuth access token and its refresh token."""

    account: str
    access_token: str
    refresh_token: str
    issued_at: float
    expires_at: float
    refresh_expires_at: float
    scope: str
    client: str | None = None  #: the OAuth client the grant was issued to
    refresh_spent: bool = False  #: the refresh token was used (the access token stays good until it expires)

    def kept_until(self) -> float:
        """When neither token is good any more."""
        return max(self.expires_at, self.refresh_expires_at)
