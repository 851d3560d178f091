#!/usr/bin/env python3
"""Schedule 100,000 pending notifications, then advance the virtual clock past all of them.

    .venv/bin/python bench/advance.py [--messages 50000] [--limit-dir ../shared/bench] [--port 19997]

A counting sink (``callback_sink.py --uvloop --quiet`` from the limit directory, pinned to cpu 0) receives the
callbacks. In this process (pinned to cpu 1, uvloop), a gateway on the virtual clock with the in-memory store
and the real ``CallbackDispatcher`` accepts N Live Link messages (``gateway.send``, one destination each,
ACKs for SENT and DELIVERED pushed to the sink): 2·N pending notifications. Then one ``gateway.advance(10)``
runs them all in time order and returns once every callback has been delivered. Prints the wall time of both
phases, the sink's count, and whether the advance stayed under the 10 s target.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from mockgateway.bootstrap import build_gateway  # noqa: E402
from mockgateway.clock import FakeClock  # noqa: E402
from mockgateway.config import DEMO_ACCOUNT, Settings  # noqa: E402
from mockgateway.dialects.livelink import LiveLinkDialect  # noqa: E402
from mockgateway.domain.model import CallbackTarget, SendRequest  # noqa: E402


async def run(messages: int, sink_url: str, *, push: bool = True) -> dict[str, float]:
    settings = Settings(clock="virtual", seed=1, accounts=(DEMO_ACCOUNT,))
    gateway = build_gateway(settings, clock=FakeClock(1_767_225_600.0))
    gateway.engine.register_renderer("livelink", LiveLinkDialect(gateway))
    # Without push, the request asks for no ACKs: the notifications are recorded and pullable, nothing is posted.
    options = (("acknowledgement", push), ("ackType", "MESSAGE" if push else "NONE"), ("ackTimeInGMT", True))
    started = time.perf_counter()
    for i in range(messages):
        await gateway.send(
            SendRequest(
                account="demo", provider="livelink", destinations=(f"4479{i:08d}",), text="Your code is 123456",
                callbacks=(CallbackTarget(sink_url),), options=options,
            )
        )  # fmt: skip
    scheduled = time.perf_counter() - started
    pending = len(gateway.engine.scheduler)
    started = time.perf_counter()
    await gateway.advance(10)
    advanced = time.perf_counter() - started
    await gateway.close()
    return {"scheduled_s": scheduled, "pending": pending, "advance_s": advanced}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--limit-dir", default=str(REPO.parent / "shared" / "bench"))
    parser.add_argument("--port", type=int, default=19997)
    parser.add_argument("--no-push", action="store_true", help="record the notifications without posting them")
    args = parser.parse_args()
    sink = subprocess.Popen(
        ["taskset", "-c", "0", sys.executable, f"{args.limit_dir}/callback_sink.py", "--port", str(args.port),
         "--uvloop", "--quiet"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert sink.stdout is not None
        if not sink.stdout.readline().startswith("READY"):
            print("the sink did not start", file=sys.stderr)
            return 1
        os.sched_setaffinity(0, {1})
        import uvloop

        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            result = runner.run(run(args.messages, f"http://127.0.0.1:{args.port}/acks", push=not args.no_push))
        with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/stats", timeout=5) as answer:
            stats = json.load(answer)
    finally:
        sink.terminate()
        sink.wait(timeout=10)
    print(
        f"push={not args.no_push} messages={args.messages} pending_notifications={result['pending']} "
        f"schedule={result['scheduled_s']:.2f}s advance={result['advance_s']:.2f}s "
        f"callbacks_received={stats['count']} target_met={result['advance_s'] < 10}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
