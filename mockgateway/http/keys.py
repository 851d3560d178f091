"""Typed application keys."""

from __future__ import annotations

from aiohttp import web

from mockgateway.config import Settings
from mockgateway.service.gateway import Gateway

GATEWAY = web.AppKey("gateway", Gateway)
SETTINGS = web.AppKey("settings", Settings)
