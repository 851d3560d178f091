"""Command line: ``mockgateway serve | healthcheck``."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import sys
import urllib.error
import urllib.request
from collections.abc import Sequence

from mockgateway import __version__
from mockgateway.config import Settings
from mockgateway.domain.errors import ConfigError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mockgateway", description="A simulated SMS gateway.")
    parser.add_argument("--version", action="version", version=f"mockgateway {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the gateway")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default 8080, 0 picks a free one)")
    serve.add_argument("--config", metavar="FILE", help="YAML file with accounts and options")
    serve.add_argument("--scenarios", metavar="DIR", help="directory of scenario YAML files")
    serve.add_argument("--seed", type=int, help="make ids and random draws repeat across runs")
    serve.add_argument("--clock", choices=("real", "virtual"), help="real time, or virtual time moved by the admin API")
    serve.add_argument("--store", metavar="memory|sqlite:PATH", help="where state is kept (default memory)")
    serve.add_argument("--retention", metavar="DURATION", help="how long notifications stay pullable (72h)")
    health = commands.add_parser("healthcheck", help="exit 0 when a gateway answers its health check")
    health.add_argument("--url", help="health URL (default http://127.0.0.1:$MOCKGATEWAY_PORT/__admin/health)")
    health.add_argument("--timeout", type=float, default=3.0)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "healthcheck":
        return healthcheck(args.url, args.timeout)
    try:
        settings = Settings.from_env(os.environ).with_overrides(
            {
                name: getattr(args, name)
                for name in ("host", "port", "config", "scenarios", "seed", "clock", "store", "retention")
            }
        )
    except ConfigError as error:
        print(f"mockgateway: configuration error: {error}", file=sys.stderr)
        return 2
    return serve(settings)


def serve(settings: Settings) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        import uvloop  # optional: the 'fast' extra

        runner = asyncio.Runner(loop_factory=uvloop.new_event_loop)
    except ImportError:
        runner = asyncio.Runner()
    with runner:
        try:
            runner.run(_serve(settings))
        except ConfigError as error:
            print(f"mockgateway: configuration error: {error}", file=sys.stderr)
            return 2
    return 0


async def _serve(settings: Settings) -> None:
    from aiohttp import web

    from mockgateway.http.app import create_app

    runner = web.AppRunner(create_app(settings), access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port, backlog=1024, reuse_address=True)
    await site.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    port = _bound_port(runner.addresses, settings.port)
    print(f"mockgateway listening on http://{settings.host}:{port}", flush=True)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def _bound_port(addresses: list[object], default: int) -> int:
    # With --port 0 the OS picks the port; report the one actually bound.
    for address in addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            return int(address[1])
    return default


def healthcheck(url: str | None, timeout: float) -> int:
    url = url or f"http://127.0.0.1:{os.environ.get('MOCKGATEWAY_PORT', '8080')}/__admin/health"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            status = json.loads(response.read()).get("status")
    except (urllib.error.URLError, OSError, ValueError) as error:
        print(f"unhealthy: {url}: {error}", file=sys.stderr)
        return 1
    if status != "ok":
        print(f"unhealthy: {url}: status {status!r}", file=sys.stderr)
        return 1
    print(f"healthy: {url}")
    return 0
