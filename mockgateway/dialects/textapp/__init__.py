"""TextAnywhere TextApp: all of its wire names live in this package."""

from mockgateway.dialects.textapp.callbacks import TEXTAPP_CALLBACKS
from mockgateway.dialects.textapp.dialect import TextAppDialect

__all__ = ["TEXTAPP_CALLBACKS", "TextAppDialect"]
