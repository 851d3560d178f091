"""mockgateway: a simulated SMS gateway that imitates real SMS provider APIs."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
