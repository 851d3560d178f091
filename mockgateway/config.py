"""Settings: embedded defaults, then ``MOCKGATEWAY_*`` environment, then CLI flags; validated once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from mockgateway.domain.durations import parse_duration
from mockgateway.domain.errors import ConfigError
from mockgateway.domain.model import Account, CallbackTarget, OAuth2Credentials

#: What each provider section of an account holds, with the type each key must have.
PROVIDER_CREDENTIALS: dict[str, dict[str, type]] = {
    "livelink": {"app_key": str, "app_secret": str, "client_id": int},
}

DEMO_ACCOUNT = Account(
    name="demo",
    credentials={"livelink": {"app_key": "demo-app-key", "app_secret": "demo-app-secret", "client_id": 12345}},
)

_ACCOUNT_KEYS = {"name", "status_callback_url", "mo_callback_url", "origins", "callback_oauth2"}
_TOP_KEYS = {"accounts", "oauth", "retention", "livelink", "callbacks"}


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    config_path: Path | None = None
    scenarios_dir: Path | None = None  #: None: the shipped scenario library
    seed: int | None = None
    clock: str = "real"  #: "real" or "virtual"
    store: str = "memory"  #: "memory" or "sqlite:PATH"
    retention_s: float = 72 * 3600
    access_token_ttl_s: float = 45 * 60
    refresh_token_ttl_s: float = 60 * 60
    status_list_key: str = "SAPNotification"
    accounts: tuple[Account, ...] = (DEMO_ACCOUNT,)
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Defaults overridden by ``MOCKGATEWAY_<NAME>`` variables (same names as the CLI flags)."""
        values: dict[str, str] = {}
        for key, raw in environ.items():
            if key.startswith("MOCKGATEWAY_") and raw != "":
                values[key.removeprefix("MOCKGATEWAY_").lower()] = raw
        return cls().with_overrides(values)

    def with_overrides(self, values: Mapping[str, object]) -> Settings:
        """Apply flag-style overrides (``port``, ``config``, ``seed``...); ``None`` values are skipped."""
        changes: dict[str, Any] = {}
        for name, raw in values.items():
            if raw is not None:
                changes.update(_override(name, raw))
        settings = replace(self, **changes)
        settings.validate()
        if "config_path" in changes and settings.config_path is not None:
            settings = settings.load_file(settings.config_path)
        return settings

    def validate(self) -> None:
        if self.clock not in ("real", "virtual"):
            raise ConfigError(f"clock: {self.clock!r} is not one of real, virtual")
        if not (self.store == "memory" or self.store.startswith("sqlite:")):
            raise ConfigError(f"store: {self.store!r} is not 'memory' or 'sqlite:PATH'")
        if not 0 <= self.port <= 65535:
            raise ConfigError(f"port: {self.port} is out of range")

    def load_file(self, path: Path) -> Settings:
        return load_config_file(self, path)


def _override(name: str, raw: object) -> dict[str, Any]:
    try:
        match name:
            case "host" | "clock" | "store":
                return {name: str(raw)}
            case "port":
                return {"port": int(str(raw))}
            case "seed":
                return {"seed": int(str(raw))}
            case "config":
                return {"config_path": Path(str(raw))}
            case "scenarios":
                return {"scenarios_dir": Path(str(raw))}
            case "retention":
                return {"retention_s": parse_duration(raw)}
            case "access_token_ttl" | "refresh_token_ttl":
                return {f"{name}_s": parse_duration(raw)}
            case "status_list_key":
                return {"status_list_key": str(raw)}
            case _:
                return {}
    except ValueError as error:
        raise ConfigError(f"{name}: {error}") from error


def load_config_file(base: Settings, path: Path) -> Settings:
    """Read accounts and options from a YAML file; every problem names the file and the key."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from error
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from error
    if document is None:
        document = {}
    if not isinstance(document, dict):
        raise ConfigError(f"{path}: the top level must be a mapping with an 'accounts' list")
    _reject_unknown(path, "", document, _TOP_KEYS)
    changes: dict[str, Any] = {"config_path": path}
    if "accounts" in document:
        changes["accounts"] = _accounts(path, document["accounts"])
    oauth = _mapping(path, "oauth", document.get("oauth", {}))
    for key in ("access_token_ttl", "refresh_token_ttl"):
        if key in oauth:
            changes[f"{key}_s"] = _duration(path, f"oauth.{key}", oauth[key])
    if "retention" in document:
        changes["retention_s"] = _duration(path, "retention", document["retention"])
    livelink = _mapping(path, "livelink", document.get("livelink", {}))
    if "status_list_key" in livelink:
        if livelink["status_list_key"] not in ("SAPNotification", "sapnotification"):
            raise ConfigError(f"{path}: livelink.status_list_key: must be SAPNotification or sapnotification")
        changes["status_list_key"] = livelink["status_list_key"]
    changes["extra"] = {k: v for k, v in document.items() if k in ("callbacks",)}
    return replace(base, **changes)


def _accounts(path: Path, raw: object) -> tuple[Account, ...]:
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"{path}: accounts: must be a non-empty list")
    accounts = tuple(_account(path, f"accounts[{i}]", item) for i, item in enumerate(raw))
    names = [a.name for a in accounts]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise ConfigError(f"{path}: accounts[{i}].name: duplicate account name {name!r}")
    return accounts


def _account(path: Path, where: str, raw: object) -> Account:
    item = _mapping(path, where, raw)
    _reject_unknown(path, where, item, _ACCOUNT_KEYS | set(PROVIDER_CREDENTIALS))
    name = item.get("name")
    if not isinstance(name, str) or not name:
        raise ConfigError(f"{path}: {where}.name: required, a non-empty string")
    credentials = {
        provider: _credentials(path, f"{where}.{provider}", provider, item[provider])
        for provider in PROVIDER_CREDENTIALS
        if provider in item
    }
    oauth2 = _oauth2(path, f"{where}.callback_oauth2", item.get("callback_oauth2"))
    origins = item.get("origins")
    if origins is not None and (not isinstance(origins, list) or not all(isinstance(o, str | int) for o in origins)):
        raise ConfigError(f"{path}: {where}.origins: must be a list of strings")
    return Account(
        name=name,
        credentials=credentials,
        status_callback=_target(path, f"{where}.status_callback_url", item.get("status_callback_url"), oauth2),
        mo_callback=_target(path, f"{where}.mo_callback_url", item.get("mo_callback_url"), oauth2),
        origins=None if origins is None else tuple(str(o) for o in origins),
    )


def _credentials(path: Path, where: str, provider: str, raw: object) -> dict[str, Any]:
    section = _mapping(path, where, raw)
    schema = PROVIDER_CREDENTIALS[provider]
    _reject_unknown(path, where, section, set(schema))
    for key, kind in schema.items():
        value = section.get(key)
        if value is None:
            raise ConfigError(f"{path}: {where}.{key}: required")
        if kind is int and isinstance(value, str) and value.isdigit():
            section[key] = int(value)
        elif not isinstance(value, kind) or isinstance(value, bool):
            raise ConfigError(f"{path}: {where}.{key}: must be {'a number' if kind is int else 'a string'}")
    return dict(section)


def _oauth2(path: Path, where: str, raw: object) -> OAuth2Credentials | None:
    if raw is None:
        return None
    item = _mapping(path, where, raw)
    keys = ("client_id", "client_secret", "token_url")
    _reject_unknown(path, where, item, set(keys))
    for key in keys:
        if not isinstance(item.get(key), str):
            raise ConfigError(f"{path}: {where}.{key}: required, a string")
    return OAuth2Credentials(item["client_id"], item["client_secret"], item["token_url"])


def _target(path: Path, where: str, raw: object, oauth2: OAuth2Credentials | None) -> CallbackTarget | None:
    if raw is None:
        return None
    if not isinstance(raw, str) or not raw.startswith(("http://", "https://")):
        raise ConfigError(f"{path}: {where}: must be an http(s) URL")
    return CallbackTarget(raw, oauth2)


def _mapping(path: Path, where: str, raw: object) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: {where}: must be a mapping")
    return raw


def _duration(path: Path, where: str, raw: object) -> float:
    try:
        return parse_duration(raw)
    except ValueError as error:
        raise ConfigError(f"{path}: {where}: {error}") from error


def _reject_unknown(path: Path, where: str, item: Mapping[str, Any], allowed: set[str]) -> None:
    for key in item:
        if key not in allowed:
            prefix = f"{where}." if where else ""
            raise ConfigError(f"{path}: {prefix}{key}: unknown key (expected one of {', '.join(sorted(allowed))})")
