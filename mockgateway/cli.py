"""Command line: ``mockgateway serve | demo | healthcheck | scenarios check``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import logging
import os
import signal
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from mockgateway import __version__
from mockgateway.config import Settings
from mockgateway.domain.durations import is_whole_number
from mockgateway.domain.errors import ConfigError


class ListenError(Exception):
    """The server socket could not be opened."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mockgateway", description="A simulated SMS gateway.")
    parser.add_argument("--version", action="version", version=f"mockgateway {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the gateway")
    _serve_options(serve)
    serve.add_argument("--demo", action="store_true", default=None, help="fill the sandbox with demo traffic")
    serve.add_argument("--demo-rate", metavar="N/s", help="demo messages per second (default 1)")
    demo = commands.add_parser("demo", help="run the gateway with demo traffic (serve --demo)")
    _serve_options(demo)
    demo.add_argument("--rate", "--demo-rate", dest="demo_rate", metavar="N/s", help="messages per second (default 1)")
    demo.set_defaults(demo=True)
    health = commands.add_parser("healthcheck", help="exit 0 when a gateway answers its health check")
    health.add_argument("--url", help="health URL (default http://127.0.0.1:$MOCKGATEWAY_PORT/__admin/health)")
    health.add_argument("--timeout", type=float, default=3.0, help="seconds to wait for an answer (default 3)")
    scenarios = commands.add_parser("scenarios", help="work with scenario files")
    scenario_commands = scenarios.add_subparsers(dest="scenarios_command", required=True)
    check = scenario_commands.add_parser("check", help="validate scenario files; exit 1 listing every problem")
    check.add_argument("target", metavar="DIR", nargs="?", help="directory or file (default: the shipped library)")
    return parser


#: ``serve``'s options: flag, metavar, help. A ``None`` metavar is an on/off switch.
_SERVE_OPTIONS: tuple[tuple[str, str | None, str], ...] = (
    ("--host", "HOST", "address to listen on (default 127.0.0.1)"),
    ("--port", "PORT", "port to listen on (default 8080, 0 picks a free one)"),
    ("--config", "FILE", "YAML file with accounts and options"),
    ("--scenarios", "DIR", "directory of scenario YAML files"),
    ("--seed", "SEED", "make ids and random draws repeat across runs"),
    ("--clock", "{real,virtual}", "real time, or virtual time moved by the admin API"),
    ("--start-time", "ISO8601", "where the virtual clock starts (with --seed: 2026-01-01T00:00:00Z)"),
    ("--store", "memory|sqlite:PATH|redis://HOST:PORT/DB", "where state is kept (default memory)"),
    ("--redis-prefix", "TEXT", "what the Redis store's keys start with (mockgateway:)"),
    ("--retention", "DURATION", "how long notifications stay pullable (72h)"),
    (
        "--takeover-after",
        "DURATION",
        "on a shared store, when another process takes over a dead one's pending callbacks (10s)",
    ),
    ("--tls", None, "serve HTTPS with a certificate made for 127.0.0.1/localhost"),
    ("--tls-cert", "FILE", "serve HTTPS with this PEM certificate chain (and --tls-key)"),
    ("--tls-key", "FILE", "the private key of --tls-cert (PEM)"),
    ("--tls-ca-out", "FILE", "where --tls writes its certificate authority (PEM)"),
    ("--sandbox", None, "refuse callbacks to loopback, private, link-local and other internal addresses"),
    ("--admin-token", "TOKEN", "bearer token the admin API and web UI ask for (default: none, open)"),
    ("--max-connections", "N", "open connections at once; more get 503 (1000)"),
    ("--client-timeout", "DURATION", "to send a request head or body, or idle between requests (60s)"),
    ("--max-header-size", "BYTES", "longest request or header line; longer gets 431"),
    ("--workers", "N", "N processes serving one port under a supervisor; needs a redis:// store"),
)
#: ``serve`` flags that are settings, each with a ``MOCKGATEWAY_<NAME>`` variable: the options above and the demo's.
SERVE_FLAGS = (*(option[0].removeprefix("--").replace("-", "_") for option in _SERVE_OPTIONS), "demo", "demo_rate")


def _serve_options(serve: argparse.ArgumentParser) -> None:
    for flag, metavar, text in _SERVE_OPTIONS:
        if metavar is None:  # None when not given, so that a variable or the config file still counts
            serve.add_argument(flag, action="store_true", default=None, help=text)
        else:
            serve.add_argument(flag, metavar=metavar, help=text)  # values are checked as the settings read them


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "healthcheck":
        return healthcheck(args.url, args.timeout)
    if args.command == "scenarios":
        return check_scenarios(args.target)
    try:
        settings = load_settings(args, os.environ)
    except ConfigError as error:
        print(f"mockgateway: configuration error: {error}", file=sys.stderr)
        return 2
    if settings.workers is not None:
        from mockgateway.workers import serve_workers  # here: it runs this module's `serve` in each worker

        return serve_workers(settings)
    return serve(settings)


def load_settings(args: argparse.Namespace, environ: Mapping[str, str]) -> Settings:
    """Defaults < config file < ``MOCKGATEWAY_*`` variables < the flags given on the command line."""
    return Settings.from_env(environ, {name: getattr(args, name) for name in SERVE_FLAGS})


#: How a worker of ``serve --workers`` tells its parent the port it serves, instead of printing it.
Ready = Callable[[int], None]


def serve(settings: Settings, *, ready: Ready | None = None) -> int:
    """Serve until SIGTERM or SIGINT; as a worker (``ready`` given) beside its siblings on one port."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        import uvloop  # optional: the 'fast' extra

        runner = asyncio.Runner(loop_factory=uvloop.new_event_loop)
    except ImportError:
        runner = asyncio.Runner()
    with runner:
        try:
            runner.run(_serve(settings, ready))
        except ConfigError as error:
            print(f"mockgateway: configuration error: {error}", file=sys.stderr)
            return 2
        except ListenError as error:
            print(f"mockgateway: {error}", file=sys.stderr)
            return 1
    return 0


async def _serve(settings: Settings, ready: Ready | None) -> None:
    from aiohttp import web

    from mockgateway.http.app import create_app
    from mockgateway.http.limits import handler_args, listen
    from mockgateway.tls import server_tls

    # The time requests in flight get to finish at a stop: within a container's usual 10 s grace before SIGKILL.
    runner = web.AppRunner(create_app(settings), handle_signals=False, shutdown_timeout=5.0, **handler_args(settings))
    async with contextlib.AsyncExitStack() as undo:
        # Before the set-up: a start-up that fails (e.g. an unusable store file) still undoes what it began.
        undo.push_async_callback(runner.cleanup)
        await runner.setup()
        tls = undo.enter_context(server_tls(settings))
        try:
            listening = listen(runner, settings, ssl_context=tls.context, reuse_port=ready is not None)
            port = await undo.enter_async_context(listening)
        except OSError as error:  # most often: the port is taken
            raise ListenError(f"cannot listen on {settings.host}:{settings.port}: {error.strerror or error}") from error
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        # A worker leaves SIGINT (Ctrl-C reaches the whole process group) to its parent, which answers with SIGTERM.
        for sig in (signal.SIGTERM,) if ready is not None else (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        # What start-up made (modules, routes, tables: ~50k objects) lives as long as the process. Frozen, it is
        # never walked again by a full collection, which would cost tens of milliseconds each time: p99 latency.
        gc.collect()  # once, so that start-up garbage is freed rather than frozen
        gc.freeze()
        if ready is not None:
            ready(port)  # the parent speaks for its workers
        else:
            announce(settings, port, ca_path=tls.ca_path)
        await stop.wait()


def announce(settings: Settings, port: int, *, ca_path: Path | None = None) -> None:
    """What scripts and people wait for: the URL served (the last line), and a warning when it is open to others."""
    if ca_path is not None:
        print(f"mockgateway TLS certificate authority: {ca_path}", flush=True)
    https = settings.tls or settings.tls_cert is not None
    host = f"[{settings.host}]" if ":" in settings.host else settings.host  # an IPv6 address, as URLs write it
    print(f"mockgateway listening on {'https' if https else 'http'}://{host}:{port}", flush=True)
    if warning := open_admin_warning(settings):
        print(warning, file=sys.stderr, flush=True)


def open_admin_warning(settings: Settings) -> str | None:
    """What to tell whoever starts an admin API that others can reach without a token."""
    if settings.admin_token is None and not is_loopback(settings.host):
        return (
            f"mockgateway: WARNING: listening on {settings.host} without --admin-token: anyone who can reach this "
            "address can read every account's messages and reset the sandbox through /__admin"
        )
    return None


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only."""
    import ipaddress

    with contextlib.suppress(ValueError):
        return ipaddress.ip_address(host).is_loopback
    return host == "localhost"  # else a host name, or "" / "0.0.0.0" style wildcards: assume the network


def healthcheck(url: str | None, timeout: float) -> int:
    import http.client  # here, not at the top: `serve` never needs them, and start-up time counts
    import ssl
    import urllib.error
    import urllib.request

    # https when the gateway's variables turn TLS on, as in a container started with them.
    tls = os.environ.get("MOCKGATEWAY_TLS", "").strip().lower() in ("1", "true", "yes", "on")
    scheme = "https" if tls or os.environ.get("MOCKGATEWAY_TLS_CERT") else "http"
    if url is None:
        port = os.environ.get("MOCKGATEWAY_PORT", "").strip() or "8080"  # set but empty: as unset, as `serve` reads it
        if not (is_whole_number(port) and 0 < int(port) < 65536):
            print(f"mockgateway: MOCKGATEWAY_PORT: {port!r} is not a port number (1-65535)", file=sys.stderr)
            return 2
        url = f"{scheme}://127.0.0.1:{port}/__admin/health"
    # Whether this machine's own gateway is alive, not whom to trust: its certificate may name another host.
    context = ssl._create_unverified_context() if url.startswith("https:") else None  # noqa: SLF001
    try:
        with urllib.request.urlopen(url, timeout=timeout, context=context) as response:
            body = json.loads(response.read())
        status = body.get("status") if isinstance(body, dict) else None
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
        print(f"unhealthy: {url}: {error}", file=sys.stderr)
        return 1
    if status != "ok":
        print(f"unhealthy: {url}: status {status!r}", file=sys.stderr)
        return 1
    print(f"healthy: {url}")
    return 0


def check_scenarios(target: str | None) -> int:
    """Validate scenario files as the gateway loads them (a directory's ``*.yaml``, or one file): a summary per
    file and 0, or every problem and their total and 1."""
    from mockgateway.scenario.loader import ScenarioError, load_dir, load_file, scenario_files, shipped_dir

    path = Path(target) if target else shipped_dir()
    files = scenario_files(path) if path.is_dir() else (path,)
    if not files:
        print(f"{path}: no scenario files (*.yaml, *.yml)", file=sys.stderr)
        return 1
    try:
        scenarios = load_dir(path) if path.is_dir() else load_file(path)
    except ScenarioError as error:
        count, files_with = len(error.problems), len({problem.file for problem in error.problems})
        total = f"{count} problem{'s' if count != 1 else ''} in {files_with} file(s)"
        print(*error.problems, total, sep="\n", file=sys.stderr)
        return 1
    for file in files:
        names = [scenario.name for scenario in scenarios if scenario.source == file.name]
        listed = f": {', '.join(names)}" if names else ""
        print(f"{file}: ok, {len(names)} scenario{'s' if len(names) != 1 else ''}{listed}")
    return 0
