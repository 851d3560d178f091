"""Settings: embedded defaults < config file < ``MOCKGATEWAY_*`` environment < CLI flags; validated once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from mockgateway.accounts import DEMO_ACCOUNT, mapping, parse_accounts, parse_limits, reject_unknown
from mockgateway.config_values import (
    ENV_PREFIX,
    MAX_DEMO_RATE,
    RULES,
    STATUS_LIST_KEYS,
    Source,
    checked,
    duration_setting,
    setting_change,
    setting_label,
)
from mockgateway.domain.errors import ConfigError
from mockgateway.domain.model import Account

__all__ = ["DEMO_ACCOUNT", "ConfigError", "Settings", "load_config_file"]

#: Where a seeded run's virtual clock starts unless told otherwise: 2026-01-01T00:00:00Z, so runs replay exactly.
REPLAY_START = 1_767_225_600.0

_TOP_KEYS = {
    "accounts", "oauth", "retention", "livelink", "callbacks", "limits", "server", "store", "redis_prefix",
    "takeover_after",
}  # fmt: skip
_SERVER_KEYS = {"max_connections", "client_timeout", "max_header_size", "workers"}
#: The smallest header line limit: a request line and the usual headers must still fit.
MIN_HEADER_SIZE = 1024
_OAUTH_KEYS = {"access_token_ttl", "refresh_token_ttl"}
_LIVELINK_KEYS = {"status_list_key"}


#: The settings that are lengths of time, in the order ``Settings.validate`` names the first one found wrong.
DURATIONS = ("retention_s", "access_token_ttl_s", "refresh_token_ttl_s", "client_timeout_s", "takeover_after_s")


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    config_path: Path | None = None
    scenarios_dir: Path | None = None  #: None: the shipped scenario library
    seed: int | None = None
    clock: str = "real"  #: "real" or "virtual"
    store: str = "memory"  #: "memory", "sqlite:PATH" or "redis://HOST:PORT/DB"
    redis_prefix: str = "mockgateway:"  #: the Redis store's keys all start with it
    retention_s: float = 72 * 3600
    #: On a shared store: how long after a process stops beating another takes its pending callbacks over.
    takeover_after_s: float = 10.0
    access_token_ttl_s: float = 45 * 60
    refresh_token_ttl_s: float = 60 * 60
    status_list_key: str = "SAPNotification"
    demo: bool = False  #: generate demo traffic
    demo_rate: float = 1.0  #: demo messages per second
    start_time: float | None = None  #: where the virtual clock starts, epoch seconds; None: see ``clock_start``
    tls: bool = False  #: serve HTTPS with a certificate made at start-up (unless ``tls_cert`` is given)
    tls_cert: Path | None = None  #: the server's own certificate chain (PEM); serves HTTPS with ``tls_key``
    tls_key: Path | None = None
    tls_ca_out: Path | None = None  #: where the made-up certificate authority is written (default: a temp dir)
    accounts: tuple[Account, ...] = (DEMO_ACCOUNT,)
    extra: Mapping[str, Any] = field(default_factory=dict)
    sandbox: bool = False  #: refuse callbacks to internal addresses (also on with ``callbacks.allow_networks``)
    #: Bearer token the admin API and web UI ask for; None leaves them open. Kept out of repr, hence of logs.
    admin_token: str | None = field(default=None, repr=False)
    max_connections: int = 1000  #: open connections at once; more are answered 503 and closed
    client_timeout_s: float = 60.0  #: to send a request head, a body, or the next request on an idle connection
    max_header_size: int = 8190  #: bytes in the request line or one header line; longer is answered 431
    #: Worker processes serving one port under a supervising parent; None serves in this process alone.
    workers: int | None = None

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
        settings = settings.with_overrides(env, source="env").with_overrides(given, source="flag")
        settings.validate_together()
        return settings

    def with_overrides(self, values: Mapping[str, object], *, source: Source = "setting") -> Settings:
        """Apply flag-style values (``port``, ``config``, ``seed``...); ``None`` values are skipped.

        A ``config`` file is read before the other values are applied, so they win over it.
        """
        changes: dict[str, Any] = {}
        for name, raw in values.items():
            if raw is not None:
                changes.update(setting_change(name, raw, setting_label(name, source)))
        path = changes.pop("config_path", None)
        base = self if path is None else load_config_file(self, path)
        settings = replace(base, **changes)
        settings.validate()
        return settings

    def validate(self) -> None:
        for name in RULES:
            checked(name, getattr(self, name), name)
        if not self.redis_prefix:
            raise ConfigError("redis_prefix: must not be empty")
        if not 0 < self.demo_rate <= MAX_DEMO_RATE:
            raise ConfigError(f"demo_rate: {self.demo_rate:g} is not between 0 and {MAX_DEMO_RATE:g} per second")
        if self.max_connections < 1:
            raise ConfigError(f"max_connections: {self.max_connections} is not a whole number above zero")
        if self.max_header_size < MIN_HEADER_SIZE:
            raise ConfigError(f"max_header_size: {self.max_header_size} is less than {MIN_HEADER_SIZE} bytes")
        for name in DURATIONS:
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name.removesuffix('_s')}: must be longer than zero")

    def validate_together(self) -> None:
        """Settings that only make sense together; checked once every layer is applied, as one may name each."""
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ConfigError("tls_cert and tls_key: give both, the certificate chain and its private key")
        if self.tls_ca_out is not None and (not self.tls or self.tls_cert is not None):
            raise ConfigError("tls_ca_out: only with tls and no tls_cert: it receives the authority tls makes")
        if self.start_time is not None and self.clock != "virtual":
            raise ConfigError("start_time: only the virtual clock can start at a chosen time (--clock virtual)")
        if self.workers is not None and (problem := workers_problem(self)) is not None:
            raise ConfigError(f"workers: {problem}")

    def clock_start(self) -> float | None:
        """Where the virtual clock starts: ``start_time``, else a fixed instant for a seeded run; None: now."""
        if self.start_time is not None:
            return self.start_time
        return REPLAY_START if self.seed is not None else None


def is_shared_store(store: str) -> bool:
    """Whether every process given ``store`` sees the same state: a server they all reach, not one of their own."""
    return store.startswith(("redis://", "rediss://"))


def workers_problem(settings: Settings) -> str | None:
    """Why ``settings.workers`` processes cannot serve together, or None when they can."""
    count = settings.workers or 1
    if count > 1 and not is_shared_store(settings.store):
        if settings.store.startswith("sqlite:"):
            why = "SQLite lets one process write its file at a time, and each would plan and deliver on its own"
        else:
            why = "each process would keep its own messages in memory, unknown to the others"
        return f"{count} worker processes need a store they share: {why}; use --store redis://HOST:PORT/DB"
    if settings.tls and settings.tls_cert is None:
        return "--tls makes a certificate authority per process; give the workers --tls-cert and --tls-key"
    return None


#: How a YAML value that should have been a string is named in an error; a scalar is shown as it was read.
_YAML_KINDS = {type(None): "null", list: "a list", dict: "a mapping"}


def _yaml_problem(error: yaml.YAMLError) -> str:
    """The parser's problem and where, as ``line L, column C: problem``, without its echo of the text."""
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None)
    if mark is None or problem is None:
        return str(error)
    return f"line {mark.line + 1}, column {mark.column + 1}: {problem}"


def load_config_file(base: Settings, path: Path) -> Settings:
    """Read accounts and options from a YAML file; every problem names the file and the key."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: not UTF-8 text: {error}") from error
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {_yaml_problem(error)}") from error
    if document is None:
        document = {}
    if not isinstance(document, dict):
        raise ConfigError(f"{path}: the top level must be a mapping with an 'accounts' list")
    reject_unknown(path, "", document, _TOP_KEYS)
    changes: dict[str, Any] = {"config_path": path}
    if "accounts" in document:
        changes["accounts"] = parse_accounts(path, document["accounts"])
    if "limits" in document:  # the defaults of every account, each account's own limits winning
        defaults = parse_limits(path, "limits", document["limits"])
        accounts = changes.get("accounts", base.accounts)
        changes["accounts"] = tuple(replace(a, limits=a.limits.merged_over(defaults)) for a in accounts)
    oauth = mapping(path, "oauth", document.get("oauth", {}), _OAUTH_KEYS)
    for key in sorted(_OAUTH_KEYS & set(oauth)):
        changes[f"{key}_s"] = duration_setting(f"{path}: oauth.{key}", oauth[key])
    for key in ("retention", "takeover_after"):
        if key in document:
            changes[f"{key}_s"] = duration_setting(f"{path}: {key}", document[key])
    for key in ("store", "redis_prefix"):  # their values are checked by ``validate`` once every layer is applied
        if key in document:
            value = document[key]
            if not isinstance(value, str):  # str() would make a value of null or a list
                raise ConfigError(f"{path}: {key}: must be a string, got {_YAML_KINDS.get(type(value), repr(value))}")
            changes[key] = value.strip()
    changes.update(_server_section(path, document.get("server", {})))
    livelink = mapping(path, "livelink", document.get("livelink", {}), _LIVELINK_KEYS)
    if "status_list_key" in livelink:
        if livelink["status_list_key"] not in STATUS_LIST_KEYS:
            raise ConfigError(f"{path}: livelink.status_list_key: must be one of {', '.join(STATUS_LIST_KEYS)}")
        changes["status_list_key"] = livelink["status_list_key"]
    changes["extra"] = {k: v for k, v in document.items() if k in ("callbacks",)}
    return replace(base, **changes)


def _server_section(path: Path, raw: object) -> dict[str, Any]:
    """``server``: the connection limits (see ``Settings``), each checked here so that the error names the file."""
    server = mapping(path, "server", raw, _SERVER_KEYS)
    changes: dict[str, Any] = {}
    for key, least in (("max_connections", 1), ("max_header_size", MIN_HEADER_SIZE), ("workers", 1)):
        if key in server:
            value = server[key]
            if not isinstance(value, int) or isinstance(value, bool) or value < least:
                raise ConfigError(f"{path}: server.{key}: must be a whole number of at least {least}")
            changes[key] = value
    if "client_timeout" in server:
        changes["client_timeout_s"] = duration_setting(f"{path}: server.client_timeout", server["client_timeout"])
    return changes
