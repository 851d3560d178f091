#!/usr/bin/env python3
"""A lean counting callback sink: asyncio Protocol server with httptools' C request parser.

    .venv/bin/python bench/sink.py --port 9999 [--no-uvloop] [--no-parse] [--quiet]

Speaks the same interface as ``../shared/bench/callback_sink.py`` (the aiohttp one):

POST <any path>   the body is JSON-parsed (unless --no-parse) and counted; answer 200 with an empty body.
GET  /stats       {"count":..,"bad":..,"first":..,"last":..,"secs":..,"rate":..}
DELETE /stats     reset the counters.

Keep-alive and pipelined requests are served in order; a request asking for ``Connection: close`` gets its
answer and then the close. Prints ``READY <port>`` once listening, a ``rate <n>/s total <n>`` line for every
second with POSTs (unless --quiet), and on SIGTERM/SIGINT a final ``RECEIVED count=<n> ...`` line.

Why it exists: the aiohttp sink tops out at about 4-5 k requests/s on one core of the benchmark machine, below
what ``advance.py`` has to push (100,000 callbacks in well under 10 s); this one answers several times that,
so the benchmark measures the gateway rather than the receiver.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import time
from typing import cast

import httptools

_OK = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
_OK_CLOSE = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
_NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"


class Counter:
    __slots__ = ("bad", "count", "first", "last")

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.count = 0
        self.bad = 0
        self.first = 0.0
        self.last = 0.0

    def snapshot(self) -> dict[str, float]:
        secs = self.last - self.first
        rate = round((self.count - 1) / secs, 1) if secs > 0 else 0.0
        return {"count": self.count, "bad": self.bad, "first": self.first, "last": self.last,
                "secs": round(secs, 4), "rate": rate}  # fmt: skip


class SinkProtocol(asyncio.Protocol):
    __slots__ = ("_body", "_counter", "_parse", "_parser", "_transport", "_url")

    def __init__(self, counter: Counter, parse: bool) -> None:
        self._counter = counter
        self._parse = parse
        self._parser = httptools.HttpRequestParser(self)
        self._transport: asyncio.Transport | None = None
        self._url = b""
        self._body: list[bytes] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)  # uvloop's transports do not subclass it

    def data_received(self, data: bytes) -> None:
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError:
            if self._transport is not None:
                self._transport.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                self._transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self._transport = None

    # -- parser callbacks ---------------------------------------------------------------------------
    def on_url(self, url: bytes) -> None:
        self._url += url

    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        transport = self._transport
        method = self._parser.get_method()
        url, body = self._url, b"".join(self._body)
        self._url = b""
        self._body.clear()
        if transport is None:
            return
        c = self._counter
        if method == b"POST":
            if self._parse:
                try:
                    json.loads(body)
                except ValueError:
                    c.bad += 1
            now = time.perf_counter()
            if c.count == 0:
                c.first = now
            c.last = now
            c.count += 1
            answer = _OK
        elif url.startswith(b"/stats") and method in (b"GET", b"DELETE"):
            if method == b"DELETE":
                c.reset()
            payload = json.dumps(c.snapshot()).encode()
            answer = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
                len(payload),
                payload,
            )
        else:
            answer = _NOT_FOUND
        if self._parser.should_keep_alive():
            transport.write(answer)
        else:
            transport.write(_OK_CLOSE if answer is _OK else answer)
            transport.close()


async def reporter(c: Counter) -> None:
    previous = c.count
    while True:
        await asyncio.sleep(1.0)
        current = c.count
        if current < previous:
            previous = 0
        if current != previous:
            print(f"rate {current - previous}/s total {current}", flush=True)
        previous = current


async def serve(args: argparse.Namespace) -> None:
    counter = Counter()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SinkProtocol(counter, not args.no_parse), args.host, args.port, backlog=1024, reuse_address=True
    )
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    report = None if args.quiet else asyncio.create_task(reporter(counter))
    print(f"READY {args.port} loop={type(loop).__module__}", flush=True)
    try:
        await stop.wait()
    finally:
        if report is not None:
            report.cancel()
        server.close()
        s = counter.snapshot()
        print(f"RECEIVED count={s['count']} bad={s['bad']} secs={s['secs']} rate={s['rate']}/s", flush=True)


def main() -> None:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=9999)
    p.add_argument("--no-uvloop", action="store_true", help="plain asyncio event loop")
    p.add_argument("--uvloop", action="store_true", help="accepted for compatibility; uvloop is the default")
    p.add_argument("--no-parse", action="store_true", help="do not JSON-parse the bodies (count only)")
    p.add_argument("--quiet", action="store_true", help="no per-second lines")
    args = p.parse_args()
    factory = None
    if not args.no_uvloop:
        import uvloop

        factory = uvloop.new_event_loop
    with asyncio.Runner(loop_factory=factory) as runner:
        runner.run(serve(args))


if __name__ == "__main__":
    main()
