"""pytest support: the ``mockgateway`` fixtures (loaded automatically through the ``pytest11`` entry point).

Importing this package is cheap; the handle classes load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockgateway.testing.handle import GatewayHandle, WaitTimeout
    from mockgateway.testing.threaded import GatewayThread, SyncGatewayHandle

__all__ = ["GatewayHandle", "GatewayThread", "SyncGatewayHandle", "WaitTimeout"]


def __getattr__(name: str) -> Any:
    if name in ("GatewayHandle", "WaitTimeout"):
        from mockgateway.testing import handle

        return getattr(handle, name)
    if name in ("GatewayThread", "SyncGatewayHandle"):
        from mockgateway.testing import threaded

        return getattr(threaded, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
