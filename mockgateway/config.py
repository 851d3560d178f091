"""Settings: embedded defaults < config file < ``MOCKGATEWAY_*`` environment < CLI flags; validated once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import yaml

from mockgateway.domain.durations import parse_duration
from mockgateway.domain.errors import ConfigError
from mockgateway.domain.model import Account, CallbackTarget, OAuth2Credentials

ENV_PREFIX = "MOCKGATEWAY_"

#: What each provider section of an account holds, with the type each key must have.
PROVIDER_CREDENTIALS: dict[str, dict[str, type]] = {
    "livelink": {"app_key": str, "app_secret": str, "client_id": int},
    "textapp": {"login": str, "password": str},
    "mobivate": {"api_key": str},
    "smsmode": {"access_token": str, "api_key": str},
}
#: The credential a client logs in with; two accounts sharing one could not be told apart.
LOGIN_KEYS = {"livelink": "app_key", "textapp": "login", "mobivate": "api_key", "smsmode": "access_token"}
STATUS_LIST_KEYS = ("SAPNotification", "sapnotification")
#: Demo messages per second; more would be a load test, which the demo is not.
MAX_DEMO_RATE = 1000.0

DEMO_ACCOUNT = Account(
    name="demo",
    credentials={
        "livelink": {"app_key": "demo-app-key", "app_secret": "demo-app-secret", "client_id": 12345},
        "textapp": {"login": "demo-login", "password": "demo-password"},
        "mobivate": {"api_key": "demo-mobivate-key"},
        "smsmode": {"access_token": "demo-smsmode1", "api_key": "demo-smsmode-api-key"},
    },
)

_ACCOUNT_KEYS = {"name", "status_callback_url", "mo_callback_url", "origins", "callback_oauth2"}
_TOP_KEYS = {"accounts", "oauth", "retention", "livelink", "callbacks"}
_OAUTH_KEYS = {"access_token_ttl", "refresh_token_ttl"}
_LIVELINK_KEYS = {"status_list_key"}

Source = Literal["env", "flag", "setting"]


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
    demo: bool = False  #: generate demo traffic
    demo_rate: float = 1.0  #: demo messages per second
    accounts: tuple[Account, ...] = (DEMO_ACCOUNT,)
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str], flags: Mapping[str, object] | None = None) -> Settings:
        """Defaults, then the config file, then ``MOCKGATEWAY_<NAME>`` variables, then ``flags``.

        Variables carry the flags' names (``MOCKGATEWAY_PORT`` is ``--port``); ``None`` flags are not given.
        """
        env = {
            key[len(ENV_PREFIX) :].lower(): raw for key, raw in environ.items() if key.startswith(ENV_PREFIX) and raw
        }
        given = {name: raw for name, raw in (flags or {}).items() if raw is not None}
        # The file is read first whichever layer names it, so variables and flags win over its values.
        config = given.pop("config", env.pop("config", None))
        settings = cls() if config is None else cls().with_overrides({"config": config})
        return settings.with_overrides(env, source="env").with_overrides(given, source="flag")

    def with_overrides(self, values: Mapping[str, object], *, source: Source = "setting") -> Settings:
        """Apply flag-style values (``port``, ``config``, ``seed``...); ``None`` values are skipped.

        A ``config`` file is read before the other values are applied, so they win over it.
        """
        changes: dict[str, Any] = {}
        for name, raw in values.items():
            if raw is not None:
                changes.update(_override(name, raw, _label(name, source)))
        path = changes.pop("config_path", None)
        base = self if path is None else load_config_file(self, path)
        settings = replace(base, **changes)
        settings.validate()
        return settings

    def validate(self) -> None:
        if self.clock not in ("real", "virtual"):
            raise ConfigError(f"clock: {self.clock!r} is not one of real, virtual")
        if not (self.store == "memory" or self.store.startswith("sqlite:")):
            raise ConfigError(f"store: {self.store!r} is not 'memory' or 'sqlite:PATH'")
        if not 0 <= self.port <= 65535:
            raise ConfigError(f"port: {self.port} is out of range 0-65535")
        if not 0 < self.demo_rate <= MAX_DEMO_RATE:
            raise ConfigError(f"demo_rate: {self.demo_rate:g} is not between 0 and {MAX_DEMO_RATE:g} per second")
        for name in ("retention_s", "access_token_ttl_s", "refresh_token_ttl_s"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name.removesuffix('_s')}: must be longer than zero")


def _label(name: str, source: Source) -> str:
    """How the person who wrote a value knows it, for error messages."""
    if source == "env":
        return ENV_PREFIX + name.upper()
    if source == "flag":
        return "--" + name.replace("_", "-")
    return name


def _override(name: str, raw: object, label: str) -> dict[str, Any]:
    text = str(raw).strip()
    match name:
        case "host":
            return {"host": text}
        case "port":
            port = _integer(text, label)
            if not 0 <= port <= 65535:
                raise ConfigError(f"{label}: {port} is out of range 0-65535")
            return {"port": port}
        case "seed":
            return {"seed": _integer(text, label)}
        case "clock":
            return {"clock": _choice(text, ("real", "virtual"), label)}
        case "store":
            if not (text == "memory" or (text.startswith("sqlite:") and len(text) > len("sqlite:"))):
                raise ConfigError(f"{label}: {text!r} is not 'memory' or 'sqlite:PATH'")
            return {"store": text}
        case "config":
            return {"config_path": Path(text)}
        case "scenarios":
            return {"scenarios_dir": Path(text)}
        case "retention" | "access_token_ttl" | "refresh_token_ttl":
            return {f"{name}_s": _duration(label, raw)}
        case "status_list_key":
            return {"status_list_key": _choice(text, STATUS_LIST_KEYS, label)}
        case "demo":
            return {"demo": _boolean(raw, label)}
        case "demo_rate":
            return {"demo_rate": _rate(text, label)}
        case _:
            # Unrelated MOCKGATEWAY_* variables (e.g. a test plugin's) are not ours to refuse.
            return {}


def _integer(text: str, label: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ConfigError(f"{label}: {text!r} is not a whole number") from None


def _boolean(raw: object, label: str) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{label}: {raw!r} is not one of true, false (or 1, 0, yes, no, on, off)")


def _rate(text: str, label: str) -> float:
    """Messages per second: ``5``, ``5/s``, ``30/m`` or ``600/h``."""
    number, _, unit = text.replace(" ", "").partition("/")
    per = {"": 1.0, "s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0}.get(unit)
    try:
        rate = float(number) / per if per is not None else float("nan")
    except ValueError:
        rate = float("nan")
    if not 0 < rate <= MAX_DEMO_RATE:  # also refuses nan
        raise ConfigError(f"{label}: {text!r} is not a rate such as 2, 2/s or 30/m (at most {MAX_DEMO_RATE:g}/s)")
    return rate


def _choice(text: str, choices: tuple[str, ...], label: str) -> str:
    if text not in choices:
        raise ConfigError(f"{label}: {text!r} is not one of {', '.join(choices)}")
    return text


def load_config_file(base: Settings, path: Path) -> Settings:
    """Read accounts and options from a YAML file; every problem names the file and the key."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: not UTF-8 text: {error}") from error
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
    _reject_unknown(path, "oauth", oauth, _OAUTH_KEYS)
    for key in sorted(_OAUTH_KEYS & set(oauth)):
        changes[f"{key}_s"] = _duration(f"{path}: oauth.{key}", oauth[key])
    if "retention" in document:
        changes["retention_s"] = _duration(f"{path}: retention", document["retention"])
    livelink = _mapping(path, "livelink", document.get("livelink", {}))
    _reject_unknown(path, "livelink", livelink, _LIVELINK_KEYS)
    if "status_list_key" in livelink:
        if livelink["status_list_key"] not in STATUS_LIST_KEYS:
            raise ConfigError(f"{path}: livelink.status_list_key: must be one of {', '.join(STATUS_LIST_KEYS)}")
        changes["status_list_key"] = livelink["status_list_key"]
    changes["extra"] = {k: v for k, v in document.items() if k in ("callbacks",)}
    return replace(base, **changes)


def _accounts(path: Path, raw: object) -> tuple[Account, ...]:
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"{path}: accounts: must be a non-empty list")
    accounts = tuple(_account(path, f"accounts[{i}]", item) for i, item in enumerate(raw))
    names: dict[str, int] = {}
    logins: dict[tuple[str, object], str] = {}
    for i, account in enumerate(accounts):
        if account.name in names:
            raise ConfigError(f"{path}: accounts[{i}].name: duplicate account name {account.name!r}")
        names[account.name] = i
        for provider, key in LOGIN_KEYS.items():
            if provider in account.credentials:
                login = (provider, account.credentials[provider][key])
                if login in logins:
                    raise ConfigError(
                        f"{path}: accounts[{i}].{provider}.{key}: {login[1]!r} is already used by {logins[login]!r}"
                    )
                logins[login] = account.name
    return accounts


def _account(path: Path, where: str, raw: object) -> Account:
    item = _mapping(path, where, raw)
    _reject_unknown(path, where, item, _ACCOUNT_KEYS | set(PROVIDER_CREDENTIALS))
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
    return Account(
        name=name,
        credentials=credentials,
        status_callback=_target(path, f"{where}.status_callback_url", item.get("status_callback_url"), oauth2),
        mo_callback=_target(path, f"{where}.mo_callback_url", item.get("mo_callback_url"), oauth2),
        origins=None if origins is None else tuple(str(o) for o in origins),
    )


def _is_origin(value: object) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip() != ""


def _credentials(path: Path, where: str, provider: str, raw: object) -> dict[str, Any]:
    section = _mapping(path, where, raw)
    schema = PROVIDER_CREDENTIALS[provider]
    _reject_unknown(path, where, section, set(schema))
    values: dict[str, Any] = {}
    for key, kind in schema.items():
        value = section.get(key)
        if value is None:
            raise ConfigError(f"{path}: {where}.{key}: required")
        if kind is int and isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ConfigError(f"{path}: {where}.{key}: must be {'a number' if kind is int else 'a string'}")
        values[key] = value
    return values


def _oauth2(path: Path, where: str, raw: object) -> OAuth2Credentials | None:
    if raw is None:
        return None
    item = _mapping(path, where, raw)
    keys = ("client_id", "client_secret", "token_url")
    _reject_unknown(path, where, item, set(keys))
    for key in keys:
        if not isinstance(item.get(key), str):
            raise ConfigError(f"{path}: {where}.{key}: required, a string")
    _url(path, f"{where}.token_url", item["token_url"])
    return OAuth2Credentials(item["client_id"], item["client_secret"], item["token_url"])


def _target(path: Path, where: str, raw: object, oauth2: OAuth2Credentials | None) -> CallbackTarget | None:
    return None if raw is None else CallbackTarget(_url(path, where, raw), oauth2)


def _url(path: Path, where: str, raw: object) -> str:
    try:
        parts = urlsplit(raw) if isinstance(raw, str) else None
        valid = parts is not None and parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != -1
    except ValueError:  # e.g. a bad port or an unclosed IPv6 bracket
        valid = False
    if not valid:
        raise ConfigError(f"{path}: {where}: must be an http(s) URL with a host, got {raw!r}")
    return str(raw)


def _mapping(path: Path, where: str, raw: object) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: {where}: must be a mapping")
    return raw


def _duration(where: str, raw: object) -> float:
    try:
        seconds = parse_duration(raw)
    except ValueError as error:
        raise ConfigError(f"{where}: {error}") from error
    if seconds <= 0:
        raise ConfigError(f"{where}: must be longer than zero")
    return seconds


def _reject_unknown(path: Path, where: str, item: Mapping[str, Any], allowed: set[str]) -> None:
    for key in item:
        if key not in allowed:
            prefix = f"{where}." if where else ""
            raise ConfigError(f"{path}: {prefix}{key}: unknown key (expected one of {', '.join(sorted(allowed))})")
