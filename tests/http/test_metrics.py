"""``/__admin/metrics``: the Prometheus text format, and counters that move with traffic."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from mockgateway import __version__
from mockgateway.bootstrap import build_gateway
from mockgateway.clock import FakeClock
from mockgateway.config import Settings
from mockgateway.http import metrics
from mockgateway.http.app import create_app
from tests.http.test_admin_wait import send

Client = TestClient[Any, Any]
AiohttpServer = Callable[..., Awaitable[TestServer]]
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_]\w*="(?:[^"\\]|\\.)*",?)*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"')


def parse(text: str) -> tuple[Samples, dict[str, str]]:
    """Samples by (name, labels), and the declared type of each family; fails on any malformed line."""
    samples: Samples = {}
    types: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            types[name] = kind
            continue
        if line.startswith("# HELP ") or not line:
            continue
        match = SAMPLE.match(line)
        assert match, f"not a sample line: {line!r}"
        name, labels, value = match.groups()
        family = re.sub(r"_(bucket|sum|count)$", "", name) if name not in types else name
        assert family in types, f"{name} has no # TYPE line"
        samples[(name, frozenset(LABEL.findall(labels or "")))] = float(value)
    return samples, types


async def scrape(client: Client) -> Samples:
    response = await client.get("/__admin/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    samples, _ = parse(await response.text())
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def histogram(samples: Samples, name: str, **labels: str) -> list[float]:
    """The cumulative bucket counts, checked to be consistent with ``_count``."""
    buckets = sorted(
        (float(dict(key)["le"]), count)
        for (sample, key), count in samples.items()
        if sample == f"{name}_bucket" and {k: v for k, v in key if k != "le"} == labels
    )
    counts = [count for _, count in buckets]
    assert counts == sorted(counts), "buckets must be cumulative"
    assert buckets[-1][0] == float("inf")
    assert counts[-1] == value(samples, f"{name}_count", **labels)
    return counts


async def test_a_fresh_gateway_declares_every_family(client: Client) -> None:
    response = await client.get("/__admin/metrics")
    samples, types = parse(await response.text())
    assert types == {
        "mockgateway_build_info": "gauge",
        "mockgateway_messages_accepted_total": "counter",
        "mockgateway_notifications_total": "counter",
        "mockgateway_mo_messages_total": "counter",
        "mockgateway_callback_attempts_total": "counter",
        "mockgateway_provider_request_duration_seconds": "histogram",
        "mockgateway_callback_attempt_duration_seconds": "histogram",
    }
    assert value(samples, "mockgateway_messages_accepted_total", provider="livelink") == 0


async def test_messages_notifications_and_mos_are_counted(client: Client, auth: dict[str, str], gateway: Any) -> None:
    await send(client, auth, "447700900001", "one")
    await send(client, auth, "447700900010", "two")  # SENT, then FAILED
    await client.post("/__admin/clock/advance", json={"seconds": 5})
    await client.post("/__admin/mo", json={"from": "+447700900001", "to": "447700900999", "text": "hi"})
    samples = await scrape(client)
    assert value(samples, "mockgateway_messages_accepted_total", provider="livelink") == 2
    assert value(samples, "mockgateway_notifications_total", provider="livelink", status="SENT") == 2
    assert value(samples, "mockgateway_notifications_total", provider="livelink", status="DELIVERED") == 1
    assert value(samples, "mockgateway_notifications_total", provider="livelink", status="FAILED") == 1
    assert value(samples, "mockgateway_mo_messages_total", provider="livelink") == 1
    # A reset forgets messages, not what was counted.
    await gateway.reset()
    assert value(await scrape(client), "mockgateway_messages_accepted_total", provider="livelink") == 2


async def test_provider_requests_are_timed_per_route(client: Client, auth: dict[str, str]) -> None:
    await send(client, auth, "447700900001", "one")
    await send(client, auth, "447700900002", "two")
    bad = await client.post("/api/v2/sms", json={"message": "no destination"}, headers=auth)
    assert bad.status == 400
    samples = await scrape(client)
    name = "mockgateway_provider_request_duration_seconds"
    assert histogram(samples, name, provider="livelink", route="POST /api/v2/sms")[-1] == 3
    assert histogram(samples, name, provider="livelink", route="POST /api/oauth/token")[-1] == 1
    assert value(samples, f"{name}_sum", provider="livelink", route="POST /api/v2/sms") > 0
    # Routes never called are left out rather than listed as zeros.
    assert not any(dict(labels).get("route") == "GET /api/v2/sms/mo" for _, labels in samples)


async def test_callback_attempts_are_counted_by_outcome(
    client: Client, auth: dict[str, str], aiohttp_server: AiohttpServer
) -> None:
    answers = [503, 200, 400]  # a retry that then gets through; then a refusal, which is final

    async def receive(request: web.Request) -> web.Response:
        return web.Response(status=answers.pop(0))

    receiver = web.Application()
    receiver.router.add_post("/acks", receive)
    server = await aiohttp_server(receiver)
    await client.put("/__admin/accounts/demo/callbacks", json={"status_callback": str(server.make_url("/acks"))})
    await send(client, auth, "447700900001", "one", acknowledgement=True)
    await client.post("/__admin/clock/advance", json={"seconds": 1})  # SENT: the callback answers 503
    await client.post("/__admin/clock/advance", json={"seconds": 1})  # the retry answers 200
    await send(client, auth, "447700900123", "two", acknowledgement=True)
    await client.post("/__admin/clock/advance", json={"seconds": 1})  # SENT: 400
    assert answers == []
    samples = await scrape(client)
    counted = {
        outcome: value(samples, "mockgateway_callback_attempts_total", kind="status", outcome=outcome)
        for outcome in ("delivered", "retry", "failed")
    }
    assert counted == {"delivered": 1, "retry": 1, "failed": 1}
    assert histogram(samples, "mockgateway_callback_attempt_duration_seconds", kind="status")[-1] == 3


async def test_each_gateway_counts_apart(client: Client, auth: dict[str, str], aiohttp_client: Any) -> None:
    other = await aiohttp_client(create_app(Settings(clock="virtual")))
    await send(client, auth, "447700900001", "one")
    assert value(await scrape(client), "mockgateway_messages_accepted_total", provider="livelink") == 1
    assert value(await scrape(other), "mockgateway_messages_accepted_total", provider="livelink") == 0
    assert value(await scrape(other), "mockgateway_build_info", version=__version__) == 1


async def test_a_worker_whose_accepted_count_stopped_being_written_says_so_when_it_stops(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(metrics.MULTIPROC_DIR, str(tmp_path))
    monkeypatch.setattr(metrics, "ACCEPTED_FLUSH_S", 0.0)
    counter = metrics.Metrics()
    tried = asyncio.Event()

    def full_disk() -> None:
        tried.set()
        raise OSError("No space left on device")

    monkeypatch.setattr(counter, "count_accepted", full_disk)
    gateway = build_gateway(Settings(clock="virtual"), clock=FakeClock(0))

    async def run_until_the_first_flush() -> None:
        async with counter.listening(gateway):
            await tried.wait()

    with pytest.raises(OSError, match="No space left on device"):
        await run_until_the_first_flush()
