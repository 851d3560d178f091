"""Provider request latency, per route: a Prometheus histogram counted here, in a process of its own.

prometheus-client's ``Histogram.observe`` costs about 0.75 µs a request (two checks, a lock per value it adds
to), a twentieth of the Live Link send handler; a route's own bucket counts cost a bisection and two
additions. They are read out, in the same text as the library's histogram, when a scrape collects the
registry. Workers of ``serve --workers`` keep the library's histogram instead: a scrape reads every worker's
samples from the files its values are written to (see ``metrics.py``).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator

from prometheus_client.metrics_core import HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

_LABELS = ("provider", "route")


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
        buckets, seen = [], 0
        for bound, count in zip(self._bounds, self._counts, strict=True):
            seen += count
            buckets.append((floatToGoString(bound), float(seen)))  # type: ignore[no-untyped-call]  # untyped there
        return buckets


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
        family = HistogramMetricFamily(self._name, self._documentation, labels=_LABELS)
        for latency in self._routes:
            buckets = latency.cumulative()
            if buckets[-1][1]:  # routes never called are left out, not zeros
                family.add_metric(latency.labels, buckets, latency.total)
        yield family

    def describe(self) -> Iterator[Metric]:
        yield HistogramMetricFamily(self._name, self._documentation, labels=_LABELS)
