"""SAP Live Link 365: all of its wire names live in this package."""

from mockgateway.dialects.livelink.dialect import LiveLinkDialect

__all__ = ["LiveLinkDialect"]
