"""One setting's value, read from a flag, an environment variable or the config file, with an error that names
where the person who wrote it wrote it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, NamedTuple, TypeVar

from mockgateway.domain.durations import is_whole_number, parse_duration, parse_rate
from mockgateway.domain.errors import ConfigError

ENV_PREFIX = "MOCKGATEWAY_"

STATUS_LIST_KEYS = ("SAPNotification", "sapnotification")
#: Demo messages per second; more would be a load test, which the demo is not.
MAX_DEMO_RATE = 1000.0

Source = Literal["env", "flag", "setting"]
T = TypeVar("T")

#: The settings fields of the paths whose flag names another word.
_PATH_FIELDS = {"config": "config_path", "scenarios": "scenarios_dir"}


def setting_label(name: str, source: Source) -> str:
    """How the person who wrote a value knows it, for error messages."""
    if source == "env":
        return ENV_PREFIX + name.upper()
    if source == "flag":
        return "--" + name.replace("_", "-")
    return name


def setting_change(name: str, raw: object, label: str) -> dict[str, Any]:
    """The settings field ``name`` sets, with its value; settings of one kind share a case."""
    text = str(raw).strip()
    match name:
        case "host" | "redis_prefix" | "clock" | "status_list_key" | "store":
            return {name: checked(name, text, label)}
        case "port" | "seed" | "max_connections" | "max_header_size":
            return {name: checked(name, _integer(text, label), label)}
        case "config" | "scenarios" | "tls_cert" | "tls_key" | "tls_ca_out":
            return {_PATH_FIELDS.get(name, name): Path(text)}
        case "workers":
            return {"workers": checked("workers", _integer(text, label), label)}
        case "retention" | "access_token_ttl" | "refresh_token_ttl" | "client_timeout" | "takeover_after":
            return {f"{name}_s": duration_setting(label, raw)}
        case "demo" | "tls" | "sandbox":
            return {name: _boolean(raw, label)}
        case "demo_rate":
            return {"demo_rate": _rate(text, label)}
        case "start_time":
            return {"start_time": _instant(text, label)}
        case "admin_token":
            return {"admin_token": _token(text, label)}
        case _:
            # Unrelated MOCKGATEWAY_* variables (e.g. a test plugin's) are not ours to refuse.
            return {}


STORE_FORMS = "'memory', 'sqlite:PATH' or 'redis://HOST:PORT/DB'"


def valid_store(text: str) -> bool:
    """``memory``, ``sqlite:PATH``, or a Redis URL (``redis://``, or ``rediss://`` for TLS)."""
    schemes = ("sqlite:", "redis://", "rediss://")
    return text == "memory" or any(text.startswith(scheme) and len(text) > len(scheme) for scheme in schemes)


class Rule(NamedTuple):
    """What a setting's value must keep, however it was set, and what a value that breaks it "is"."""

    keeps: Callable[[Any], bool]
    breaking: str


RULES: dict[str, Rule] = {
    "clock": Rule(keeps=lambda clock: clock in ("real", "virtual"), breaking="is not one of real, virtual"),
    "store": Rule(keeps=valid_store, breaking=f"is not {STORE_FORMS}"),
    "port": Rule(keeps=lambda port: 0 <= port <= 65535, breaking="is out of range 0-65535"),
    "status_list_key": Rule(
        keeps=lambda key: key in STATUS_LIST_KEYS, breaking=f"is not one of {', '.join(STATUS_LIST_KEYS)}"
    ),
    "workers": Rule(keeps=lambda count: count is None or count >= 1, breaking="is not a whole number above zero"),
}


def checked(name: str, value: T, label: str) -> T:
    """``value``, when it keeps the rule of the setting ``name`` (if it has one); else an error naming ``label``."""
    rule = RULES.get(name)
    if rule is not None and not rule.keeps(value):
        raise ConfigError(f"{label}: {value!r} {rule.breaking}")
    return value


def _integer(text: str, label: str) -> int:
    if not is_whole_number(text.removeprefix("-")):  # int() would also read "1_0" and other scripts' digits
        raise ConfigError(f"{label}: {text!r} is not a whole number")
    return int(text)


def _boolean(raw: object, label: str) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{label}: {raw!r} is not one of true, false (or 1, 0, yes, no, on, off)")


def _instant(text: str, label: str) -> float:
    """An ISO 8601 time with a zone, ``2026-01-01T00:00:00Z``: a local time would differ from host to host."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ConfigError(f"{label}: {text!r} is not an ISO 8601 time with a zone, such as 2026-01-01T00:00:00Z")
    return moment.timestamp()


def _rate(text: str, label: str) -> float:
    """Messages per second: ``5``, ``5/s``, ``30/m`` or ``600/h``."""
    try:
        rate = parse_rate(text)
    except ValueError:
        rate = float("nan")
    if not rate <= MAX_DEMO_RATE:  # also refuses nan
        raise ConfigError(f"{label}: {text!r} is not a rate such as 2, 2/s or 30/m (at most {MAX_DEMO_RATE:g}/s)")
    return rate


def _token(text: str, label: str) -> str:
    if not text or any(character.isspace() for character in text):
        raise ConfigError(f"{label}: must be a token without spaces")  # the value itself is never repeated
    return text


def duration_setting(where: str, raw: object) -> float:
    try:
        seconds = parse_duration(raw)
    except ValueError as error:
        raise ConfigError(f"{where}: {error}") from error
    if seconds <= 0:
        raise ConfigError(f"{where}: must be longer than zero")
    return seconds
