#!/usr/bin/env python3
"""Resident memory per stored message: Live Link v2 sends parsed as the dialect parses them, kept in memory.

    .venv/bin/python bench/stored_messages.py [--messages 100000]

Each send is the limit server's benchmark request (one destination, a callback URL) with its own number, parsed
from its own JSON body as a request's would be, then handed to ``gateway.send`` (in-memory store, virtual clock,
nothing advanced): the figure includes each message's planned steps. Start-up objects are frozen first.
"""

from __future__ import annotations

import argparse
import asyncio
import gc

import orjson

from mockgateway.bootstrap import build_gateway
from mockgateway.clock import FakeClock
from mockgateway.config import Settings
from mockgateway.dialects.livelink.requests import parse_v2


def _rss() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) * 1024
    raise SystemExit("no VmRSS in /proc/self/status")


async def _run(count: int) -> None:
    gateway = build_gateway(Settings(clock="virtual", seed=7), clock=FakeClock(1767225600.0))
    gc.collect()
    gc.freeze()
    callback = "http://127.0.0.1:9999/acks"
    bodies = [
        orjson.dumps({"destination": [f"4479{i:08d}"], "message": "Hello World!!", "callback": callback})
        for i in range(count)
    ]
    before = _rss()
    for body in bodies:
        await gateway.send(parse_v2(orjson.loads(body), "demo"))
    gc.collect()
    print(f"messages={count} rss_bytes_per_message={(_rss() - before) / count:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    asyncio.run(_run(parser.parse_args().messages))


if __name__ == "__main__":
    main()
