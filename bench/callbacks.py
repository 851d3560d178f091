#!/usr/bin/env python3
"""Callback-delivery throughput of CallbackDispatcher, side by side with the bare aiohttp limit.

    .venv/bin/python bench/callbacks.py [--runs 3] [--n 20000] [--concurrency 64] [--loops asyncio,uvloop]
                                        [--sink aiohttp|lean] [--limit-dir ../shared/bench] [--port 19998]

Each measurement gets a fresh counting sink (``callback_sink.py --uvloop --quiet`` from the limit directory, or
with ``--sink lean`` this directory's ``sink.py``, pinned to cpu 0) and one sender pinned to cpu 1: either the
limit (``callback_blast.py``: one ClientSession, 64 workers) or this
script in ``--sender`` mode, which pushes N deliveries through ``CallbackDispatcher`` + ``HttpTransport`` with
the real clock and an in-memory store: build the delivery (JSON body like the limit's), enqueue, ``run_due()``,
``drain()``; every delivery recorded with its attempt. Both warm up ``concurrency`` callbacks untimed first.
The two senders run back to back as a pair, in an order that alternates between runs. A pair during which
other processes used more than 10 % of a core (flagged ``(!)``) is redone after waiting for an idle machine,
``--retries`` times at most, and left out of the table if it never ran clean.

Prints a line per measurement and a markdown table over the clean pairs: median [min..max] deliveries/s per
sender and of the per-pair ratio dispatcher / limit (target: at least 0.5).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from procstat import CLK_TCK, machine_busy_ticks, process_ticks

REPO = Path(__file__).resolve().parents[1]
BUSY_MAX = 10  #: % of one core used by other processes that spoils a measurement


# -- sender mode: the dispatcher under test ------------------------------------------------------------
async def send_with_dispatcher(url: str, n: int, concurrency: int) -> dict[str, float]:
    from mockgateway.clock import SystemClock
    from mockgateway.dispatch.dispatcher import CallbackDispatcher
    from mockgateway.dispatch.policy import RetryPolicy
    from mockgateway.dispatch.transport import HttpTransport
    from mockgateway.domain.model import Delivery, DeliveryState, HttpCall
    from mockgateway.domain.queries import EventQuery
    from mockgateway.storage.memory import InMemoryStore

    dumps = json.dumps
    clock = SystemClock()
    store = InMemoryStore()
    dispatcher = CallbackDispatcher(
        HttpTransport(pool_size=concurrency), clock, store, RetryPolicy(), concurrency=concurrency
    )

    def delivery(i: int) -> Delivery:
        body = dumps(
            {
                "livelinkOrderId": str(100_000_000 + i),
                "destination": "447700900123",
                "status": "DELIVERED",
                "statusCode": 0,
                "timestamp": 1_700_000_000 + i,
            }
        ).encode()
        call = HttpCall(method="POST", url=url, body=body)
        return Delivery(
            id=f"d{i}",
            account="bench",
            kind="status",
            subject_id=f"n{i}",
            message_id=str(100_000_000 + i),
            call=call,
            created_at=clock.now(),
        )

    for i in range(-concurrency, 0):  # warm-up, untimed: opens the pooled connections
        dispatcher.enqueue(delivery(i))
    dispatcher.run_due()
    await dispatcher.drain()
    await store.clear()

    cpu0, t0 = time.process_time(), time.perf_counter()
    for i in range(n):
        dispatcher.enqueue(delivery(i))
    dispatcher.run_due()
    await dispatcher.drain()
    secs, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    await dispatcher.close()

    deliveries = await store.list_deliveries(EventQuery(limit=n + 1))
    ok = sum(d.state is DeliveryState.DELIVERED for d in deliveries)
    latencies = sorted(a.latency_ms for d in deliveries for a in d.attempts)

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))]

    return {
        "n": n,
        "ok": ok,
        "errors": n - ok,
        "secs": secs,
        "rate": n / secs,
        "p50_ms": pct(0.5),
        "p99_ms": pct(0.99),
        "max_ms": latencies[-1],
        "cpu": 100 * cpu / secs,
    }


def sender_main(args: argparse.Namespace) -> int:
    factory = None
    if args.uvloop:
        import uvloop

        factory = uvloop.new_event_loop
    with asyncio.Runner(loop_factory=factory) as runner:
        res = runner.run(send_with_dispatcher(args.url, args.n, args.concurrency))
    print(
        "RESULT n={n} ok={ok} errors={errors} secs={secs:.3f} rate={rate:.1f} p50_ms={p50_ms:.2f} "
        "p99_ms={p99_ms:.2f} max_ms={max_ms:.2f} cpu={cpu:.0f}".format(**res),
        flush=True,
    )
    return 0 if res["errors"] == 0 else 1


# -- orchestration --------------------------------------------------------------------------------------
def pinned(cpu: int, command: list[str]) -> list[str]:
    if shutil.which("taskset") and os.cpu_count() and cpu < (os.cpu_count() or 1):
        return ["taskset", "-c", str(cpu), *command]
    return command


def start_sink(limit_dir: Path, port: int, log: Path, kind: str = "aiohttp") -> subprocess.Popen[bytes]:
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            sys.exit(f"port {port} is already in use; pass --port")
    script = REPO / "bench" / "sink.py" if kind == "lean" else limit_dir / "callback_sink.py"
    command = [sys.executable, str(script), "--port", str(port), "--quiet", "--uvloop"]
    sink = subprocess.Popen(pinned(0, command), stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while "READY" not in log.read_text():
        if sink.poll() is not None or time.monotonic() > deadline:
            sys.exit(f"the sink did not start:\n{log.read_text()}")
        time.sleep(0.05)
    return sink


def stop_sink(sink: subprocess.Popen[bytes], log: Path) -> int:
    sink.send_signal(signal.SIGTERM)
    try:
        sink.wait(timeout=10)
    except subprocess.TimeoutExpired:
        sink.kill()
        sink.wait()
    found = re.search(r"RECEIVED count=(\d+)", log.read_text())
    return int(found.group(1)) if found else -1


def measure(args: argparse.Namespace, sender: str, loop: str, log_dir: Path, tag: str) -> dict[str, float]:
    url = f"http://127.0.0.1:{args.port}/acks"
    common = ["--url", url, "--n", str(args.n), "--concurrency", str(args.concurrency)]
    if loop == "uvloop":
        common.append("--uvloop")
    if sender == "limit":
        command = [sys.executable, str(args.limit_dir / "callback_blast.py"), *common]
    else:
        command = [sys.executable, str(Path(__file__).resolve()), "--sender", *common]
    sink_log = log_dir / f"sink_{tag}.log"
    sink = start_sink(args.limit_dir, args.port, sink_log, args.sink)
    out = log_dir / f"sender_{tag}.txt"
    s0, m0 = process_ticks(sink.pid), machine_busy_ticks()
    started = time.monotonic()
    with out.open("wb") as sink_out:
        proc = subprocess.Popen(pinned(1, command), stdout=sink_out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - started
    s1, m1 = process_ticks(sink.pid), machine_busy_ticks()
    received = stop_sink(sink, sink_log)
    text = out.read_text()
    found = re.search(r"^RESULT .*$", text, re.MULTILINE)
    if found is None or status != 0:
        sys.exit(f"{sender} failed (status {status}):\n{text}")
    result = {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", found.group(0))}
    other_s = ((m1 - m0) - (s1 - s0)) / CLK_TCK - usage.ru_utime - usage.ru_stime
    result["other"] = max(0.0, 100 * other_s / wall)
    result["sink_cpu"] = 100 * (s1 - s0) / CLK_TCK / result["secs"]
    result["received"] = received
    return result


def line(sender: str, loop: str, run: int, r: dict[str, float]) -> str:
    flag = "(!)" if r["other"] > BUSY_MAX else ""
    return (
        f"{sender:>10} {loop:<8} run {run}: {r['rate']:8.0f} deliveries/s  p50 {r['p50_ms']:6.2f} ms  "
        f"p99 {r['p99_ms']:6.2f} ms  sender-cpu {r['cpu']:3.0f}%  sink-cpu {r['sink_cpu']:3.0f}%  "
        f"other-cpu {r['other']:3.0f}%{flag}  errors {r['errors']:.0f}  sink-received {r['received']:.0f}"
    )


def spread(values: list[float], fmt: str = ".0f") -> str:
    return f"{statistics.median(values):{fmt}} [{min(values):{fmt}}..{max(values):{fmt}}]"


def wait_idle(limit_s: float = 60) -> None:
    """Wait (at most ``limit_s``) until other processes use less than BUSY_MAX % of a core over 2 s."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        before = machine_busy_ticks()
        time.sleep(2)
        if 100 * (machine_busy_ticks() - before) / CLK_TCK / 2 < BUSY_MAX:
            return


def measure_pair(args: argparse.Namespace, loop: str, run: int, log_dir: Path) -> dict[str, dict[str, float]]:
    """Both senders back to back (the order alternates between runs); the pair is redone if either was disturbed."""
    order = ["limit", "dispatcher"] if run % 2 else ["dispatcher", "limit"]
    for attempt in range(args.retries + 1):
        pair: dict[str, dict[str, float]] = {}
        for sender in order:
            pair[sender] = measure(args, sender, loop, log_dir, f"{sender}_{loop}_{run}_{attempt}")
            print(line(sender, loop, run, pair[sender]), flush=True)
            time.sleep(1)
        if all(r["other"] <= BUSY_MAX for r in pair.values()) or attempt == args.retries:
            return pair
        print("    ^ pair redone: other processes used CPU meanwhile", flush=True)
        wait_idle()
    raise AssertionError("unreachable")


def orchestrate(args: argparse.Namespace) -> int:
    if not (args.limit_dir / "callback_blast.py").exists():
        sys.exit(f"no callback_blast.py in {args.limit_dir}: pass --limit-dir")
    log_dir = Path(tempfile.mkdtemp(prefix="bench_dispatch."))
    loops = args.loops.split(",")
    print(f"# callbacks: {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} cpus={os.cpu_count()} n={args.n} ")
    print(f"# concurrency={args.concurrency} runs={args.runs} {args.sink} sink on cpu 0, sender on cpu 1")
    print(f"# logs in {log_dir}")
    wait_idle()
    pairs: dict[str, list[dict[str, dict[str, float]]]] = {loop: [] for loop in loops}
    for run in range(1, args.runs + 1):
        for loop in loops:
            pairs[loop].append(measure_pair(args, loop, run, log_dir))
    print()
    print("Pairs during which other processes used more than 10 % of a core are left out of the table.")
    print()
    print("| loop | clean pairs | limit (callback_blast) deliveries/s | CallbackDispatcher deliveries/s | ratio |")
    print("|---|---|---|---|---|")
    for loop in loops:
        clean = [p for p in pairs[loop] if all(r["other"] <= BUSY_MAX for r in p.values())]
        if not clean:
            print(f"| {loop} | 0/{len(pairs[loop])} | n/a | n/a | n/a |")
            continue
        limit = [p["limit"]["rate"] for p in clean]
        ours = [p["dispatcher"]["rate"] for p in clean]
        ratios = [d / lim for d, lim in zip(ours, limit, strict=True)]
        print(
            f"| {loop} | {len(clean)}/{len(pairs[loop])} | {spread(limit)} | {spread(ours)} | {spread(ratios, '.2f')} |"
        )
    return 0


def main() -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--n", type=int, default=20_000)
    p.add_argument("--concurrency", type=int, default=64)
    p.add_argument("--loops", default="asyncio,uvloop", help="comma-separated: asyncio, uvloop")
    p.add_argument("--sink", choices=("aiohttp", "lean"), default="aiohttp", help="the receiver: see above")
    p.add_argument("--limit-dir", type=Path, default=REPO.parent / "shared" / "bench")
    p.add_argument("--port", type=int, default=19998)
    p.add_argument("--retries", type=int, default=3, help="redos of a pair disturbed by other load")
    p.add_argument("--sender", action="store_true", help="internal: run the dispatcher sender once")
    p.add_argument("--url", default="http://127.0.0.1:19998/acks")
    p.add_argument("--uvloop", action="store_true")
    args = p.parse_args()
    return sender_main(args) if args.sender else orchestrate(args)


if __name__ == "__main__":
    sys.exit(main())
