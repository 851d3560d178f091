#!/usr/bin/env python3
"""What a send costs on the Redis store, the gateway's CPU and Redis's own, against the memory store; and one
worker against two.

    .venv/bin/python bench/redis_scale.py [--variants memory,redis] [--pairs 4] [--slice 5] [--lifecycle]
    .venv/bin/python bench/redis_scale.py --variants redis,redis-w2 --unpinned --lifecycle

Variants: ``memory`` (``serve --store memory``), ``redis`` (one process on a private redis-server started here,
Debian's package, no persistence), ``redis-wN`` (``serve --workers N`` on that Redis), and the probes of leaner
layouts ``redis-owned`` and ``redis-owned-WORD-WORD...`` such as ``redis-owned-nodlv-delta-log-once``
(``redis_owned.py``, which names the words: only the send path, for ``--lifecycle``). Each variant runs side
by side with the others, loaded in turn by wrk (``send.lua``, ``-c32``) for ``--slice`` seconds, ``--pairs`` times,
the order rotated every round, as ``paired_send.py`` does. Per slice: sends answered per second, the gateway's
CPU per send (the serving process and its workers), and the redis-server's CPU per send.

By default the gateway is pinned to cpu 0 and wrk and redis-server to cpu 1, and the clock is virtual: the figure
is the accept path (the message and its planned steps kept). ``--lifecycle`` runs the real clock with a
counting callback sink (``sink.py``) on port 9999, and sends that ask for their ACKs there (``ACKED``): each send
then also costs its steps, their notifications and their callbacks (three of each), counted until the
gateway and Redis are idle again after the slice (so a variant that falls behind is charged for its backlog).
``--unpinned`` lets every process use both cores (how ``--workers`` is meant to be used), with wrk sharing them.
``--commandstats`` adds, per Redis variant, what Redis ran per send (``INFO commandstats`` before and after each of
its slices): calls and microseconds of each command, scripts' inner commands included, and how many socket reads
(batches of commands) and KiB it received.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from paired_send import RESULT, token_from
from procstat import CLK_TCK, machine_busy_ticks, process_ticks

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
sys.path.insert(0, str(REPO))  # for tests.redis_server

from bench.pinned_redis import redis_command  # noqa: E402
from tests.redis_server import ensure_redis_server, free_port  # noqa: E402

Stats = dict[str, tuple[int, float]]  #: command -> (calls, microseconds), as ``INFO commandstats`` counts them


def tree(pid: int) -> list[int]:
    """``pid`` and its descendants (the workers of ``serve --workers``)."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in task.read_text().split():
            found += tree(int(child))
    return found


def tree_ticks(pid: int) -> int:
    return sum(process_ticks(p) for p in tree(pid))


def pin(cpu: str | None) -> list[str]:
    return [] if cpu is None else ["taskset", "-c", cpu]


def start(cmd: list[str], ready: str, log: Path) -> subprocess.Popen[bytes]:
    out = log.open("wb")
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=REPO)
    deadline = time.monotonic() + 60
    while ready not in log.read_text(errors="replace"):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"{cmd} did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.05)
    return proc


def start_redis(tmp: Path, cpu: str | None) -> tuple[subprocess.Popen[bytes], str]:
    missing = ensure_redis_server()
    if missing is not None:
        raise SystemExit(missing)
    port = free_port()
    server = start(redis_command(port, tmp, cpu), "Ready to accept connections", tmp / "redis.log")
    return server, f"redis://127.0.0.1:{port}/0"


def gateway_command(variant: str, port: int, redis_url: str, lifecycle: bool, cpu: str | None) -> list[str]:
    program = [sys.executable, "-m", "mockgateway"]
    if variant.startswith("redis-owned"):  # the probe of the leanest layouts; its shape from the name's words
        shape = ",".join(variant.removeprefix("redis-owned").split("-"))
        program = ["env", f"MG_PROBE={shape}", sys.executable, str(BENCH / "redis_owned.py")]
    cmd = [*pin(cpu), *program, "serve", "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--clock", "real" if lifecycle else "virtual"]
    if variant == "memory":
        return [*cmd, "--store", "memory"]
    cmd += ["--store", redis_url, "--redis-prefix", f"bench-{variant}-{port}:"]
    if variant.startswith("redis-w"):
        cmd += ["--workers", variant.removeprefix("redis-w")]
    return cmd


#: With ``--lifecycle``: a send that asks for its ACKs, posted to the sink.
ACKED = '{"destination":["447700900123"],"message":"Hello World!!","acknowledgement":true,"ackType":"MESSAGE",' \
        '"callback":"http://127.0.0.1:9999/acks"}'  # fmt: skip


def wrk(url: str, token: str, seconds: float, cpu: str | None, body: str | None = None) -> str:
    env = {"MG_TOKEN": token, "PATH": "/usr/bin:/bin:/usr/local/bin", **({"MG_BODY": body} if body else {})}
    cmd = [*pin(cpu), "wrk", "-t1", "-c32", f"-d{seconds:g}s", "--latency", "-s", str(BENCH / "send.lua"), url]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=seconds + 60).stdout


def measure(gateway: subprocess.Popen[bytes], redis: subprocess.Popen[bytes], url: str, token: str,
            seconds: float, cpu: str | None, body: str | None) -> dict[str, float]:  # fmt: skip
    own = {gateway.pid, redis.pid}
    before_gateway, before_redis, before_all = tree_ticks(gateway.pid), process_ticks(redis.pid), machine_busy_ticks()
    started = time.monotonic()
    out = wrk(url, token, seconds, cpu, body)
    if body is not None:  # the lifecycle: the steps and callbacks of the slice's sends belong to its cost
        settle(gateway.pid, redis.pid)
    elapsed = time.monotonic() - started
    gateway_s = (tree_ticks(gateway.pid) - before_gateway) / CLK_TCK
    redis_s = (process_ticks(redis.pid) - before_redis) / CLK_TCK
    others_s = (machine_busy_ticks() - before_all) / CLK_TCK - gateway_s - redis_s
    match = RESULT.search(out)
    if match is None:
        raise SystemExit(f"no RESULT from wrk against {url} ({own}):\n{out}")
    rps, _p50, p99, requests, non2xx = (float(g) for g in match.groups())
    if non2xx:
        raise SystemExit(f"{url} answered {int(non2xx)} requests with a non-2xx status")
    return {
        "rps": rps,
        "p99_ms": p99 / 1000,
        "gateway_us": gateway_s / requests * 1e6,
        "redis_us": redis_s / requests * 1e6,
        "others_pct": max(0.0, others_s) / elapsed * 100,  # wrk included
        "requests": requests,
    }


def settle(gateway: int, redis: int, quiet_ticks: int = 3, step: float = 0.5, limit: float = 60.0) -> None:
    """Wait until the gateway and Redis have finished the work the slice started (the steps fall due seconds
    after their send): less than ``quiet_ticks`` of their CPU in ``step`` seconds."""
    deadline = time.monotonic() + limit
    last = tree_ticks(gateway) + process_ticks(redis)
    while time.monotonic() < deadline:
        time.sleep(step)
        now = tree_ticks(gateway) + process_ticks(redis)
        if now - last < quiet_ticks:
            return
        last = now


def command_stats(redis_url: str) -> Stats:
    import redis  # the gateway's own dependency

    client = redis.Redis.from_url(redis_url)
    try:
        info = client.info("commandstats")
        stats = client.info("stats")
    finally:
        client.close()
    found = {name.removeprefix("cmdstat_"): (int(v["calls"]), float(v["usec"])) for name, v in info.items()}
    found["(socket reads)"] = (int(stats["total_reads_processed"]), 0.0)  # each a batch of a client's commands
    found["(KiB received)"] = (int(stats["total_net_input_bytes"]) // 1024, 0.0)
    return found


def stats_delta(before: Stats, after: Stats) -> Stats:
    empty = (0, 0.0)
    return {
        name: (calls - before.get(name, empty)[0], usec - before.get(name, empty)[1])
        for name, (calls, usec) in after.items()
        if calls != before.get(name, empty)[0]
    }


def print_command_stats(variant: str, stats: Stats, sends: float) -> None:
    total = sum(usec for _, usec in stats.values())
    print(f"{variant}: Redis commands per send ({total / sends:.1f} µs of command time per send)")
    for name, (calls, usec) in sorted(stats.items(), key=lambda item: -item[1][1]):
        print(f"  {name:16} {calls / sends:6.2f} calls  {usec / sends:6.1f} µs  ({usec / max(calls, 1):5.2f} µs each)")


def sink_count() -> int:
    with urllib.request.urlopen("http://127.0.0.1:9999/stats", timeout=5) as answer:
        return int(json.load(answer)["count"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variants", default="memory,redis")
    parser.add_argument("--pairs", type=int, default=4, help="rounds; each loads every variant once")
    parser.add_argument("--slice", type=float, default=5.0, help="seconds of load per slice")
    parser.add_argument("--lifecycle", action="store_true", help="real clock, callbacks to a sink on :9999")
    parser.add_argument("--unpinned", action="store_true", help="no taskset: every process may use every core")
    parser.add_argument("--port", type=int, default=18390)
    parser.add_argument("--commandstats", action="store_true", help="what Redis ran per send, command by command")
    args = parser.parse_args()
    variants = args.variants.split(",")
    body = ACKED if args.lifecycle else None
    server_cpu, load_cpu = (None, None) if args.unpinned else ("0", "1")
    tmp = Path(tempfile.mkdtemp(prefix="redis_scale."))
    procs: list[subprocess.Popen[bytes]] = []
    try:
        redis, redis_url = start_redis(tmp, load_cpu)
        procs.append(redis)
        if args.lifecycle:
            procs.append(start([sys.executable, str(BENCH / "sink.py"), "--port", "9999", "--quiet"], "READY",
                               tmp / "sink.log"))  # fmt: skip
        gateways, urls, tokens = {}, {}, {}
        for offset, variant in enumerate(variants):
            port = args.port + offset
            cmd = gateway_command(variant, port, redis_url, args.lifecycle, server_cpu)
            gateways[variant] = start(cmd, "listening on", tmp / f"gateway-{variant}.log")
            procs.append(gateways[variant])
            base = f"http://127.0.0.1:{port}"
            urls[variant], tokens[variant] = f"{base}/api/v2/sms", token_from(base)
            wrk(urls[variant], tokens[variant], 2, load_cpu)  # warm-up
        mode = "lifecycle (real clock, callbacks to a sink)" if args.lifecycle else "accept path (virtual clock)"
        pinning = "unpinned" if args.unpinned else "gateway on cpu 0, wrk and redis-server on cpu 1"
        print(f"# redis_scale {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}: {mode}; {pinning}; "
              f"{args.pairs} rounds of {args.slice:g} s slices")  # fmt: skip
        results: dict[str, list[dict[str, float]]] = {variant: [] for variant in variants}
        commands: dict[str, Stats] = {}
        for round_ in range(args.pairs):
            order = variants[round_ % len(variants) :] + variants[: round_ % len(variants)]
            for variant in order:
                counting = args.commandstats and variant != "memory"
                before = command_stats(redis_url) if counting else {}
                got = measure(gateways[variant], redis, urls[variant], tokens[variant], args.slice, load_cpu, body)
                results[variant].append(got)
                if counting:
                    delta = stats_delta(before, command_stats(redis_url))
                    summed = commands.setdefault(variant, {})
                    for name, (calls, usec) in delta.items():
                        old = summed.get(name, (0, 0.0))
                        summed[name] = (old[0] + calls, old[1] + usec)
                print(f"round {round_ + 1:2} {variant:9} {got['rps']:7.0f} sends/s  p99 {got['p99_ms']:7.2f} ms  "
                      f"gateway {got['gateway_us']:6.0f} µs/send  redis {got['redis_us']:5.0f} µs/send  "
                      f"others {got['others_pct']:4.0f} %", flush=True)  # fmt: skip
        for variant, rows in results.items():
            print(f"{variant:9} median {statistics.median(r['rps'] for r in rows):7.0f} sends/s, gateway "
                  f"{statistics.median(r['gateway_us'] for r in rows):6.0f} µs/send, redis "
                  f"{statistics.median(r['redis_us'] for r in rows):5.0f} µs/send")  # fmt: skip
        for variant, stats in commands.items():
            print_command_stats(variant, stats, sum(r["requests"] for r in results[variant]))
        if args.lifecycle:
            print(f"callbacks received by the sink: {sink_count()}")
    finally:
        for proc in reversed(procs):
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    main()
