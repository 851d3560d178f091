"""An account's limits in a shared sandbox: how fast it may send, and how much it may keep."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    """What an account may do in a shared sandbox; ``None``: no limit."""

    send_rate: float | None = None  #: send requests per second, any provider, with a second's worth of burst
    max_messages: int | None = None  #: messages kept at once; retention and deletion make room again

    @property
    def active(self) -> bool:
        return self.send_rate is not None or self.max_messages is not None

    def merged_over(self, defaults: Limits) -> Limits:
        return Limits(
            send_rate=defaults.send_rate if self.send_rate is None else self.send_rate,
            max_messages=defaults.max_messages if self.max_messages is None else self.max_messages,
        )


NO_LIMITS = Limits()
#: Numbers an account's opt-out list holds. Opt-outs never expire, so without a bound a loop adding numbers
#: through a provider's API (or handsets replying STOP) would fill the memory and the store of a shared sandbox.
MAX_OPT_OUTS = 100_000
