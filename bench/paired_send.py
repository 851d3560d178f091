#!/usr/bin/env python3
"""The send-path ratio measured in alternating slices, for machines whose speed drifts from minute to minute.

    .venv/bin/python bench/paired_send.py [--pairs 12] [--slice 4] [--prefill 100000] [--port 18290]

``run_send.sh`` measures each server for 10 s, one after the other, with a pre-fill in between: on a shared
VM the machine's speed (and the CPU other tenants take) changes between those minutes, and the ratio of two
such runs moves with it by ±15 %. Here both servers run side by side, pinned to the same core (cpu 0), each
pre-filled with ``--prefill`` messages; wrk (cpu 1, ``-t1 -c32``, the same ``send.lua``) then loads one and
then the other for ``--slice`` seconds, ``--pairs`` times, the order swapped every pair. The idle server uses
no CPU while the other is measured. Each pair gives one ratio (gateway over limit), measured seconds apart;
the median of the pairs is the figure, and the range shows how much the machine moved.

The limit is ``limit_server.py --uvloop`` from ``--limit-dir`` (default ``../shared/bench``): the gateway runs on
uvloop too. The gateway is ``mockgateway serve --clock virtual`` from this checkout, with the demo account.
Prints one line per slice and a summary: median req/s of each, the ratio's median and range, and the ratio of
the server CPU per request (steadier than req/s when other tenants take CPU).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from procstat import CLK_TCK, process_ticks

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
RESULT = re.compile(r"RESULT rps=([\d.]+) p50_us=(\d+) p90_us=\d+ p99_us=(\d+) .*requests=(\d+) non2xx=(\d+)")


def start(cmd: list[str], ready: str, log: Path, cwd: Path) -> subprocess.Popen[bytes]:
    out = log.open("wb")
    proc = subprocess.Popen(["taskset", "-c", "0", *cmd], stdout=out, stderr=subprocess.STDOUT, cwd=cwd)
    deadline = time.monotonic() + 30
    while ready not in log.read_text(errors="replace"):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"{cmd[0]} did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.05)
    return proc


def wrk(url: str, token: str, seconds: float, env_extra: dict[str, str] | None = None) -> str:
    env = {**os.environ, "MG_TOKEN": token, **(env_extra or {})}
    cmd = ["taskset", "-c", "1", "wrk", "-t1", "-c32", f"-d{seconds:g}s", "--latency", "-s", str(BENCH / "send.lua"),
           url]  # fmt: skip
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=seconds + 60).stdout


def prefill(url: str, token: str, count: int, tmp: Path) -> None:
    marker = tmp / "prefill.done"
    marker.unlink(missing_ok=True)
    env = {**os.environ, "MG_TOKEN": token, "MG_STOP_AFTER": str(count), "MG_DONE_FILE": str(marker)}
    cmd = ["taskset", "-c", "1", "wrk", "-t1", "-c32", "-d300s", "-s", str(BENCH / "send.lua"), url]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while proc.poll() is None and not marker.exists():
        time.sleep(0.1)
    proc.terminate()
    proc.wait(10)
    if not marker.exists():
        raise SystemExit(f"pre-fill of {url} did not reach {count} answers")


def token_from(base: str) -> str:
    request = urllib.request.Request(
        f"{base}/api/oauth/token", data=b"grant_type=client_credentials", method="POST",
        headers={"Authorization": "Basic ZGVtby1hcHAta2V5OmRlbW8tYXBwLXNlY3JldA=="},  # demo-app-key:demo-app-secret
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=5) as answer:
        return str(json.load(answer)["access_token"])


def measure(name: str, proc: subprocess.Popen[bytes], url: str, token: str, seconds: float) -> dict[str, float]:
    before = process_ticks(proc.pid)
    out = wrk(url, token, seconds)
    used = (process_ticks(proc.pid) - before) / CLK_TCK
    match = RESULT.search(out)
    if match is None:
        raise SystemExit(f"no RESULT from wrk against {name}:\n{out}")
    rps, p50, p99, requests, non2xx = (float(g) for g in match.groups())
    if non2xx:
        raise SystemExit(f"{name} answered {int(non2xx)} requests with a non-2xx status")
    return {"rps": rps, "p50_ms": p50 / 1000, "p99_ms": p99 / 1000, "cpu_us": used / requests * 1e6}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=12)
    parser.add_argument("--slice", type=float, default=4.0, help="seconds of load per slice")
    parser.add_argument("--prefill", type=int, default=100_000)
    parser.add_argument("--port", type=int, default=18290, help="the limit's port; the gateway's is the next")
    parser.add_argument("--limit-dir", type=Path, default=REPO.parent / "shared" / "bench")
    args = parser.parse_args()
    python = sys.executable
    tmp = Path(tempfile.mkdtemp(prefix="paired_send."))
    limit_base, gateway_base = f"http://127.0.0.1:{args.port}", f"http://127.0.0.1:{args.port + 1}"
    servers: dict[str, subprocess.Popen[bytes]] = {}
    try:
        servers["limit"] = start([python, str(args.limit_dir / "limit_server.py"), "--port", str(args.port),
                                  "--uvloop"], "READY", tmp / "limit.log", args.limit_dir)  # fmt: skip
        servers["gateway"] = start([python, "-m", "mockgateway", "serve", "--host", "127.0.0.1", "--port",
                                    str(args.port + 1), "--clock", "virtual"], "listening on", tmp / "gateway.log",
                                   REPO)  # fmt: skip
        urls = {"limit": f"{limit_base}/api/v2/sms", "gateway": f"{gateway_base}/api/v2/sms"}
        tokens = {"limit": "bench-token-0123456789abcdef", "gateway": token_from(gateway_base)}
        for name in servers:
            prefill(urls[name], tokens[name], args.prefill, tmp)
            wrk(urls[name], tokens[name], 2)  # warm-up
        print(f"# paired send run {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}: {args.pairs} pairs of "
              f"{args.slice:g} s slices, {args.prefill} stored in each, servers on cpu 0, wrk on cpu 1")  # fmt: skip
        results: dict[str, list[dict[str, float]]] = {"limit": [], "gateway": []}
        for pair in range(args.pairs):
            order = ("limit", "gateway") if pair % 2 == 0 else ("gateway", "limit")
            for name in order:
                got = measure(name, servers[name], urls[name], tokens[name], args.slice)
                results[name].append(got)
                print(f"pair {pair + 1:2} {name:8} {got['rps']:7.0f} req/s  p50 {got['p50_ms']:6.2f} ms  "
                      f"p99 {got['p99_ms']:7.2f} ms  {got['cpu_us']:5.0f} µs CPU/req", flush=True)  # fmt: skip
        summarize(results)
    finally:
        for proc in servers.values():
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()


def summarize(results: dict[str, list[dict[str, float]]]) -> None:
    limit, gateway = results["limit"], results["gateway"]
    ratios = sorted(g["rps"] / lim["rps"] for g, lim in zip(gateway, limit, strict=True))
    cpu = sorted(lim["cpu_us"] / g["cpu_us"] for g, lim in zip(gateway, limit, strict=True))
    for name, rows in results.items():
        print(f"{name:8} median {statistics.median(r['rps'] for r in rows):7.0f} req/s, "
              f"{statistics.median(r['cpu_us'] for r in rows):5.0f} µs CPU/req")  # fmt: skip
    print(f"ratio gateway/limit (req/s, per pair): median {statistics.median(ratios):.2f} "
          f"[{ratios[0]:.2f}..{ratios[-1]:.2f}]")  # fmt: skip
    print(f"ratio limit/gateway CPU per request: median {statistics.median(cpu):.2f} [{cpu[0]:.2f}..{cpu[-1]:.2f}]")


if __name__ == "__main__":
    main()
