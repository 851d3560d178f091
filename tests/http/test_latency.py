"""The provider request histogram counted in process reads exactly as prometheus-client's own would."""

from __future__ import annotations

import prometheus_client
from prometheus_client import CollectorRegistry, Histogram, generate_latest

from mockgateway.http.metrics import REQUEST_BUCKETS, RequestLatencies

#: On a bound, between bounds, below the first and beyond the last: each lands where the library puts it.
SECONDS = (0.0005, 0.0004, 0.00051, 0.001, 0.003, 0.1, 0.25000001, 10.0, 12.5, 0.0)


def test_each_route_reads_as_the_library_histogram_with_the_same_observations() -> None:
    prometheus_client.disable_created_metrics()  # type: ignore[no-untyped-call]  # as the gateway's metrics do
    theirs, ours = CollectorRegistry(), CollectorRegistry()
    library = Histogram("latency_seconds", "Time.", ["provider", "route"], buckets=REQUEST_BUCKETS, registry=theirs)
    counted = RequestLatencies("latency_seconds", "Time.", REQUEST_BUCKETS)
    ours.register(counted)
    for route, seconds in (("POST /send", SECONDS), ("GET /status", SECONDS[3:])):
        observe = counted.route("livelink", route)
        for value in seconds:
            observe(value)
            library.labels(provider="livelink", route=route).observe(value)
    assert generate_latest(ours) == generate_latest(theirs)


def test_routes_never_called_are_left_out_but_the_family_is_declared() -> None:
    registry = CollectorRegistry()
    counted = RequestLatencies("latency_seconds", "Time.", REQUEST_BUCKETS)
    registry.register(counted)
    counted.route("livelink", "POST /send")
    text = generate_latest(registry).decode()
    assert "# TYPE latency_seconds histogram" in text
    assert "POST /send" not in text
