"""smsmode: HTTP API 1.6 and the REST API; all of its wire names live in this package."""

from __future__ import annotations

from mockgateway.dialects.smsmode.backend import Backend
from mockgateway.dialects.smsmode.callbacks import SMSMODE_CALLBACKS
from mockgateway.dialects.smsmode.http_api import SmsmodeDialect
from mockgateway.dialects.smsmode.rest import SmsmodeRestDialect
from mockgateway.service.gateway import Gateway

__all__ = ["SMSMODE_CALLBACKS", "SmsmodeDialect", "SmsmodeRestDialect", "smsmode_dialects"]


def smsmode_dialects(gateway: Gateway) -> tuple[SmsmodeDialect, SmsmodeRestDialect]:
    """Both APIs over one shared state (accounts, sends by smsID, credit); each renders its own errors."""
    backend = Backend(gateway)
    return SmsmodeDialect(backend), SmsmodeRestDialect(backend)
