"""Mobivate BulkSMS: all of its wire names live in this package."""

from mockgateway.dialects.mobivate.callbacks import MOBIVATE_CALLBACKS
from mockgateway.dialects.mobivate.dialect import MobivateDialect

__all__ = ["MOBIVATE_CALLBACKS", "MobivateDialect"]
