"""Mobivate BulkSMS: all of its wire names live in this package."""

from mockgateway.dialects.mobivate.dialect import MobivateDialect

__all__ = ["MobivateDialect"]
