"""Accounts in the config file: each provider's credential keys, callback targets and owned origins."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mockgateway.domain.durations import is_whole_number, parse_rate
from mockgateway.domain.errors import ConfigError
from mockgateway.domain.limits import NO_LIMITS, Limits
from mockgateway.domain.model import (
    DEFAULT_SERVICE_NUMBER,
    Account,
    CallbackTarget,
    CallbackTargets,
    OAuth2Credentials,
    is_callback_url,
)

#: What each provider section of an account holds, with the type each key must have.
PROVIDER_CREDENTIALS: dict[str, dict[str, type]] = {
    "livelink": {"app_key": str, "app_secret": str, "client_id": int},
    "textapp": {"login": str, "password": str},
    "mobivate": {"api_key": str},
    "smsmode": {"access_token": str, "api_key": str},
}
#: Keys a provider section may add, all of them or none (smsmode's older login by account name and password).
OPTIONAL_CREDENTIALS: dict[str, dict[str, type]] = {"smsmode": {"pseudo": str, "pass": str}}
#: The credential a client logs in with; two accounts sharing one could not be told apart.
LOGIN_KEYS = {"livelink": "app_key", "textapp": "login", "mobivate": "api_key", "smsmode": "access_token"}
_OTHER_LOGINS = (("smsmode", "pseudo"),)
DEMO_ACCOUNT = Account(
    name="demo",
    credentials={
        "livelink": {"app_key": "demo-app-key", "app_secret": "demo-app-secret", "client_id": 12345},
        "textapp": {"login": "demo-login", "password": "demo-password"},
        "mobivate": {"api_key": "demo-mobivate-key"},
        "smsmode": {
            "access_token": "demo-smsmode1",
            "api_key": "demo-smsmode-api-key",
            "pseudo": "demo",
            "pass": "demo-smsmode-pass",
        },
    },
)

_TARGET_KEYS = {"status_callback_url", "mo_callback_url"}
_ACCOUNT_KEYS = {"name", "origins", "callback_oauth2", "service_number", "limits"} | _TARGET_KEYS
_LIMIT_KEYS = {"send_rate", "max_messages"}
_SERVICE_NUMBER = re.compile(r"^\+?[0-9]{3,15}$")


def parse_accounts(path: Path, raw: object) -> tuple[Account, ...]:
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"{path}: accounts: must be a non-empty list")
    accounts = tuple(_account(path, f"accounts[{i}]", item) for i, item in enumerate(raw))
    names: dict[str, int] = {}
    logins: dict[tuple[str, object], str] = {}
    for i, account in enumerate(accounts):
        if account.name in names:
            raise ConfigError(f"{path}: accounts[{i}].name: duplicate account name {account.name!r}")
        names[account.name] = i
        for provider, key in (*LOGIN_KEYS.items(), *_OTHER_LOGINS):
            if key in account.credentials.get(provider, {}):
                login = (provider, account.credentials[provider][key])
                if login in logins:
                    raise ConfigError(
                        f"{path}: accounts[{i}].{provider}.{key}: {login[1]!r} is already used by {logins[login]!r}"
                    )
                logins[login] = account.name
    return accounts


def _account(path: Path, where: str, raw: object) -> Account:
    item = mapping(path, where, raw, _ACCOUNT_KEYS | set(PROVIDER_CREDENTIALS))
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{path}: {where}.name: required, a non-empty string")
    credentials = {
        provider: _credentials(path, f"{where}.{provider}", provider, item[provider])
        for provider in PROVIDER_CREDENTIALS
        if provider in item
    }
    if not credentials:
        needed = " or ".join(sorted(PROVIDER_CREDENTIALS))
        raise ConfigError(f"{path}: {where}: account {name!r} needs credentials for a provider ({needed})")
    oauth2 = _oauth2(path, f"{where}.callback_oauth2", item.get("callback_oauth2"))
    origins = item.get("origins")
    if origins is not None and not (isinstance(origins, list) and all(_is_origin(o) for o in origins)):
        raise ConfigError(f"{path}: {where}.origins: must be a list of strings")
    provider_callbacks = {
        provider: _targets(path, f"{where}.{provider}", item[provider], oauth2)
        for provider in credentials
        if _TARGET_KEYS & set(item[provider])
    }
    targets = _targets(path, where, item, oauth2)
    return Account(
        name=name,
        credentials=credentials,
        status_callback=targets.status,
        mo_callback=targets.mo,
        origins=None if origins is None else tuple(str(o) for o in origins),
        provider_callbacks=provider_callbacks,
        service_number=_service_number(path, f"{where}.service_number", item.get("service_number")),
        limits=parse_limits(path, f"{where}.limits", item.get("limits")),
    )


def parse_limits(path: Path, where: str, raw: object) -> Limits:
    """``{send_rate: 50/s, max_messages: 100000}``; either may be left out."""
    if raw is None:
        return NO_LIMITS
    item = mapping(path, where, raw, _LIMIT_KEYS)
    send_rate = None
    if item.get("send_rate") is not None:
        try:
            send_rate = parse_rate(item["send_rate"])
        except ValueError as error:
            raise ConfigError(f"{path}: {where}.send_rate: {error}") from None
    cap = item.get("max_messages")
    if cap is not None and (not isinstance(cap, int) or isinstance(cap, bool) or cap < 1):
        raise ConfigError(f"{path}: {where}.max_messages: must be a whole number of at least 1, got {cap!r}")
    return Limits(send_rate=send_rate, max_messages=cap)


def _targets(path: Path, where: str, section: dict[str, Any], oauth2: OAuth2Credentials | None) -> CallbackTargets:
    """The ``status_callback_url`` and ``mo_callback_url`` of an account, or of one of its provider sections."""
    return CallbackTargets(
        status=_target(path, f"{where}.status_callback_url", section.get("status_callback_url"), oauth2),
        mo=_target(path, f"{where}.mo_callback_url", section.get("mo_callback_url"), oauth2),
    )


def _service_number(path: Path, where: str, raw: object) -> str:
    if raw is None:
        return DEFAULT_SERVICE_NUMBER
    text = str(raw).strip() if isinstance(raw, str | int) and not isinstance(raw, bool) else ""
    if not _SERVICE_NUMBER.match(text):
        raise ConfigError(f"{path}: {where}: must be a phone number or short code (3 to 15 digits), got {raw!r}")
    return text.lstrip("+")


def _is_origin(value: object) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip() != ""


def _credentials(path: Path, where: str, provider: str, raw: object) -> dict[str, Any]:
    schema = PROVIDER_CREDENTIALS[provider]
    optional = OPTIONAL_CREDENTIALS.get(provider, {})
    section = mapping(path, where, raw, set(schema) | set(optional) | _TARGET_KEYS)
    if any(key in section for key in optional):
        schema = schema | optional
    values: dict[str, Any] = {}
    for key, kind in schema.items():
        value = section.get(key)
        if value is None:
            together = f" (with {', '.join(k for k in optional if k != key)})" if key in optional else ""
            raise ConfigError(f"{path}: {where}.{key}: required{together}")
        if kind is int and isinstance(value, str) and is_whole_number(value.strip()):
            value = int(value)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ConfigError(f"{path}: {where}.{key}: must be {'a number' if kind is int else 'a string'}")
        values[key] = value
    return values


def _oauth2(path: Path, where: str, raw: object) -> OAuth2Credentials | None:
    if raw is None:
        return None
    keys = ("client_id", "client_secret", "token_url")
    item = mapping(path, where, raw, set(keys))
    for key in keys:
        if not isinstance(item.get(key), str):
            raise ConfigError(f"{path}: {where}.{key}: required, a string")
    _url(path, f"{where}.token_url", item["token_url"])
    return OAuth2Credentials(**{key: item[key] for key in keys})


def _target(path: Path, where: str, raw: object, oauth2: OAuth2Credentials | None) -> CallbackTarget | None:
    return None if raw is None else CallbackTarget(url=_url(path, where, raw), oauth2=oauth2)


def _url(path: Path, where: str, raw: object) -> str:
    if not is_callback_url(raw):
        raise ConfigError(f"{path}: {where}: must be an http(s) URL with a host, got {raw!r}")
    return str(raw)


def mapping(path: Path, where: str, raw: object, allowed: set[str]) -> dict[str, Any]:
    """``raw`` as a mapping with only ``allowed`` keys."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: {where}: must be a mapping")
    reject_unknown(path, where, raw, allowed)
    return raw


def reject_unknown(path: Path, where: str, item: Mapping[str, Any], allowed: set[str]) -> None:
    for key in item:
        if key not in allowed:
            prefix = f"{where}." if where else ""
            raise ConfigError(f"{path}: {prefix}{key}: unknown key (expected one of {', '.join(sorted(allowed))})")
