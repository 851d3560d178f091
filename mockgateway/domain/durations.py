"""Numbers, durations and rates as people write them in requests and files: ``42``; ``30s``, ``5m``, ``2h``;
``50/s``."""

from __future__ import annotations

import re


def is_whole_number(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also takes other scripts' digits and "²", which ``int`` reads or refuses."""
    return text.isascii() and text.isdigit()


_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
#: re.ASCII: ``\d`` would also take other scripts' digits, which ``float`` reads (``٣s`` as three seconds).
_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$", re.ASCII)


def parse_duration(value: object) -> float:
    """Seconds in ``value``: a number (seconds) or a string like ``90s``, ``1m``, ``3d``.

    Raises ``ValueError`` naming the accepted forms.
    """
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a duration")
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError(f"{value!r} is negative")
        return float(value)
    if isinstance(value, str):
        match = _PATTERN.match(value)
        if match:
            return float(match.group(1)) * _UNITS[match.group(2) or "s"]
    raise ValueError(f"{value!r} is not a duration (use e.g. 30s, 5m, 2h, 3d, 1w or a number of seconds)")


_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:/\s*(s|m|min|h))?\s*$", re.ASCII)
_PER = {"s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0}


def parse_rate(value: object) -> float:
    """Events per second in ``value``: a number (per second) or a string like ``50/s``, ``600/m``, ``1000/h``.

    Raises ``ValueError`` naming the accepted forms.
    """
    rate = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        rate = float(value)
    elif isinstance(value, str) and (match := _RATE.match(value)):
        rate = float(match.group(1)) / _PER[match.group(2) or "s"]
    if rate is None or not rate > 0:
        raise ValueError(f"{value!r} is not a rate (use e.g. 50/s, 600/m, 1000/h or a number per second)")
    return rate
