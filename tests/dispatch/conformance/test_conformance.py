"""The lean HTTP/1.1 client against four independent servers: one table of cases, each run on every server
that can produce it (see ``receivers.py``).

Each case is what the receiver does, what the callback attempt must report, and whether the next request to
the same receiver reuses the connection (with a pool of one, it must whenever the connection is still sound).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from mockgateway.dispatch.transport import HttpTransport
from mockgateway.domain.model import HttpCall
from tests.dispatch.conformance.frameworks import aiohttp_server, stdlib_server
from tests.dispatch.conformance.receivers import COMMON, RAW, Receiver, Serve, h11_server, raw_server

#: Each server, and the paths it answers as described above.
SERVERS: dict[str, tuple[Serve, frozenset[str]]] = {
    "aiohttp": (aiohttp_server, COMMON),
    "stdlib": (stdlib_server, COMMON | {"/until-close", "/early-hints"}),
    "h11": (h11_server, COMMON | {"/early-hints"}),
    "raw": (raw_server, frozenset(RAW) | {"/slow", "/hang", "/stall"}),
}

BODY = b'{"messageId":"1000000001","status":"DELIVERED"}'


@dataclass(frozen=True)
class Case:
    path: str
    status: int | None
    error: str | None  #: the start of the attempt's error; ``{peer}`` is the receiver's host:port
    reused: bool  #: the next request goes over the same connection
    timeout_s: float = 5.0


CASES = [
    Case(path="/ok", status=200, error=None, reused=True),
    Case(path="/refuse", status=422, error="receiver answered 422: destination unknown", reused=True),
    Case(path="/big", status=503, error="receiver answered 503: " + "x" * 200, reused=True),
    Case(path="/chunked", status=500, error="receiver answered 500: first part, second part", reused=True),
    Case(path="/until-close", status=500, error="receiver answered 500: body until the close", reused=False),
    Case(path="/no-content", status=204, error=None, reused=True),
    Case(path="/not-modified", status=304, error="receiver answered 304", reused=True),
    Case(path="/early-hints", status=200, error=None, reused=True),
    Case(path="/close", status=200, error=None, reused=False),
    Case(path="/hang-up", status=200, error=None, reused=False),
    Case(path="/slow", status=200, error=None, reused=True),
    Case(path="/hang", status=None, error="timed out after 0.2 s", reused=False, timeout_s=0.2),
    Case(path="/stall", status=None, error="timed out after 0.2 s", reused=False, timeout_s=0.2),
    Case(path="/http10", status=200, error=None, reused=False),
    Case(path="/not-http", status=None, error="invalid answer from {peer}: ", reused=False),
    Case(path="/bad-length", status=None, error="invalid answer from {peer}: ", reused=False),
    Case(path="/bad-chunk", status=None, error="invalid answer from {peer}: ", reused=False),
    Case(
        path="/truncated",
        status=None,
        error="connection failed: {peer} closed the connection in the middle of its answer",
        reused=False,
    ),
    Case(
        path="/silent-close",
        status=None,
        error="connection failed: {peer} closed the connection before answering",
        reused=False,
    ),
    Case(path="/switch", status=None, error="invalid answer from {peer}: it switched protocols", reused=False),
    Case(path="/huge-head", status=None, error="invalid answer from {peer}: ", reused=False),
    Case(path="/extra-bytes", status=200, error=None, reused=False),
]


@pytest.mark.parametrize(
    ("server", "case"),
    [
        pytest.param(name, case, id=f"{name}{case.path}")
        for name, (_, paths) in SERVERS.items()
        for case in CASES
        if case.path in paths
    ],
)
async def test_the_receiver_answer_is_reported_and_the_connection_reused_only_when_sound(
    server: str, case: Case
) -> None:
    serve, _ = SERVERS[server]
    async with serve() as receiver:
        transport = HttpTransport(pool_size=1)
        try:
            result = await transport.send(
                HttpCall(method="POST", url=receiver.url(case.path), body=BODY), case.timeout_s
            )
            after = await transport.send(HttpCall(method="POST", url=receiver.url("/ok"), body=BODY), 5)
        finally:
            await transport.close()
    assert result.status == case.status
    if case.error is None:
        assert result.error is None
    else:
        assert result.error is not None
        assert result.error.startswith(case.error.format(peer=_peer(receiver))), result.error
    assert (after.status, after.error) == (200, None), "the next request was delivered"
    [(_, first), (_, second)] = receiver.seen
    assert (first == second) is case.reused


def _peer(receiver: Receiver) -> str:
    return receiver.base.removeprefix("http://")


def test_every_case_runs_on_some_server_and_common_ones_on_all_four() -> None:
    served = frozenset().union(*(paths for _, paths in SERVERS.values()))
    assert served == {case.path for case in CASES}
    assert all(paths >= COMMON for _, paths in SERVERS.values())
