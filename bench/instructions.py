#!/usr/bin/env python3
"""User-space instructions per notification of the advance benchmark, counted by valgrind: a figure that, unlike
the time, does not move with the machine's speed.

    .venv/bin/python bench/instructions.py [--small 500] [--large 1500] [--port 19996]

Runs ``advance.run`` (the scheduling and the advance of ``bench/advance.py``, every notification posted to
``bench/sink.py``) under ``valgrind --tool=callgrind`` for ``--small`` and for ``--large`` messages, and prints the
difference in instructions divided by the difference in notifications (two per message): start-up and
imports cancel out. The sink runs outside valgrind. Needs valgrind (``apt-get install -y valgrind``); takes
about a minute.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent


class _NoCount:
    def mark(self) -> float:
        return 0.0


def _run(messages: int, url: str) -> None:
    sys.path.insert(0, str(BENCH))
    import uvloop
    from advance import run

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(run(messages, url, _NoCount()))  # type: ignore[arg-type]


def _instructions(messages: int, url: str) -> int:
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__,
               "--run", str(messages), "--url", url]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=900, check=True)
    found = re.search(r"refs:\s+([\d,]+)", done.stderr)
    if found is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--small", type=int, default=500)
    parser.add_argument("--large", type=int, default=1500)
    parser.add_argument("--port", type=int, default=19996)
    parser.add_argument("--run", type=int, help="internal: run the benchmark once with this many messages")
    parser.add_argument("--url", help="internal: the sink's URL")
    args = parser.parse_args()
    if args.run is not None:
        _run(args.run, args.url)
        return 0
    sink = subprocess.Popen([sys.executable, str(BENCH / "sink.py"), "--port", str(args.port), "--quiet"],
                            stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert sink.stdout is not None
        if not sink.stdout.readline().startswith("READY"):
            print("the sink did not start", file=sys.stderr)
            return 1
        url = f"http://127.0.0.1:{args.port}/acks"
        small, large = _instructions(args.small, url), _instructions(args.large, url)
    finally:
        sink.terminate()
        sink.wait(timeout=10)
    per = (large - small) / (2 * (args.large - args.small))
    print(f"messages={args.small}/{args.large} instructions={small}/{large} per_notification={per:,.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
