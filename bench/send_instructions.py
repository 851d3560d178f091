#!/usr/bin/env python3
"""User-space instructions per ``POST /api/v2/sms`` of the gateway and of the limit server, counted by valgrind:
the send ratio's two sides in a figure that does not move with the machine's speed or its other tenants.

    .venv/bin/python bench/send_instructions.py [--requests 3000] [--warmup 1500] [--only gateway|limit]
    .venv/bin/python bench/send_instructions.py --gateway-dir ../other-checkout   # another tree's gateway

Each server runs under ``valgrind --tool=callgrind`` (``mockgateway serve --clock virtual`` with the demo
account, and ``limit_server.py --uvloop`` from ``--limit-dir``). A client outside valgrind (32 keep-alive
connections, the request of ``send.lua``) sends ``--warmup`` requests, the counters are zeroed
(``callgrind_control -z``), it sends ``--requests`` more, and the counters are dumped (``-d``): the instructions
of exactly those requests, with aiohttp's parsing and the event loop's turns, divided by their number. The
ratio limit/gateway of these counts is what the throughput ratio would be if both spent their time alike
per instruction. Needs valgrind (``apt-get install -y valgrind``); a few minutes per server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BODY = b'{"destination":["447700900123"],"message":"Hello World!!","callback":"http://127.0.0.1:9999/acks"}'
BASIC = "ZGVtby1hcHAta2V5OmRlbW8tYXBwLXNlY3JldA=="  # demo-app-key:demo-app-secret
CONNECTIONS = 32


def _request(path: str, body: bytes, authorization: str, content_type: str) -> bytes:
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {authorization}\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n")  # fmt: skip
    return head.encode() + body


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> bytes:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))  # type: ignore[union-attr]
    body = await reader.readexactly(length)
    if not head.startswith((b"HTTP/1.1 200", b"HTTP/1.1 201")):
        raise SystemExit(f"unexpected answer: {head!r} {body!r}")
    return body


async def _send(port: int, request: bytes, count: int) -> None:
    async def one_connection(share: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for _ in range(share):
            await _exchange(reader, writer, request)
        writer.close()

    shares = [count // CONNECTIONS + (i < count % CONNECTIONS) for i in range(CONNECTIONS)]
    await asyncio.gather(*(one_connection(share) for share in shares if share))


async def _token(port: int) -> str:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    asked = _request("/api/oauth/token", b"grant_type=client_credentials", f"Basic {BASIC}",
                     "application/x-www-form-urlencoded")  # fmt: skip
    body = await _exchange(reader, writer, asked)
    writer.close()
    return str(json.loads(body)["access_token"])


def _start(command: list[str], ready: str, log: Path, cwd: Path) -> subprocess.Popen[bytes]:
    out = log.open("wb")
    valgrind = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={log.parent}/callgrind.%p"]
    proc = subprocess.Popen([*valgrind, *command], stdout=out, stderr=subprocess.STDOUT, cwd=cwd)
    deadline = time.monotonic() + 600
    while ready not in log.read_text(errors="replace"):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"{command} did not start:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.5)
    return proc


def _control(option: str, pid: int) -> None:
    subprocess.run(["callgrind_control", option, str(pid)], check=True, capture_output=True, timeout=120)


def _dumped(directory: Path, pid: int) -> int:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for dump in directory.glob(f"callgrind.{pid}.*"):
            found = re.search(r"^(?:summary|totals): (\d+)", dump.read_text(errors="replace"), re.MULTILINE)
            if found:
                return int(found.group(1))
        time.sleep(0.5)
    raise SystemExit(f"no callgrind dump of {pid} in {directory}")


def measure(name: str, command: list[str], ready: str, cwd: Path, args: argparse.Namespace) -> float:
    tmp = Path(tempfile.mkdtemp(prefix=f"send_instructions.{name}."))
    proc = _start(command, ready, tmp / "server.log", cwd)
    try:
        token = asyncio.run(_token(args.port)) if name == "gateway" else "bench-token-0123456789abcdef"
        request = _request("/api/v2/sms", BODY, f"Bearer {token}", "application/json")
        asyncio.run(_send(args.port, request, args.warmup))
        _control("-z", proc.pid)
        asyncio.run(_send(args.port, request, args.requests))
        _control("-d", proc.pid)
        return _dumped(tmp, proc.pid) / args.requests
    finally:
        proc.terminate()
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--warmup", type=int, default=1500)
    parser.add_argument("--port", type=int, default=19890)
    parser.add_argument("--only", choices=("gateway", "limit"))
    parser.add_argument("--gateway-dir", type=Path, default=REPO, help="the checkout whose gateway is measured")
    parser.add_argument("--limit-dir", type=Path, default=REPO.parent / "shared" / "bench")
    args = parser.parse_args()
    python = sys.executable
    counts: dict[str, float] = {}
    if args.only != "limit":
        gateway = [python, "-m", "mockgateway", "serve", "--host", "127.0.0.1", "--port", str(args.port),
                   "--clock", "virtual"]  # fmt: skip
        counts["gateway"] = measure("gateway", gateway, "listening on", args.gateway_dir.resolve(), args)
        print(f"gateway ({args.gateway_dir}): {counts['gateway']:,.0f} instructions per request", flush=True)
    if args.only != "gateway":
        limit = [python, str(args.limit_dir / "limit_server.py"), "--port", str(args.port), "--uvloop"]
        counts["limit"] = measure("limit", limit, "READY", args.limit_dir.resolve(), args)
        print(f"limit-uvloop: {counts['limit']:,.0f} instructions per request", flush=True)
    if len(counts) == 2:
        print(f"ratio limit/gateway: {counts['limit'] / counts['gateway']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
