"""pytest support: the ``mockgateway`` fixtures (loaded automatically through the ``pytest11`` entry point).

Importing this package is cheap; the handle classes load on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockgateway.testing.handle import GatewayHandle, WaitTimeout
    from mockgateway.testing.threaded import GatewayThread, SyncGatewayHandle

__all__ = ["GatewayHandle", "GatewayThread", "SyncGatewayHandle", "WaitTimeout"]
#: Each module of this package, with the names read from it.
_MODULES = {"handle": ("GatewayHandle", "WaitTimeout"), "threaded": ("GatewayThread", "SyncGatewayHandle")}


def __getattr__(name: str) -> Any:
    for module, names in _MODULES.items():
        if name in names:
            return getattr(importlib.import_module(f"{__name__}.{module}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
