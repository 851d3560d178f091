"""A Live Link ACK receiver for the tests whose callbacks cross a socket: in-process replicas, ``serve`` processes.

It records each ACK it takes by order id, in the order taken, and counts them per order id and status; told to,
it refuses each ACK's first attempt (503), so that the gateway holds it for a retry. ``all_taken`` and
``all_refused`` are set once ``expected`` different ACKs were taken, or refused: a test waits on them instead
of sleeping.
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web
from aiohttp.test_utils import TestServer


class AckReceiver:
    def __init__(self, *, refuse_first: bool = False, expected: int = 0) -> None:
        self.refuse_first = refuse_first
        self.expected = expected
        self.statuses: defaultdict[str, list[str]] = defaultdict(list)  #: order id -> statuses, as taken
        self.taken: Counter[tuple[str, str]] = Counter()  #: (order id, status) -> times taken
        self.refused: set[tuple[str, str]] = set()
        self.all_taken = asyncio.Event()
        self.all_refused = asyncio.Event()
        self.url = ""  #: where to send the ACKs, once it listens
        self.app = web.Application()
        self.app.router.add_post("/acks", self.handle)

    async def handle(self, request: web.Request) -> web.Response:
        ack = await request.json()
        key = (ack["messageId"], ack["status"])
        if self.refuse_first and key not in self.refused:
            self.refused.add(key)
            if len(self.refused) == self.expected:
                self.all_refused.set()
            return web.Response(status=503)
        self.statuses[ack["messageId"]].append(ack["status"])
        self.taken[key] += 1
        if len(self.taken) == self.expected:
            self.all_taken.set()
        return web.Response(text="OK")


@asynccontextmanager
async def receiving(receiver: AckReceiver) -> AsyncIterator[AckReceiver]:
    """``receiver`` listening on 127.0.0.1 while the context is open (its ``url`` set)."""
    server = TestServer(receiver.app, host="127.0.0.1")
    await server.start_server()
    receiver.url = str(server.make_url("/acks"))
    try:
        yield receiver
    finally:
        await server.close()
