"""SAP Live Link 365: all of its wire names live in this package."""

from mockgateway.dialects.livelink.callbacks import LiveLinkCallbacks
from mockgateway.dialects.livelink.dialect import LiveLinkDialect

__all__ = ["LiveLinkCallbacks", "LiveLinkDialect"]
