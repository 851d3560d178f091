#!/usr/bin/env python3
"""The Live Link v2 send handler's own cost, in process: no socket, no aiohttp, the benchmark's request.

    .venv/bin/python bench/send_handler.py [--calls 20000] [--repeat 5]
    .venv/bin/python bench/send_handler.py --stub engine     # the same with one part answered from a stub

Calls ``LiveLinkDialect.send_v2`` with the request of ``send.lua`` (a real bearer token, the demo account, the
virtual clock, the in-memory store) ``--repeat`` times ``--calls`` times and prints the best µs per call.
``--stub PART`` replaces one part with a stub that answers what it answered for the first request, so that the
difference to a run without stubs is what that part costs: ``parse`` (the body's fields into a
``SendRequest``), ``auth`` (the bearer token), ``send`` (all of ``Gateway.send``), ``scenarios`` (the
choice of each destination's scenario), ``store`` (``Store.add_messages``), ``engine`` (planning the
timeline). Under valgrind (``valgrind --tool=callgrind python bench/send_handler.py --calls N --repeat 1``
for two N) the difference of the counts is the handler's instructions per call.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import time
from collections.abc import Mapping
from typing import Any

import msgspec
import orjson
import uvloop
from multidict import CIMultiDict, CIMultiDictProxy

from mockgateway.config import Settings
from mockgateway.dialects.base import WireRequest
from mockgateway.dialects.livelink import LiveLinkDialect, requests
from mockgateway.http.admin_common import GATEWAY
from mockgateway.http.app import create_app
from mockgateway.service.gateway import Gateway

BODY = b'{"destination":["447700900123"],"message":"Hello World!!","callback":"http://127.0.0.1:9999/acks"}'
STUBS = ("parse", "auth", "send", "scenarios", "store", "engine")


class _Request(msgspec.Struct, frozen=True, kw_only=True):
    """The request as the dialect reads it, every part given (the HTTP layer reads from aiohttp's request)."""

    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: bytes
    params: Mapping[str, str]
    raw_query: str = ""


async def _answer(value: Any) -> Any:
    return value


async def _stub(part: str, gateway: Gateway, dialect: LiveLinkDialect, request: WireRequest) -> None:
    parsed = requests.parse_v2(orjson.loads(BODY), "demo")
    if part == "parse":
        requests.parse_v2 = lambda data, account: parsed  # type: ignore[assignment]
    elif part == "auth":
        account = await dialect.authenticate(request)
        dialect.authenticate = lambda request: _answer(account)  # type: ignore[method-assign]
    elif part == "send":
        accepted = await gateway.send(parsed)
        gateway.send = lambda request: _answer(accepted)  # type: ignore[method-assign]
    elif part == "scenarios":
        chosen = gateway._choose_scenarios(parsed, gateway.seeded_random())  # noqa: SLF001
        gateway._choose_scenarios = lambda request, rng: chosen  # type: ignore[method-assign]  # noqa: SLF001
    elif part == "store":
        gateway._store.add_messages = lambda messages: _answer(None)  # type: ignore[method-assign]  # noqa: SLF001
    elif part == "engine":
        engine = gateway._engine  # noqa: SLF001
        engine.start = lambda messages, scenarios, rng: _answer(None)  # type: ignore[method-assign]


async def measure(calls: int, repeat: int, stub: str | None) -> list[float]:
    app = create_app(Settings.from_env({}, {"clock": "virtual"}))
    gateway = app[GATEWAY]
    await gateway.open()
    token = gateway.issue_token("demo", "bench").access_token
    headers = CIMultiDictProxy(CIMultiDict({"Authorization": f"Bearer {token}", "Content-Type": "application/json"}))
    request = _Request(method="POST", path="/api/v2/sms", query={}, headers=headers, body=BODY, params={})
    dialect = LiveLinkDialect(gateway)
    if stub is not None:
        await _stub(stub, gateway, dialect, request)
    send = dialect.send_v2
    for _ in range(min(calls, 2000)):  # warm-up: the caches a client's first requests fill
        await send(request)
    gc.collect()
    gc.freeze()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        for _ in range(calls):
            await send(request)
        timings.append((time.perf_counter() - started) / calls * 1e6)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--stub", choices=STUBS)
    args = parser.parse_args()
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        timings = runner.run(measure(args.calls, args.repeat, args.stub))
    shown = " ".join(f"{t:.1f}" for t in sorted(timings))
    print(f"send_v2{' without ' + args.stub if args.stub else ''}: best {min(timings):.2f} µs per call [{shown}]")


if __name__ == "__main__":
    main()
