#!/usr/bin/env python3
"""The memory pending jobs take: RSS growth while N Live Link messages are scheduled and none has run yet.

    .venv/bin/python bench/pending_rss.py [--messages 100000]

A gateway on the virtual clock with the in-memory store accepts N messages through ``gateway.send`` (one
destination each, ACKs asked for, as ``advance.py`` sends them: two pending notifications each) and the clock
never moves, so every planned job stays queued. Prints the growth of ``VmRSS`` and its share per message.
Run another checkout's copy to compare trees; it imports the package from its own checkout.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from mockgateway.bootstrap import build_gateway  # noqa: E402
from mockgateway.clock import FakeClock  # noqa: E402
from mockgateway.config import DEMO_ACCOUNT, Settings  # noqa: E402
from mockgateway.domain.model import CallbackTarget, SendRequest  # noqa: E402


def rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise SystemExit("no VmRSS in /proc/self/status")


async def grow(messages: int) -> tuple[int, int]:
    """(pending jobs, RSS growth in bytes) after scheduling ``messages`` messages."""
    settings = Settings(clock="virtual", seed=1, accounts=(DEMO_ACCOUNT,))
    gateway = build_gateway(settings, clock=FakeClock(1_767_225_600.0), in_order=False)
    targets = (CallbackTarget("http://127.0.0.1:9/acks"),)
    options = (("acknowledgement", True), ("ackType", "MESSAGE"), ("ackTimeInGMT", True))
    gc.collect()
    before = rss_bytes()
    for i in range(messages):
        await gateway.send(
            SendRequest(account="demo", provider="livelink", destinations=(f"4479{i:08d}",),
                        text="Your code is 123456", callbacks=targets, options=options)
        )  # fmt: skip
    gc.collect()
    return len(gateway.engine.scheduler), rss_bytes() - before


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    args = parser.parse_args()
    pending, growth = asyncio.run(grow(args.messages))
    print(f"messages={args.messages} pending_jobs={pending} rss_growth={growth / 2**20:.1f}MB "
          f"per_message={growth / args.messages:.0f}B")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
