#!/usr/bin/env python3
"""Soak: sends at half the measured maximum rate for minutes on the real clock; memory, errors, latency.

    .venv/bin/python bench/soak.py [--minutes 10] [--rate N] [--probe 20] [--retention 60s] [--port 18390]

1. Starts ``bench/sink.py`` (cpu 1) and ``mockgateway serve`` on the real clock (cpu 0) with one account whose
   ACKs go to the sink and a short ``--retention``, so that after the first window every stored message,
   notification and callback record is forgotten at the rate new ones arrive.
2. Unless ``--rate`` is given, measures the maximum: ``--concurrency`` clients post ``POST /api/v2/sms`` back to
   back for ``--probe`` seconds; the maximum is what the second half sustained, once the callbacks flow: the
   sends answered, or the callbacks the sink counted over three (one a status change), whichever is lower; the soak
   rate is half of it.
3. Sends at that rate, open loop (a request is due every 1/rate s whether or not earlier ones are answered), for
   ``--minutes``. Latency is measured from when a request was due, so a stall counts for every request it held.
4. With ``--sizes FILE``, the gateway runs through ``bench/sizes.py``, which writes the size of every container
   it holds to FILE every ``--sizes-every`` seconds.
5. Samples the gateway's RSS every ``--sample`` seconds and, at the end, prints errors (non-2xx answers and failed
   connections: must be 0), p50/p99/max latency, callbacks the sink counted, the RSS when the retention window
   is first full (``--retention`` + 30 s after the soak starts) and at the end, and the CPU other processes
   used meanwhile (% of one core).

The loader runs in this process (uvloop, one aiohttp session), pinned to cpu 1 with the sink.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import uvloop
from procstat import CLK_TCK, machine_busy_ticks, process_ticks

REPO = Path(__file__).resolve().parents[1]
# ackType MESSAGE: every status is pushed (SENT, DELIVERED, RECEIVED in the default scenario: three callbacks).
BODY = b'{"destination":["447700900123"],"message":"Hello World!!","acknowledgement":true,"ackType":"MESSAGE"}'
CONFIG = """\
accounts:
  - name: soak
    livelink: {{app_key: soak-key, app_secret: soak-secret, client_id: 12345}}
    status_callback_url: http://127.0.0.1:{sink_port}/acks
oauth: {{access_token_ttl: 24h}}
retention: {retention}
"""


#: The soak account's ACKs: SENT, DELIVERED and RECEIVED, each a callback.
CALLBACKS_PER_MESSAGE = 3


def start(
    cmd: list[str], cpu: int, ready: str, log: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(["taskset", "-c", str(cpu), *cmd], stdout=log.open("wb"), stderr=subprocess.STDOUT,
                            cwd=REPO, env=None if env is None else {**os.environ, **env})  # fmt: skip
    deadline = time.monotonic() + 30
    while ready not in log.read_text(errors="replace"):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"{cmd[1]} did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.05)
    return proc


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Tally:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors: dict[str, int] = {}

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


async def post(session: aiohttp.ClientSession, url: str, tally: Tally, due: float) -> None:
    try:
        async with session.post(url, data=BODY) as answer:
            await answer.read()
            if answer.status >= 300:
                tally.error(f"HTTP {answer.status}")
                return
    except (TimeoutError, aiohttp.ClientError, OSError) as error:
        tally.error(type(error).__name__)
        return
    tally.latencies.append(time.monotonic() - due)


async def probe(session: aiohttp.ClientSession, url: str, seconds: float, concurrency: int, sink: str) -> float:
    """Sends back to back; the maximum is what the second half sustained with its callbacks: the sends answered,
    or the callbacks the sink counted over three, whichever is lower (sends can run ahead of their callbacks)."""
    tally = Tally()
    end = time.monotonic() + seconds

    async def client() -> None:
        while time.monotonic() < end:
            await post(session, url, tally, time.monotonic())

    async def settle() -> tuple[int, int]:
        await asyncio.sleep(seconds / 2)
        return len(tally.latencies), await callbacks_counted(session, sink)

    counted = asyncio.create_task(settle())
    await asyncio.gather(*(client() for _ in range(concurrency)))
    if tally.errors:
        raise SystemExit(f"errors while measuring the maximum rate: {tally.errors}")
    sends_before, callbacks_before = counted.result()
    # The second half only: by then the first messages' callbacks are due, and cost what they cost in the soak.
    sends = (len(tally.latencies) - sends_before) / (seconds / 2)
    callbacks = (await callbacks_counted(session, sink) - callbacks_before) / (seconds / 2)
    return min(sends, callbacks / CALLBACKS_PER_MESSAGE)


async def callbacks_counted(session: aiohttp.ClientSession, sink: str) -> int:
    async with session.get(f"{sink}/stats") as answer:
        return int((await answer.json())["count"])


async def soak(session: aiohttp.ClientSession, url: str, rate: float, seconds: float, tally: Tally) -> None:
    """Open loop: every request is started when due; the loop catches up after a stall instead of skipping."""
    interval = 1 / rate
    start = time.monotonic()
    sent = 0
    pending: set[asyncio.Task[None]] = set()
    while (now := time.monotonic()) < start + seconds:
        due_count = int((now - start) / interval) + 1 - sent
        for _ in range(due_count):
            task = asyncio.create_task(post(session, url, tally, start + sent * interval))
            pending.add(task)
            task.add_done_callback(pending.discard)
            sent += 1
        await asyncio.sleep(min(interval, 0.005))
    await asyncio.gather(*pending)


async def sample(pid: int, every: float, start: float, samples: list[tuple[float, float]]) -> None:
    while True:
        samples.append((time.monotonic() - start, rss_mb(pid)))
        await asyncio.sleep(every)


async def run(args: argparse.Namespace, gateway: subprocess.Popen[bytes], sink_port: int) -> None:
    base = f"http://127.0.0.1:{args.port}"
    connector = aiohttp.TCPConnector(limit=args.concurrency * 8)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as session:
        basic = {"Authorization": "Basic " + base64.b64encode(b"soak-key:soak-secret").decode()}
        async with session.post(f"{base}/api/oauth/token", data={"grant_type": "client_credentials"},
                                headers=basic) as answer:  # fmt: skip
            token = (await answer.json())["access_token"]
        session.headers.update({"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        url = f"{base}/api/v2/sms"
        rate = args.rate
        if rate is None:
            before = process_ticks(gateway.pid)
            maximum = await probe(session, url, args.probe, args.concurrency, f"http://127.0.0.1:{sink_port}")
            busy_share = (process_ticks(gateway.pid) - before) / CLK_TCK / args.probe * 100
            rate = maximum / 2
            print(f"maximum: {maximum:.0f} sends/s over {args.probe:g} s ({args.concurrency} clients, gateway at "
                  f"{busy_share:.0f} % of its core); soak at {rate:.0f}/s", flush=True)  # fmt: skip
            await asyncio.sleep(args.retention_s)  # let the probe's burst age out of the window first
        async with session.delete(f"http://127.0.0.1:{sink_port}/stats"):
            pass  # count the soak's callbacks only
        samples: list[tuple[float, float]] = []
        tally = Tally()
        busy, own = machine_busy_ticks(), own_ticks(gateway.pid)
        started, wall = time.monotonic(), time.time()
        sampler = asyncio.create_task(sample(gateway.pid, args.sample, started, samples))
        minute = asyncio.create_task(progress(samples, tally, started))
        await soak(session, url, rate, args.minutes * 60, tally)
        sampler.cancel()
        minute.cancel()
        elapsed = time.monotonic() - started
        others = ((machine_busy_ticks() - busy) - (own_ticks(gateway.pid) - own)) / CLK_TCK / elapsed * 100
        await asyncio.sleep(10)  # the last messages' ACKs reach the sink
        async with session.get(f"http://127.0.0.1:{sink_port}/stats") as answer:
            delivered = (await answer.json())["count"]
        report(args, rate, tally, samples, delivered, others, wall, elapsed)


def own_ticks(gateway_pid: int) -> int:
    """This benchmark's own CPU: the gateway, this loader and the sink (its child)."""
    ticks = process_ticks(gateway_pid) + process_ticks(os.getpid())
    return ticks + sum(process_ticks(pid) for pid in SINK_PIDS)


SINK_PIDS: list[int] = []


async def progress(samples: list[tuple[float, float]], tally: Tally, started: float) -> None:
    while True:
        await asyncio.sleep(60)
        print(f"{(time.monotonic() - started) / 60:4.1f} min: {len(tally.latencies)} answered, "
              f"errors {sum(tally.errors.values())}, RSS {samples[-1][1]:.1f} MB", flush=True)  # fmt: skip


def rss_at(samples: list[tuple[float, float]], seconds: float) -> float:
    return next((rss for at, rss in samples if at >= seconds), samples[-1][1])


def report(
    args: argparse.Namespace, rate: float, tally: Tally, samples: list[tuple[float, float]], delivered: int,
    others: float, wall: float, elapsed: float,
) -> None:  # fmt: skip
    latencies = sorted(tally.latencies)
    quantiles = statistics.quantiles(latencies, n=100, method="inclusive")
    full = args.retention_s + 30
    steady = [rss for at, rss in samples if at >= full] or [samples[-1][1]]
    at_full, at_end = rss_at(samples, full), samples[-1][1]
    print(f"# soak {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(wall))}, {elapsed / 60:.1f} min at "
          f"{rate:.0f} sends/s, retention {args.retention}")  # fmt: skip
    print(f"answered {len(latencies)} (achieved {len(latencies) / elapsed:.0f}/s), errors "
          f"{sum(tally.errors.values())} {tally.errors or ''}")  # fmt: skip
    print(f"latency from due: p50 {quantiles[49] * 1000:.2f} ms, p99 {quantiles[98] * 1000:.2f} ms, "
          f"max {latencies[-1] * 1000:.1f} ms")  # fmt: skip
    print(f"callbacks delivered to the sink: {delivered} ({delivered / max(len(latencies), 1):.2f} per message)")
    print(f"RSS: start {samples[0][1]:.1f} MB, retention window full ({full:g} s) {at_full:.1f} MB, end "
          f"{at_end:.1f} MB ({(at_end / at_full - 1) * 100:+.1f} %), after the window min {min(steady):.1f} "
          f"max {max(steady):.1f} MB")  # fmt: skip
    print("RSS by minute (MB): " + " ".join(f"{rss_at(samples, m * 60):.1f}" for m in range(int(elapsed // 60) + 1)))
    print(f"other processes' CPU meanwhile: {others:.0f} % of one core")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, help="sends per second (default: half the measured maximum)")
    parser.add_argument(
        "--probe", type=float, default=30.0, help="seconds to find the maximum (the second half counts)"
    )
    parser.add_argument("--concurrency", type=int, default=32, help="clients while measuring the maximum")
    parser.add_argument("--retention", default="60s")
    parser.add_argument("--sample", type=float, default=5.0, help="seconds between RSS samples")
    parser.add_argument("--sizes", metavar="FILE", help="run the gateway through bench/sizes.py, writing to FILE")
    parser.add_argument("--gateway-env", metavar="NAME=VALUE", action="append", default=[],
                        help="an environment variable for the gateway, e.g. PYTHONMALLOC=malloc")  # fmt: skip
    parser.add_argument("--sizes-every", type=float, default=30.0, help="seconds between --sizes samples")
    parser.add_argument("--port", type=int, default=18390, help="the gateway's port; the sink's is the next")
    args = parser.parse_args()
    from mockgateway.domain.durations import parse_duration

    args.retention_s = parse_duration(args.retention)
    tmp = Path(tempfile.mkdtemp(prefix="soak."))
    sink_port = args.port + 1
    config = tmp / "soak.yaml"
    config.write_text(CONFIG.format(sink_port=sink_port, retention=args.retention))
    python = sys.executable
    procs: list[subprocess.Popen[bytes]] = []
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so that the sink and the gateway are stopped too
    try:
        sink = start([python, str(REPO / "bench" / "sink.py"), "--port", str(sink_port), "--quiet"], 1, "READY",
                     tmp / "sink.log")  # fmt: skip
        procs.append(sink)
        SINK_PIDS.append(sink.pid)
        serve = ["serve", "--port", str(args.port), "--config", str(config)]
        launcher = ["-m", "mockgateway"]
        if args.sizes:  # the same gateway, writing its containers' sizes as it runs
            launcher = [str(REPO / "bench" / "sizes.py"), str(Path(args.sizes).resolve()), str(args.sizes_every)]
        env = dict(setting.split("=", 1) for setting in args.gateway_env)
        gateway = start([python, *launcher, *serve], 0, "listening on", tmp / "gateway.log", env)
        procs.append(gateway)
        os.sched_setaffinity(0, {1})
        uvloop.run(run(args, gateway, sink_port))
    finally:
        for proc in procs:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
        print(f"logs: {tmp}")


if __name__ == "__main__":
    main()
