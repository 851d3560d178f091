"""Run ``mockgateway`` with every cyclic-GC pass timed; prints a per-generation summary at exit.

    .venv/bin/python bench/gc_stats.py serve --port 8080 --clock virtual

Used by ``run_send.sh`` when ``GC_STATS=1`` to show whether collection pauses explain the p99 latency.
SIGUSR1 starts the count afresh (the bench sends it after pre-filling, so the summary covers the
measurement and not start-up or loading).
"""

from __future__ import annotations

import atexit
import gc
import signal
import sys
import time
from typing import Any

from mockgateway.cli import main


def install() -> None:
    pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
    started = [0.0]

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            pauses[info["generation"]].append(time.perf_counter() - started[0])

    def report() -> None:
        for generation, times in pauses.items():
            if times:
                print(
                    f"GC gen{generation}: n={len(times)} total={sum(times) * 1e3:.0f}ms max={max(times) * 1e3:.1f}ms",
                    flush=True,
                )

    def reset(signum: int, frame: object) -> None:
        for times in pauses.values():
            times.clear()

    gc.callbacks.append(on_gc)
    atexit.register(report)
    signal.signal(signal.SIGUSR1, reset)


if __name__ == "__main__":
    install()
    sys.exit(main())
