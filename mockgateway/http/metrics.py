"""``GET /__admin/metrics``: counters and latency histograms in the Prometheus text format, by prometheus-client.

Each app has a registry of its own, so that several gateways in one process (tests, the pytest plugin) count
apart. Counts come from the event hub as things happen, so a reset of the gateway's state does not reset them
(Prometheus counters only go up while the process lives). Provider request latency is measured around each
provider endpoint; callback attempt latency is read from the attempts the dispatcher records.

In a process of its own, provider request latency is counted per route by ``RequestLatencies``:
prometheus-client's ``Histogram.observe`` costs about 0.75 µs a request (two checks, a lock per value it adds
to), a twentieth of the Live Link send handler; a route's own bucket counts cost a bisection and two additions.
They are read out, in the same text as the library's histogram, when a scrape collects the registry.

With ``serve --workers N`` each worker writes its samples to files in ``PROMETHEUS_MULTIPROC_DIR`` (the
library's multiprocess mode, chosen when it is imported) and a scrape of any worker reads them all as one sum.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from bisect import bisect_left
from collections.abc import AsyncIterator, Callable, Iterator
from itertools import accumulate

import prometheus_client
from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.metrics_core import HistogramMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

from mockgateway import __version__
from mockgateway.http.admin_common import GATEWAY, answering_errors
from mockgateway.service.events import Event
from mockgateway.service.gateway import Gateway
from mockgateway.tasks import stop

#: Seconds. The gateway answers in about a millisecond; scenarios can make a send take seconds.
REQUEST_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
REQUEST_LATENCY = "mockgateway_provider_request_duration_seconds"
REQUEST_LATENCY_HELP = "Time to answer provider API requests (sends, polls, tokens), by provider and route."
_REQUEST_LABELS = ("provider", "route")
#: Seconds. Receivers are the user's own services, often slower than the gateway.
CALLBACK_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
#: The classic text format; what ``generate_latest`` writes for these names.
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
#: Where prometheus-client keeps each process's samples in multiprocess mode (its own variable name).
MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"
#: Seconds between a worker's copies of the gateway's accepted count into its samples file.
ACCEPTED_FLUSH_S = 1.0


def multiprocess_dir() -> str | None:
    """The directory shared by the workers of ``serve --workers``; None in a process of its own."""
    return os.environ.get(MULTIPROC_DIR) or None


class RouteLatency:
    """One route's histogram: how many requests took at most each bucket's bound, and their total time."""

    __slots__ = ("_bounds", "_counts", "labels", "total")

    def __init__(self, bounds: tuple[float, ...], labels: tuple[str, str]) -> None:
        self._bounds = bounds
        self._counts = [0] * len(bounds)  #: per bucket, not cumulative; the last bound is +Inf
        self.labels = labels
        self.total = 0.0

    def observe(self, seconds: float) -> None:
        self._counts[bisect_left(self._bounds, seconds)] += 1  # the first bound at or above, as the library's
        self.total += seconds

    def cumulative(self) -> list[tuple[str, float]]:
        """The buckets as the text format has them: ``le`` and the count at or below it."""
        running = zip(self._bounds, accumulate(self._counts), strict=True)
        return [(floatToGoString(bound), float(seen)) for bound, seen in running]  # type: ignore[no-untyped-call]


class RequestLatencies(Collector):
    """The family of every route's histogram, registered with a registry that a scrape renders."""

    def __init__(self, name: str, documentation: str, buckets: tuple[float, ...]) -> None:
        self._name = name
        self._documentation = documentation
        self._bounds = (*buckets, float("inf"))
        self._routes: list[RouteLatency] = []  #: in the order of their first request

    def route(self, provider: str, route: str) -> Callable[[float], None]:
        """Where a route's handler reports each request's latency, in seconds."""
        latency = RouteLatency(self._bounds, (provider, route))
        self._routes.append(latency)
        return latency.observe  # a bound method: called as cheaply as a function, unlike an instance

    def collect(self) -> Iterator[Metric]:
        family = HistogramMetricFamily(self._name, self._documentation, labels=_REQUEST_LABELS)
        for latency in self._routes:
            buckets = latency.cumulative()
            if buckets[-1][1]:  # routes never called are left out, not zeros
                family.add_metric(latency.labels, buckets, latency.total)
        yield family

    def describe(self) -> Iterator[Metric]:
        yield HistogramMetricFamily(self._name, self._documentation, labels=_REQUEST_LABELS)


class Metrics:
    def __init__(self) -> None:
        # A `_created` sample per series is not part of the families served here, and multiprocess mode has none.
        prometheus_client.disable_created_metrics()  # type: ignore[no-untyped-call]  # untyped in the library
        self.registry = registry = CollectorRegistry()
        build_info = Gauge(
            "mockgateway_build_info", "The running version.", ["version"], registry=registry, multiprocess_mode="max"
        )
        build_info.labels(version=__version__).set(1)
        self.accepted = Counter(
            "mockgateway_messages_accepted", "Messages accepted for sending, by provider API.", ["provider"],
            registry=registry,
        )  # fmt: skip
        self.notifications = Counter(
            "mockgateway_notifications",
            "Status notifications (one per part and status), by provider API and status.",
            ["provider", "status"],
            registry=registry,
        )
        self.mos = Counter(
            "mockgateway_mo_messages", "Mobile-originated replies received, by provider API.", ["provider"],
            registry=registry,
        )  # fmt: skip
        self.callbacks = Counter(
            "mockgateway_callback_attempts",
            "Callback attempts by kind (status, mo) and outcome (delivered, retry, failed).",
            ["kind", "outcome"],
            registry=registry,
        )
        self.requests: Histogram | RequestLatencies
        if multiprocess_dir():  # each observation written to the files every worker's scrape reads
            self.requests = Histogram(
                REQUEST_LATENCY, REQUEST_LATENCY_HELP, _REQUEST_LABELS, buckets=REQUEST_BUCKETS, registry=registry
            )
        else:  # counted in this process (RequestLatencies)
            self.requests = RequestLatencies(REQUEST_LATENCY, REQUEST_LATENCY_HELP, REQUEST_BUCKETS)
            registry.register(self.requests)
        self.callback_latency = Histogram(
            "mockgateway_callback_attempt_duration_seconds",
            "Time callback receivers took to answer an attempt, by kind.",
            ["kind"],
            buckets=CALLBACK_BUCKETS,
            registry=registry,
        )
        #: The notification series by (provider, status): a dict lookup per notification, not ``labels()``'s 3 µs.
        self._notification_series: dict[tuple[str, str], Counter] = {}
        self._accepted_counted: dict[str, int] = {}  #: the gateway's running totals as last copied, per provider
        self._gateway: Gateway | None = None

    # -- measuring --------------------------------------------------------------------------------------
    def observer(self, provider: str, route: str) -> Callable[[float], None]:
        """Where a route's handler reports each request's latency, in seconds.

        The route's series is made at its first request: routes never called are left out, not zeros.
        """
        if isinstance(self.requests, RequestLatencies):
            return self.requests.route(provider, route)
        histogram = self.requests
        series: Histogram | None = None

        def observe(seconds: float) -> None:
            nonlocal series
            if series is None:
                series = histogram.labels(provider=provider, route=route)
            series.observe(seconds)

        return observe

    def on_event(self, event: Event) -> None:
        kind = event.kind
        if kind == "notification":
            key = (event.provider or "unknown", event.status or "unknown")
            series = self._notification_series.get(key)
            if series is None:
                series = self._notification_series[key] = self.notifications.labels(provider=key[0], status=key[1])
            series.inc()
        elif kind == "mo":
            self.mos.labels(provider=event.provider or "unknown").inc()
        elif kind == "callback":
            carried = event.carries or "status"
            self.callbacks.labels(kind=carried, outcome=event.status or "failed").inc()
            if event.latency_ms is not None:
                self.callback_latency.labels(kind=carried).observe(event.latency_ms / 1000)

    def count_accepted(self) -> None:
        """Accepted messages are counted by the gateway itself (an event per message would tax the send path)."""
        if self._gateway is None:
            return
        for provider, total in self._gateway.accepted.items():
            counted = self._accepted_counted.get(provider, 0)
            if total > counted:
                self.accepted.labels(provider=provider).inc(total - counted)
                self._accepted_counted[provider] = total

    async def flush_accepted(self) -> None:
        """In a worker: a scrape reaches one worker, which reads every worker's files, so each keeps its own current."""
        while True:
            await asyncio.sleep(ACCEPTED_FLUSH_S)
            self.count_accepted()

    @contextlib.asynccontextmanager
    async def listening(self, gateway: Gateway) -> AsyncIterator[None]:
        self._gateway = gateway
        # This process's work only: each replica's metrics are scraped, and summed, on their own.
        unsubscribe = gateway.subscribe(self.on_event, kinds=("notification", "mo", "callback"), local=True)
        flusher = asyncio.get_running_loop().create_task(self.flush_accepted()) if multiprocess_dir() else None
        try:
            yield
        finally:
            unsubscribe()
            if flusher is not None:
                await stop(flusher)
                if not flusher.cancelled() and (failure := flusher.exception()) is not None:
                    raise failure  # the count stopped being written: say so when the worker stops

    # -- the text format ----------------------------------------------------------------------------------
    def render(self) -> bytes:
        """Every family, summed over the workers' files in multiprocess mode."""
        directory = multiprocess_dir()
        if directory is None:
            return generate_latest(self.registry)
        every_worker = CollectorRegistry()
        MultiProcessCollector(every_worker, path=directory)  # type: ignore[no-untyped-call]  # untyped there
        return generate_latest(every_worker)


METRICS = web.AppKey("metrics", Metrics)


async def metrics_endpoint(request: web.Request) -> web.Response:
    metrics = request.app[METRICS]
    metrics.count_accepted()
    return web.Response(body=metrics.render(), headers={"Content-Type": CONTENT_TYPE})


def install(app: web.Application) -> None:
    """Add the endpoint and the listener; call before mounting provider endpoints so they are timed."""
    metrics = app[METRICS] = Metrics()
    app.router.add_get("/__admin/metrics", answering_errors(metrics_endpoint))  # asks for the admin token

    async def lifetime(app: web.Application) -> AsyncIterator[None]:
        async with metrics.listening(app[GATEWAY]):
            yield

    app.cleanup_ctx.append(lifetime)
