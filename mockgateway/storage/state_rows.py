"""The state values as SQLite rows, and back: one converter pair per value."""

from __future__ import annotations

from typing import Any

import msgspec

from mockgateway.domain.model import CallbackTarget
from mockgateway.domain.state import Grant, OptOut, OptOutVia, TargetOverride

OPT_OUT_COLUMNS = ("account", "number", "at", "via")
TARGET_COLUMNS = ("account", "provider", "status", "mo")
GRANT_COLUMNS = (
    "access_token", "refresh_token", "account", "scope", "client", "issued_at", "expires_at", "refresh_expires_at",
    "refresh_spent",
)  # fmt: skip
#: The key of an account-wide override: a column of a primary key cannot be NULL.
_ACCOUNT_WIDE = ""
#: A target's column: JSON ``{"url": ..., "oauth2": {...} or null}``, as msgspec writes the struct.
_encode = msgspec.json.Encoder().encode
_decode_target = msgspec.json.Decoder(CallbackTarget).decode


def opt_out_to_row(opt_out: OptOut) -> tuple[Any, ...]:
    return (opt_out.account, opt_out.number, opt_out.at, opt_out.via.value)


def row_to_opt_out(row: tuple[Any, ...]) -> OptOut:
    account, number, at, via = row
    return OptOut(account=account, number=number, at=float(at), via=OptOutVia(via))


def override_to_row(override: TargetOverride) -> tuple[Any, ...]:
    provider = _ACCOUNT_WIDE if override.provider is None else override.provider
    return (override.account, provider, _target_json(override.status), _target_json(override.mo))


def row_to_override(row: tuple[Any, ...]) -> TargetOverride:
    account, provider, status, mo = row
    return TargetOverride(
        account=account,
        provider=None if provider == _ACCOUNT_WIDE else provider,
        status=_json_target(status),
        mo=_json_target(mo),
    )


def grant_to_row(grant: Grant) -> tuple[Any, ...]:
    return (
        grant.access_token, grant.refresh_token, grant.account, grant.scope, grant.client, grant.issued_at,
        grant.expires_at, grant.refresh_expires_at, int(grant.refresh_spent),
    )  # fmt: skip


def row_to_grant(row: tuple[Any, ...]) -> Grant:
    grant = dict(zip(GRANT_COLUMNS, row, strict=True))
    grant.update(
        {column: float(grant[column]) for column in ("issued_at", "expires_at", "refresh_expires_at")},
        refresh_spent=bool(grant["refresh_spent"]),
    )
    return Grant(**grant)


def _target_json(target: CallbackTarget | None) -> str | None:
    return None if target is None else _encode(target).decode()


def _json_target(text: str | None) -> CallbackTarget | None:
    return None if text is None else _decode_target(text)
