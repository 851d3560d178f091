#!/usr/bin/env python3
"""Schedule 100,000 pending notifications, then advance the virtual clock past all of them.

    .venv/bin/python bench/advance.py [--messages 50000] [--sink lean|aiohttp] [--no-push] [--port 19997]

A counting sink, pinned to cpu 0, receives the callbacks: ``bench/sink.py`` (an asyncio Protocol server with
httptools' parser; the default) or, with ``--sink aiohttp``, ``callback_sink.py`` from the limit directory
(``--limit-dir``, default ``../shared/bench``), which tops out at about 4-5 k requests/s on its core and is
then what the benchmark measures. In this process (pinned to cpu 1, uvloop), a gateway on the virtual clock
with the in-memory store, the real ``CallbackDispatcher`` and the default transport accepts N Live Link
messages (``gateway.send``, one destination each, ACKs for SENT and DELIVERED pushed to the sink): 2·N pending
notifications. Then one ``gateway.advance(10)`` runs them all in time order and returns once every callback
has been delivered. As ``mockgateway serve`` does once it is up, the start-up objects are frozen out of the
garbage collector's way before the clock starts.

Prints the wall and CPU time of both phases and their total, the sink's count, the machine's load average
beforehand, the CPU other processes used during each phase (in % of one core: above 10 % the figures are
disturbed), and whether the whole run (scheduling + advance) stayed under the 10 s target.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from procstat import CLK_TCK, machine_busy_ticks, process_ticks  # noqa: E402

from mockgateway.bootstrap import build_gateway  # noqa: E402
from mockgateway.clock import FakeClock  # noqa: E402
from mockgateway.config import DEMO_ACCOUNT, Settings  # noqa: E402
from mockgateway.domain.model import CallbackTarget, SendRequest  # noqa: E402
from tests.internals import scheduler_of  # noqa: E402

TARGET_S = 10.0


class Others:
    """How much CPU processes other than this one and the sink used between two ``mark()`` calls."""

    def __init__(self, sink: int) -> None:
        self.sink = sink
        self._last = self._sample()

    def _sample(self) -> tuple[float, int, int, int]:
        return time.perf_counter(), machine_busy_ticks(), process_ticks(os.getpid()), process_ticks(self.sink)

    def mark(self) -> float:
        """% of one core used by others since the last mark."""
        now, (wall, machine, ours, sink) = self._sample(), self._last
        self._last = now
        others = (now[1] - machine) - (now[2] - ours) - (now[3] - sink)
        return 100 * others / CLK_TCK / (now[0] - wall)


async def run(messages: int, sink_url: str, others: Others, *, push: bool = True) -> dict[str, float]:
    settings = Settings(clock="virtual", seed=1, accounts=(DEMO_ACCOUNT,))
    # Parallel delivery, as on the real clock: a seeded virtual run would otherwise post to the sink one at a time.
    gateway = build_gateway(settings, clock=FakeClock(1_767_225_600.0), in_order=False)
    gc.collect()
    gc.freeze()
    # Without push, the request asks for no ACKs: the notifications are recorded and pullable, nothing is posted.
    options = (("acknowledgement", push), ("ackType", "MESSAGE" if push else "NONE"), ("ackTimeInGMT", True))
    # One targets tuple for every request, as the Live Link dialect shares one per callback URL a client names.
    targets = (CallbackTarget(url=sink_url),)
    others.mark()
    cpu, started = time.process_time(), time.perf_counter()
    for i in range(messages):
        await gateway.send(
            SendRequest(
                account="demo", provider="livelink", destinations=(f"4479{i:08d}",), text="Your code is 123456",
                callbacks=targets, options=options,
            )
        )  # fmt: skip
    scheduled, scheduled_cpu = time.perf_counter() - started, time.process_time() - cpu
    scheduled_others = others.mark()
    pending = len(scheduler_of(gateway))
    cpu, started = time.process_time(), time.perf_counter()
    await gateway.advance(10)
    advanced, advanced_cpu = time.perf_counter() - started, time.process_time() - cpu
    advanced_others = others.mark()
    await gateway.close()
    return {"scheduled_s": scheduled, "scheduled_cpu_s": scheduled_cpu, "scheduled_others": scheduled_others,
            "pending": pending, "advance_s": advanced, "advance_cpu_s": advanced_cpu,
            "advance_others": advanced_others}  # fmt: skip


def start_sink(args: argparse.Namespace) -> subprocess.Popen[str]:
    if args.sink == "lean":
        command = [sys.executable, str(REPO / "bench" / "sink.py"), "--port", str(args.port), "--quiet"]
    else:
        command = [sys.executable, f"{args.limit_dir}/callback_sink.py", "--port", str(args.port), "--uvloop",
                   "--quiet"]  # fmt: skip
    return subprocess.Popen(["taskset", "-c", "0", *command], stdout=subprocess.PIPE, text=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--sink", choices=("lean", "aiohttp"), default="lean")
    parser.add_argument("--limit-dir", default=str(REPO.parent / "shared" / "bench"))
    parser.add_argument("--port", type=int, default=19997)
    parser.add_argument("--no-push", action="store_true", help="record the notifications without posting them")
    args = parser.parse_args()
    load = Path("/proc/loadavg").read_text().split()[:3]
    sink = start_sink(args)
    try:
        assert sink.stdout is not None
        if not sink.stdout.readline().startswith("READY"):
            print("the sink did not start", file=sys.stderr)
            return 1
        os.sched_setaffinity(0, {1})
        import uvloop

        url = f"http://127.0.0.1:{args.port}/acks"
        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            result = runner.run(run(args.messages, url, Others(sink.pid), push=not args.no_push))
        with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/stats", timeout=5) as answer:
            stats = json.load(answer)
    finally:
        sink.terminate()
        sink.wait(timeout=10)
    total = result["scheduled_s"] + result["advance_s"]
    print(
        f"push={not args.no_push} sink={args.sink} messages={args.messages} "
        f"pending_notifications={result['pending']} load_before={'/'.join(load)}\n"
        f"schedule={result['scheduled_s']:.2f}s (cpu {result['scheduled_cpu_s']:.2f}s, "
        f"others {result['scheduled_others']:.0f}%) "
        f"advance={result['advance_s']:.2f}s (cpu {result['advance_cpu_s']:.2f}s, "
        f"others {result['advance_others']:.0f}%) "
        f"total={total:.2f}s "
        f"callbacks_received={stats['count']} advance_under_10s={result['advance_s'] < TARGET_S} "
        f"total_under_10s={total < TARGET_S}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
