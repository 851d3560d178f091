"""Pull-path benchmark: ``GET /api/v2/sms/status`` with a million stored ACKs, and a full 72-hour purge.

    .venv/bin/python bench/pull.py                          # both stores, 1,000,000 ACKs
    .venv/bin/python bench/pull.py --store memory --acks 200000 --queries 100

For each store, a server process (127.0.0.1, virtual clock, uvloop when installed) is filled with ACKs spread
evenly over the 72 hours before its clock, and reports its resident memory (VmRSS) before and after. The
client, in this process, then measures sequential requests over keep-alive:
  * floor: ``GET /__admin/health`` (the cost of any request on this stack);
  * status pages over the whole window: the first, a middle and the last page, ``status=DELIVERED``, ``orderId``;
  * purge: the clock is moved past the retention window (one admin request that purges everything, in
    batches), while a second client keeps pulling page 1; the worst latency seen meanwhile is reported.
Only ACKs are stored (no messages), so memory per ACK is the ACK's own cost. Prints a table and a JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import multiprocessing as mp
import sqlite3
import statistics
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import aiohttp

from mockgateway.bootstrap import build_gateway, build_store
from mockgateway.clock import FakeClock
from mockgateway.config import Settings
from mockgateway.domain.model import MessageStatus, Notification
from mockgateway.http.app import create_app
from mockgateway.storage.sqlite import SqliteStore
from mockgateway.storage.sqlite_sql import INSERT_NOTIFICATION, notification_values

T0 = 1767225600.0  # 2026-01-01T00:00:00Z: the ACKs span T0 .. T0 + 72 h, the server clock stands at T0 + 72 h
WINDOW_S = 72 * 3600.0
FIRST_ID = 3_000_000_000


def disk_bytes(directory: Path) -> int:
    return sum(p.stat().st_size for p in directory.glob("pull.db*"))


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def acks(count: int) -> Any:
    """SENT then DELIVERED for each of count/2 messages; every hundredth message fails instead (DB62).

    As in the gateway, both ACKs of a message share its id (its order id) and destination strings.
    """
    step = WINDOW_S / count
    order = destination = ""
    for i in range(count):
        if i % 2 == 0:
            order, destination = str(FIRST_ID + i // 2), f"4477009{(i // 2) % 100000:05d}"
        failed = i % 2 == 1 and (i // 2) % 100 == 0
        status = MessageStatus.SENT if i % 2 == 0 else (MessageStatus.FAILED if failed else MessageStatus.DELIVERED)
        yield Notification(
            id=f"{i:016X}",
            message_id=order,
            account="demo",
            provider="livelink",
            part_index=0,
            part_id=order,
            status=status,
            created_at=T0 + i * step,
            code="DB62" if failed else None,
            retriable=True if failed else None,
            destination=destination,
            scenario="default",
        )


def fill_sqlite(path: Path, count: int) -> None:
    """Straight into the file (the schema exists): a bulk load, not a million single writes."""
    db = sqlite3.connect(path)
    batch: list[tuple[Any, ...]] = []
    for n in acks(count):
        batch.append(notification_values(n))
        if len(batch) == 50_000:
            db.executemany(INSERT_NOTIFICATION, batch)
            db.commit()
            batch.clear()
    db.executemany(INSERT_NOTIFICATION, batch)
    db.commit()
    db.close()


async def _create_schema(path: Path) -> None:
    store = SqliteStore(path)
    await store.open()
    await store.close()


def serve(kind: str, count: int, directory: str, reply: Connection) -> None:
    """The server process: fill the store, then serve until terminated."""
    try:
        import uvloop

        runner = asyncio.Runner(loop_factory=uvloop.new_event_loop)
    except ImportError:
        runner = asyncio.Runner()
    with runner:
        runner.run(_serve(kind, count, Path(directory), reply))


async def _serve(kind: str, count: int, directory: Path, reply: Connection) -> None:
    path = directory / "pull.db"
    store = "memory" if kind == "memory" else f"sqlite:{path}"
    # Tokens outlive the jump of the virtual clock, so pulls during the purge are real pages, not 401s.
    settings = Settings(clock="virtual", seed=1, store=store, access_token_ttl_s=30 * 86400.0)
    clock = FakeClock(T0)
    kept, journal = build_store(settings)
    gateway = build_gateway(settings, clock=clock, store=kept, journal=journal)
    gc.collect()
    before = rss_kib()
    started = time.perf_counter()
    if kind == "memory":
        for n in acks(count):
            await kept.add_notification(n)
    else:
        await _create_schema(path)
        fill_sqlite(path, count)
    filled_s = time.perf_counter() - started
    clock.set(T0 + WINDOW_S)
    app = create_app(settings, gateway=gateway)
    web_runner = aiohttp.web.AppRunner(app, access_log=None)
    await web_runner.setup()
    site = aiohttp.web.TCPSite(web_runner, "127.0.0.1", 0)
    await site.start()
    gc.collect()
    after = rss_kib()
    port = web_runner.addresses[0][1]
    disk = disk_bytes(directory) if kind == "sqlite" else 0
    reply.send({"port": port, "rss_before_kib": before, "rss_after_kib": after, "fill_s": filled_s, "disk": disk})
    await asyncio.Event().wait()


# -- the client -----------------------------------------------------------------------------------
def stamp(epoch: float) -> str:
    return time.strftime("%Y%m%d%H%M", time.gmtime(epoch))


def window(**extra: str) -> dict[str, str]:
    return {"startUTCTime": stamp(T0), "endUTCTime": stamp(T0 + WINDOW_S + 60), **extra}


async def timed_get(
    session: aiohttp.ClientSession, url: str, params: dict[str, str] | None = None
) -> tuple[float, Any]:
    started = time.perf_counter()
    async with session.get(url, params=params) as response:
        body = await response.json()
        assert response.status == 200, body
    return (time.perf_counter() - started) * 1000, body


async def series(session: aiohttp.ClientSession, url: str, params: dict[str, str] | None, n: int) -> dict[str, float]:
    for _ in range(5):  # warm up
        await timed_get(session, url, params)
    times = [(await timed_get(session, url, params))[0] for _ in range(n)]
    times.sort()
    return {"p50_ms": statistics.median(times), "p99_ms": times[int(len(times) * 0.99) - 1], "max_ms": times[-1]}


async def measure(port: int, count: int, queries: int) -> dict[str, Any]:
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{base}/api/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=aiohttp.BasicAuth("demo-app-key", "demo-app-secret"),
        ) as response:
            token = (await response.json())["access_token"]
        session.headers["Authorization"] = f"Bearer {token}"
        status = f"{base}/api/v2/sms/status"
        _, first = await timed_get(session, status, window())
        pages = first["pageCount"]
        assert pages == -(-count // 10), first["pageCount"]
        results = {
            "floor (GET /__admin/health)": await series(session, f"{base}/__admin/health", None, queries),
            "status page 1": await series(session, status, window(pageIndex="1"), queries),
            f"status page {pages // 2}": await series(session, status, window(pageIndex=str(pages // 2)), queries),
            f"status page {pages} (last)": await series(session, status, window(pageIndex=str(pages)), queries),
            "status=DELIVERED page 1": await series(session, status, window(status="DELIVERED"), queries),
            "orderId=<one order>": await series(session, status, window(orderId=str(FIRST_ID + count // 4)), queries),
        }
        results["purge"] = await purge_while_pulling(session, base)
        _, left = await timed_get(session, status, window())
        results["purge"]["left_after"] = left["pageCount"]
    return results


async def purge_while_pulling(session: aiohttp.ClientSession, base: str) -> dict[str, float]:
    latencies: list[float] = []
    done = asyncio.Event()

    async def pull() -> None:
        while not done.is_set():
            latencies.append((await timed_get(session, f"{base}/api/v2/sms/status", window()))[0])

    puller = asyncio.create_task(pull())
    await asyncio.sleep(0.2)  # the puller is running before the purge starts
    warm = len(latencies)
    started = time.perf_counter()
    async with session.post(f"{base}/__admin/clock/advance", json={"seconds": WINDOW_S + 120}) as response:
        assert response.status == 200, await response.text()
    purge_s = time.perf_counter() - started
    during = latencies[warm:]
    done.set()
    await puller
    return {
        "purge_s": purge_s,
        "requests_during": len(during),
        "p50_ms": statistics.median(during) if during else 0.0,
        "max_ms": max(during) if during else 0.0,
    }


def run(kind: str, count: int, queries: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="mockgateway-pull-") as directory:
        parent, child = mp.Pipe()
        server = mp.get_context("fork").Process(target=serve, args=(kind, count, directory, child), daemon=True)
        server.start()
        try:
            while not parent.poll(1.0):
                if not server.is_alive():
                    raise SystemExit(f"the {kind} server stopped before it was ready")
            ready = parent.recv()
            results = asyncio.run(measure(ready["port"], count, queries))
        finally:
            server.terminate()
            server.join(10)
    per_ack = (ready["rss_after_kib"] - ready["rss_before_kib"]) * 1024 / count
    return {
        "store": kind,
        "acks": count,
        "fill_s": ready["fill_s"],
        "rss_bytes_per_ack": per_ack,
        "disk_bytes_per_ack": ready["disk"] / count,
        "rss_after_mib": ready["rss_after_kib"] / 1024,
        **results,
    }


def report(result: dict[str, Any]) -> None:
    print(f"\n== {result['store']} store, {result['acks']:,} ACKs (filled in {result['fill_s']:.1f} s)")
    print(
        f"resident memory: {result['rss_after_mib']:.0f} MiB, {result['rss_bytes_per_ack']:.0f} bytes per ACK", end=""
    )
    print(f"; on disk {result['disk_bytes_per_ack']:.0f} bytes per ACK" if result["disk_bytes_per_ack"] else "")
    print(f"{'request':<32} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for name, figures in result.items():
        if isinstance(figures, dict) and "p99_ms" in figures:
            print(f"{name:<32} {figures['p50_ms']:>8.2f} {figures['p99_ms']:>8.2f} {figures['max_ms']:>8.2f}")
    purge = result["purge"]
    print(
        f"purge of {result['acks']:,} ACKs: {purge['purge_s']:.2f} s; {purge['requests_during']} status requests "
        f"meanwhile, p50 {purge['p50_ms']:.2f} ms, worst {purge['max_ms']:.2f} ms; pages left: {purge['left_after']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--acks", type=int, default=1_000_000)
    parser.add_argument("--store", choices=("memory", "sqlite", "both"), default="both")
    parser.add_argument("--queries", type=int, default=300, help="requests per measured series")
    args = parser.parse_args()
    kinds = ("memory", "sqlite") if args.store == "both" else (args.store,)
    results = [run(kind, args.acks, args.queries) for kind in kinds]
    for result in results:
        report(result)
    print("\nJSON " + json.dumps(results), file=sys.stderr)


if __name__ == "__main__":
    main()
