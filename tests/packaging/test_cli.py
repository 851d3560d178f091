"""``mockgateway serve | healthcheck`` and ``python -m mockgateway``: exit codes and messages."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import tomllib
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from mockgateway.cli import announce, main
from mockgateway.config import Settings
from mockgateway.http.app import create_app
from tests.packaging.dockerfile import ROOT
from tests.packaging.process import clean_environ, closed_port, running

VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
AiohttpServer = Callable[..., Awaitable[TestServer]]


@pytest.fixture(autouse=True)
def no_settings_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("MOCKGATEWAY_"):
            monkeypatch.delenv(name)


def test_serve_prints_the_url_it_listens_on_and_stops_on_sigterm() -> None:
    argv = [sys.executable, "-m", "mockgateway", "serve", "--host", "127.0.0.1", "--port", "0"]
    with running(argv, clean_environ()) as server:
        assert server.port > 0
        with urllib.request.urlopen(f"{server.url}/__admin/health", timeout=10) as response:
            assert json.loads(response.read())["status"] == "ok"
        assert server.stop() == 0


def test_version_through_python_dash_m() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mockgateway", "--version"],
        env=clean_environ(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stdout.strip()) == (0, f"mockgateway {VERSION}")


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2
    assert "usage: mockgateway" in capsys.readouterr().err


def test_healthcheck_fails_against_a_closed_port(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{closed_port()}/__admin/health"
    assert main(["healthcheck", "--url", url, "--timeout", "2"]) == 1
    assert capsys.readouterr().err.startswith(f"unhealthy: {url}: ")


async def test_healthcheck_passes_against_a_gateway(aiohttp_server: AiohttpServer) -> None:
    server = await aiohttp_server(create_app(Settings(clock="virtual")))
    # The check blocks on HTTP, so it runs in a thread while this loop serves it.
    url = str(server.make_url("/__admin/health"))
    assert await asyncio.to_thread(main, ["healthcheck", "--url", url]) == 0


async def test_healthcheck_default_url_follows_mockgateway_port(
    aiohttp_server: AiohttpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = await aiohttp_server(create_app(Settings(clock="virtual")))
    monkeypatch.setenv("MOCKGATEWAY_PORT", str(server.port))
    assert await asyncio.to_thread(main, ["healthcheck"]) == 0


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--port", "\u0663"], "--port: '\u0663' is not a whole number"),
        (["--seed", "1_0"], "--seed: '1_0' is not a whole number"),
    ],
)
@pytest.mark.usefixtures("no_serving")
def test_serve_takes_whole_numbers_in_ascii_digits_only(
    capsys: pytest.CaptureFixture[str], argv: list[str], says: str
) -> None:
    assert main(["serve", *argv]) == 2
    assert capsys.readouterr().err == f"mockgateway: configuration error: {says}\n"


@pytest.mark.usefixtures("no_serving")
def test_a_clock_flag_of_neither_kind_is_named_as_its_variable_would_be(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--clock", "fast"]) == 2
    assert capsys.readouterr().err == "mockgateway: configuration error: --clock: 'fast' is not one of real, virtual\n"


@pytest.mark.parametrize("port", ["abc", "0", "65536", "\u0663"])
def test_healthcheck_refuses_a_port_variable_that_is_no_port(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], port: str
) -> None:
    monkeypatch.setenv("MOCKGATEWAY_PORT", port)
    assert main(["healthcheck", "--timeout", "1"]) == 2
    assert capsys.readouterr().err == f"mockgateway: MOCKGATEWAY_PORT: {port!r} is not a port number (1-65535)\n"


def test_healthcheck_reads_an_empty_port_variable_as_unset(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MOCKGATEWAY_PORT", " ")
    main(["healthcheck", "--timeout", "1"])  # healthy or not: whatever answers on this machine's 8080
    assert "http://127.0.0.1:8080/__admin/health" in "".join(capsys.readouterr())


async def test_healthcheck_is_unhealthy_when_the_answer_is_not_http(capsys: pytest.CaptureFixture[str]) -> None:
    async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"garbage\r\n\r\n")
        writer.close()

    server = await asyncio.start_server(garbage, "127.0.0.1", 0)
    async with server:
        url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/__admin/health"
        assert await asyncio.to_thread(main, ["healthcheck", "--url", url, "--timeout", "5"]) == 1
    assert capsys.readouterr().err.startswith(f"unhealthy: {url}: ")


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (200, b'{"status": "starting"}', "status 'starting'"),
        (200, b"[1, 2]", "status None"),
        (200, b"<html>", "Expecting value"),
        (503, b'{"status": "ok"}', "HTTP Error 503"),
    ],
)
async def test_healthcheck_fails_unless_the_answer_says_ok(
    aiohttp_server: AiohttpServer, capsys: pytest.CaptureFixture[str], status: int, body: bytes, reason: str
) -> None:
    async def health(request: web.Request) -> web.Response:
        return web.Response(status=status, body=body, content_type="application/json")

    app = web.Application()
    app.router.add_get("/__admin/health", health)
    server = await aiohttp_server(app)
    assert await asyncio.to_thread(main, ["healthcheck", "--url", str(server.make_url("/__admin/health"))]) == 1
    assert reason in capsys.readouterr().err


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield int(holder.getsockname()[1])


def test_serve_on_a_taken_port_says_so(taken_port: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--host", "127.0.0.1", "--port", str(taken_port)]) == 1
    assert f"cannot listen on 127.0.0.1:{taken_port}" in capsys.readouterr().err


GOOD_ACCOUNT = "  - name: demo\n    livelink: {app_key: k, app_secret: s, client_id: 1}\n"

#: (file content, what the message must name besides the file: key and problem)
BAD_CONFIGS = {
    "not YAML": (
        "accounts: [\n  - name: demo\n",
        ("not valid YAML: line 2, column 3: expected the node content, but found '-'",),
    ),
    "store of null": ("store: null\n", ("store:", "must be a string, got null")),
    "redis_prefix as a list": ("redis_prefix: [a]\n", ("redis_prefix:", "must be a string, got a list")),
    "accounts not a list": ("accounts: {name: demo}\n", ("accounts:", "must be a non-empty list")),
    "missing name": (
        "accounts:\n  - livelink: {app_key: k, app_secret: s, client_id: 1}\n",
        ("accounts[0].name:", "required"),
    ),
    "client_id of a superscript digit": (
        "accounts:\n  - name: demo\n    livelink: {app_key: k, app_secret: s, client_id: '\u00b2'}\n",
        ("accounts[0].livelink.client_id:", "must be a number"),
    ),
    "client_id not a number": (
        "accounts:\n  - name: demo\n    livelink: {app_key: k, app_secret: s, client_id: twelve}\n",
        ("accounts[0].livelink.client_id:", "must be a number"),
    ),
    "unknown top-level key": ("acounts: []\n", ("acounts:", "unknown key")),
    "unknown account key": (
        "accounts:\n" + GOOD_ACCOUNT + "    colour: blue\n",
        ("accounts[0].colour:", "unknown key"),
    ),
    "duplicate account name": (
        "accounts:\n" + GOOD_ACCOUNT + "  - name: demo\n    livelink: {app_key: k2, app_secret: s, client_id: 2}\n",
        ("accounts[1].name:", "duplicate account name 'demo'"),
    ),
    "bad status_callback_url": (
        "accounts:\n" + GOOD_ACCOUNT + "    status_callback_url: localhost:9000/acks\n",
        ("accounts[0].status_callback_url:", "must be an http(s) URL"),
    ),
    "callback URL without a host": (
        "accounts:\n" + GOOD_ACCOUNT + "    mo_callback_url: 'http:///mo'\n",
        ("accounts[0].mo_callback_url:", "must be an http(s) URL"),
    ),
}


@pytest.fixture
def no_serving(monkeypatch: pytest.MonkeyPatch) -> None:
    """A setting that wrongly passes would start a server and hang the test; fail at once instead."""

    def refuse(settings: Settings) -> int:
        raise AssertionError(f"start-up went ahead with {settings}")

    monkeypatch.setattr("mockgateway.cli.serve", refuse)


@pytest.mark.usefixtures("no_serving")
@pytest.mark.parametrize("case", BAD_CONFIGS)
def test_malformed_config_stops_start_up(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content, expected = BAD_CONFIGS[case]
    path = tmp_path / "mockgateway.yaml"
    path.write_text(content, encoding="utf-8")
    assert main(["serve", "--port", "0", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"mockgateway: configuration error: {path}: "), err
    for part in expected:
        assert part in err


@pytest.mark.usefixtures("no_serving")
def test_missing_config_file_named_by_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere.yaml"
    monkeypatch.setenv("MOCKGATEWAY_CONFIG", str(missing))
    assert main(["serve", "--port", "0"]) == 2
    assert f"{missing}: cannot read: No such file or directory" in capsys.readouterr().err


@pytest.mark.usefixtures("no_serving")
@pytest.mark.parametrize(
    ("argv", "environ", "expected"),
    [
        ([], {"MOCKGATEWAY_PORT": "http"}, "MOCKGATEWAY_PORT: 'http' is not a whole number"),
        (["--port", "70000"], {}, "--port: 70000 is out of range"),
        ([], {"MOCKGATEWAY_CLOCK": "fast"}, "MOCKGATEWAY_CLOCK: 'fast' is not one of real, virtual"),
        (["--retention", "soon"], {}, "--retention: 'soon' is not a duration"),
        (
            [],
            {"MOCKGATEWAY_STORE": "mongodb://x"},
            "MOCKGATEWAY_STORE: 'mongodb://x' is not 'memory', 'sqlite:PATH' or 'redis://HOST:PORT/DB'",
        ),
    ],
)
def test_bad_setting_names_the_variable_or_flag(
    argv: list[str],
    environ: dict[str, str],
    expected: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert main(["serve", *argv]) == 2
    assert expected in capsys.readouterr().err


@pytest.mark.parametrize(
    ("host", "line"),
    [("::1", "http://[::1]:8080"), ("127.0.0.1", "http://127.0.0.1:8080"), ("localhost", "http://localhost:8080")],
)
def test_the_listening_line_is_a_url_for_every_host(host: str, line: str, capsys: pytest.CaptureFixture[str]) -> None:
    announce(Settings(host=host), 8080)
    assert capsys.readouterr().out == f"mockgateway listening on {line}\n"
