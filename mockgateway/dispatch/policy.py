"""When to try a callback again: plain data, so configuration and tests can state it directly."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from mockgateway.domain.durations import parse_duration

#: 1 s, 5 s, 30 s, 2 min, 10 min, 1 h: quick retries for a blip, then spread out over an hour for an outage.
DEFAULT_DELAYS: tuple[float, ...] = (1.0, 5.0, 30.0, 120.0, 600.0, 3600.0)
#: Answers that say "later may work": request timeout, rate limited, and every server error.
DEFAULT_RETRY_STATUSES: frozenset[int] = frozenset({408, 429, *range(500, 600)})
#: With OAuth2 a 401 usually means the receiver stopped honouring our cached token: a fresh one may pass.
DEFAULT_OAUTH2_RETRY_STATUSES: frozenset[int] = frozenset({401})

#: Per attempt, token fetch included.
DEFAULT_TIMEOUT_S = 10.0


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """At most ``len(delays) + 1`` attempts; ``delays[i]`` is the wait after failed attempt ``i + 1``."""

    delays: tuple[float, ...] = DEFAULT_DELAYS
    timeout_s: float = DEFAULT_TIMEOUT_S
    retry_statuses: frozenset[int] = DEFAULT_RETRY_STATUSES
    oauth2_retry_statuses: frozenset[int] = DEFAULT_OAUTH2_RETRY_STATUSES

    def __post_init__(self) -> None:
        if any(delay < 0 for delay in self.delays):
            raise ValueError(f"retry delays must not be negative: {self.delays!r}")
        if self.timeout_s <= 0:
            raise ValueError(f"the attempt timeout must be positive: {self.timeout_s!r}")

    @property
    def max_attempts(self) -> int:
        return len(self.delays) + 1

    def next_delay(self, attempt_no: int) -> float | None:
        """Seconds to wait after failed attempt number ``attempt_no`` (1-based); ``None`` once none is left."""
        if attempt_no < 1:
            raise ValueError(f"attempts are numbered from 1, got {attempt_no}")
        return self.delays[attempt_no - 1] if attempt_no <= len(self.delays) else None

    def should_retry(self, status: int | None, *, oauth2: bool = False) -> bool:
        """``None`` (no answer: connection error, timeout, no token) is always worth another try."""
        return status is None or status in self.retry_statuses or (oauth2 and status in self.oauth2_retry_statuses)

    @classmethod
    def from_mapping(cls, raw: Mapping[str, object], *, other_keys: tuple[str, ...] = ()) -> RetryPolicy:
        """From the config file's ``callbacks`` section: ``{retry_delays: [1s, 5s], timeout: 10s}``.

        ``other_keys`` belong to the section but not to the policy. Raises ``ValueError`` whose message starts
        with the offending key.
        """
        known = ("retry_delays", "timeout", *other_keys)
        unknown = sorted(str(key) for key in raw if key not in known)
        if unknown:
            raise ValueError(f"{unknown[0]}: unknown key (expected one of: {', '.join(known)})")
        delays = _delays(raw["retry_delays"]) if "retry_delays" in raw else DEFAULT_DELAYS
        timeout = _duration("timeout", raw["timeout"]) if "timeout" in raw else DEFAULT_TIMEOUT_S
        if timeout <= 0:
            raise ValueError("timeout: must be more than 0")
        return cls(delays=delays, timeout_s=timeout)


def _delays(raw: object) -> tuple[float, ...]:
    if not isinstance(raw, list | tuple):
        raise ValueError("retry_delays: must be a list of durations, e.g. [1s, 5s, 30s]")
    return tuple(_duration(f"retry_delays[{i}]", item) for i, item in enumerate(raw))


def _duration(key: str, raw: object) -> float:
    try:
        return parse_duration(raw)
    except ValueError as error:
        raise ValueError(f"{key}: {error}") from error
