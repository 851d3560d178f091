"""Mobivate BulkSMS: all of its wire names live in this package."""

from mockgateway.dialects.mobivate.callbacks import MobivateCallbacks
from mockgateway.dialects.mobivate.dialect import MobivateDialect

__all__ = ["MobivateCallbacks", "MobivateDialect"]
