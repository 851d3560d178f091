"""``GET /__admin/metrics``: counters and latency histograms in the Prometheus text format.

Counts come from the event hub as things happen, so a reset of the gateway's state does not reset them
(Prometheus counters only go up while the process lives). Provider request latency is measured around each
provider endpoint; callback attempt latency is read from the attempts the dispatcher records.
"""

from __future__ import annotations

import asyncio
import contextlib
from bisect import bisect_left
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable

from aiohttp import web

from mockgateway import __version__
from mockgateway.domain.model import Delivery, DeliveryState
from mockgateway.http.admin_common import answering_errors
from mockgateway.http.keys import GATEWAY
from mockgateway.service.events import Event
from mockgateway.service.gateway import Gateway

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

#: Seconds. The gateway answers in about a millisecond; scenarios can make a send take seconds.
REQUEST_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
#: Seconds. Receivers are the user's own services, often slower than the gateway.
CALLBACK_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Histogram:
    __slots__ = ("bounds", "count", "counts", "total")

    def __init__(self, bounds: tuple[float, ...]) -> None:
        self.bounds = bounds
        self.counts = [0] * (len(bounds) + 1)  #: per bucket, not cumulative; the last is +Inf
        self.count = 0
        self.total = 0.0

    def observe(self, value: float) -> None:
        self.counts[bisect_left(self.bounds, value)] += 1
        self.count += 1
        self.total += value

    def lines(self, name: str, labels: str) -> Iterable[str]:
        sep = "," if labels else ""
        running = 0
        for bound, count in zip((*map(_number, self.bounds), "+Inf"), self.counts, strict=True):
            running += count
            yield f'{name}_bucket{{{labels}{sep}le="{bound}"}} {running}'
        braces = f"{{{labels}}}" if labels else ""
        yield f"{name}_sum{braces} {_number(self.total)}"
        yield f"{name}_count{braces} {self.count}"


def callback_outcome(delivery: Delivery) -> str:
    """What the latest attempt came to: ``delivered``, ``retry`` (another attempt is planned) or ``failed``."""
    last = delivery.attempts[-1] if delivery.attempts else None
    if last is not None and last.status is not None and 200 <= last.status < 300:
        return "delivered"
    return "retry" if delivery.state is DeliveryState.PENDING else "failed"


class Metrics:
    def __init__(self) -> None:
        self.notifications: Counter[tuple[str, str]] = Counter()
        self.mos: Counter[str] = Counter()
        self.callbacks: Counter[tuple[str, str]] = Counter()
        self.requests: dict[tuple[str, str], Histogram] = {}
        self.callback_latency: dict[str, Histogram] = {}
        self._unread: list[str] = []  #: callback deliveries whose latest attempt is still to be read
        self._reader: asyncio.Task[None] | None = None
        self._gateway: Gateway | None = None

    # -- measuring --------------------------------------------------------------------------------------
    def observer(self, provider: str, route: str) -> Callable[[float], None]:
        """Where a route's handler reports each request's latency, in seconds."""
        return self.requests.setdefault((provider, route), Histogram(REQUEST_BUCKETS)).observe

    def on_event(self, event: Event) -> None:
        kind = event.kind
        if kind == "notification":
            self.notifications[(event.provider or "unknown", event.status or "unknown")] += 1
        elif kind == "mo":
            self.mos[event.provider or "unknown"] += 1
        elif kind == "callback" and self._gateway is not None:
            # The event names the delivery; its attempts (outcome, latency) are read from the store soon after.
            self._unread.append(event.id)
            if self._reader is None or self._reader.done():
                self._reader = asyncio.get_running_loop().create_task(self.settle())

    async def settle(self) -> None:
        """Read the attempts announced so far."""
        while self._unread and self._gateway is not None:
            unread, self._unread = self._unread, []
            for delivery_id in unread:
                delivery = await self._gateway.find_delivery(delivery_id)
                if delivery is not None:
                    self.count_attempt(delivery)

    def count_attempt(self, delivery: Delivery) -> None:
        self.callbacks[(delivery.kind, callback_outcome(delivery))] += 1
        if delivery.attempts:
            series = self.callback_latency.get(delivery.kind)
            if series is None:
                series = self.callback_latency[delivery.kind] = Histogram(CALLBACK_BUCKETS)
            series.observe(delivery.attempts[-1].latency_ms / 1000)

    @contextlib.asynccontextmanager
    async def listening(self, gateway: Gateway) -> AsyncIterator[None]:
        self._gateway = gateway
        # Accepted messages are counted by the gateway itself: an event per message would tax the send path.
        stop = gateway.subscribe(self.on_event, kinds=("notification", "mo", "callback"))
        try:
            yield
        finally:
            stop()
            if self._reader is not None:
                self._reader.cancel()
                # It may have been reading from a store that has closed meanwhile: nothing left to count.
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await self._reader

    def _accepted(self) -> dict[str, int]:
        return {} if self._gateway is None else self._gateway.accepted

    # -- the text format ----------------------------------------------------------------------------------
    def render(self) -> str:
        out: list[str] = [
            *_family("mockgateway_build_info", "gauge", "The running version.", [(_labels(version=__version__), 1)]),
            *_family(
                "mockgateway_messages_accepted_total",
                "counter",
                "Messages accepted for sending, by provider API.",
                [(_labels(provider=p), n) for p, n in sorted(self._accepted().items())],
            ),
            *_family(
                "mockgateway_notifications_total",
                "counter",
                "Status notifications (one per part and status), by provider API and status.",
                [(_labels(provider=p, status=s), n) for (p, s), n in sorted(self.notifications.items())],
            ),
            *_family(
                "mockgateway_mo_messages_total",
                "counter",
                "Mobile-originated replies received, by provider API.",
                [(_labels(provider=p), n) for p, n in sorted(self.mos.items())],
            ),
            *_family(
                "mockgateway_callback_attempts_total",
                "counter",
                "Callback attempts by kind (status, mo) and outcome (delivered, retry, failed).",
                [(_labels(kind=k, outcome=o), n) for (k, o), n in sorted(self.callbacks.items())],
            ),
        ]
        out += _histograms(
            "mockgateway_provider_request_duration_seconds",
            "Time to answer provider API requests (sends, polls, tokens), by provider and route.",
            {_labels(provider=p, route=r): h for (p, r), h in sorted(self.requests.items()) if h.count},
        )
        out += _histograms(
            "mockgateway_callback_attempt_duration_seconds",
            "Time callback receivers took to answer an attempt, by kind.",
            {_labels(kind=k): h for k, h in sorted(self.callback_latency.items())},
        )
        return "\n".join(out) + "\n"


def _family(name: str, kind: str, help_text: str, series: list[tuple[str, int]]) -> list[str]:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
    lines += [f"{name}{{{labels}}} {value}" if labels else f"{name} {value}" for labels, value in series]
    return lines


def _histograms(name: str, help_text: str, series: dict[str, Histogram]) -> list[str]:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} histogram"]
    for labels, histogram in series.items():
        lines += histogram.lines(name, labels)
    return lines


def _labels(**values: str) -> str:
    return ",".join(f'{key}="{_escape(value)}"' for key, value in values.items())


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _number(value: float) -> str:
    return repr(float(value))


METRICS = web.AppKey("metrics", Metrics)


async def metrics_endpoint(request: web.Request) -> web.Response:
    metrics = request.app[METRICS]
    await metrics.settle()
    return web.Response(body=metrics.render().encode(), headers={"Content-Type": CONTENT_TYPE})


def install(app: web.Application) -> Metrics:
    """Add the endpoint and the listener; call before mounting provider endpoints so they are timed."""
    metrics = app[METRICS] = Metrics()
    app.router.add_get("/__admin/metrics", answering_errors(metrics_endpoint))  # asks for the admin token

    async def lifetime(app: web.Application) -> AsyncIterator[None]:
        async with metrics.listening(app[GATEWAY]):
            yield

    app.cleanup_ctx.append(lifetime)
    return metrics
