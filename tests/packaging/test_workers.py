"""``mockgateway serve --workers N``: refused without a shared store; supervised worker processes; their metrics."""

from __future__ import annotations

import base64
import contextlib
import json
import multiprocessing
import os
import re
import select
import signal
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from mockgateway import __version__
from mockgateway.cli import main
from mockgateway.config import Settings, workers_problem
from mockgateway.http.metrics import MULTIPROC_DIR, Metrics
from mockgateway.service.events import Event
from tests.http.test_metrics import parse, value
from tests.packaging.process import clean_environ, running
from tests.redis_server import redis_url

SERVING = re.compile(r"^mockgateway workers serving: (\d+) \(pids ([\d, ]+)\); metrics kept in (\S+)$")


@pytest.fixture(autouse=True)
def no_settings_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("MOCKGATEWAY_") or name == MULTIPROC_DIR:
            monkeypatch.delenv(name)


def test_more_than_one_worker_on_the_memory_store_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--workers", "2"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("mockgateway: configuration error: workers: 2 worker processes need a store they share")
    assert "each process would keep its own messages in memory" in error
    assert "--store redis://HOST:PORT/DB" in error


def test_more_than_one_worker_on_sqlite_is_refused_without_a_traceback(tmp_path: Path) -> None:
    argv = [sys.executable, "-m", "mockgateway", "serve", "--workers", "3", "--store", f"sqlite:{tmp_path}/state.db"]
    result = subprocess.run(argv, env=clean_environ(), capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr  # one line, no traceback
    assert "SQLite lets one process write its file at a time" in result.stderr
    assert not (tmp_path / "state.db").exists()


def test_workers_come_from_the_environment_and_the_config_file_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MOCKGATEWAY_WORKERS", "4")
    assert main(["serve"]) == 2
    assert "workers: 4 worker processes need a store they share" in capsys.readouterr().err
    monkeypatch.delenv("MOCKGATEWAY_WORKERS")
    config = tmp_path / "gateway.yaml"
    config.write_text("server: {workers: 5}\n", encoding="utf-8")
    assert main(["serve", "--config", str(config)]) == 2
    assert "workers: 5 worker processes need a store they share" in capsys.readouterr().err
    assert main(["serve", "--workers", "0"]) == 2
    assert "--workers: 0 is not a whole number above zero" in capsys.readouterr().err


def test_workers_share_a_redis_store_but_not_one_of_their_own() -> None:
    assert workers_problem(Settings(workers=4, store="redis://127.0.0.1:6379/0")) is None
    assert workers_problem(Settings(workers=1)) is None  # one process owns the memory store alone
    assert workers_problem(Settings(workers=2)) is not None


def test_workers_cannot_each_make_a_certificate_authority() -> None:
    problem = workers_problem(Settings(workers=1, tls=True))
    assert problem is not None
    assert "give the workers --tls-cert and --tls-key" in problem


def test_a_supervised_worker_serves_counts_and_stops_on_sigterm() -> None:
    argv = [sys.executable, "-m", "mockgateway", "serve", "--workers", "1", "--host", "127.0.0.1", "--port", "0"]
    with running(argv, clean_environ()) as server:
        serving = SERVING.match(server.output[-2].strip())
        assert serving, server.output
        worker_pid, figures = int(serving.group(2)), Path(serving.group(3))
        assert worker_pid != server.process.pid
        with urllib.request.urlopen(f"{server.url}/__admin/health", timeout=10) as response:
            assert json.loads(response.read())["status"] == "ok"
        refused = urllib.request.Request(f"{server.url}/api/oauth/token", data=b"{}", method="POST")
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(refused, timeout=10)
        with urllib.request.urlopen(f"{server.url}/__admin/metrics", timeout=10) as response:
            samples, _ = parse(response.read().decode())
        route = {"provider": "livelink", "route": "POST /api/oauth/token"}
        assert value(samples, "mockgateway_provider_request_duration_seconds_count", **route) == 1
        assert value(samples, "mockgateway_build_info", version=__version__) == 1
        assert any(figures.glob("*.db")), "the worker writes its figures where the parent said"
        assert server.stop() == 0
    assert not figures.exists(), "the parent removes the metrics directory"
    with pytest.raises(ProcessLookupError):
        os.kill(worker_pid, 0)


def test_a_worker_that_cannot_start_fails_the_parent_with_its_code(tmp_path: Path) -> None:
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("", encoding="utf-8")
    argv = [sys.executable, "-m", "mockgateway", "serve", "--workers", "1", "--port", "0"]
    argv += ["--store", f"sqlite:{not_a_directory}/state.db"]
    result = subprocess.run(argv, env=clean_environ(), capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert "cannot use this file as the SQLite store" in result.stderr
    assert "exited with code 2 while starting" in result.stderr
    assert "listening on" not in result.stdout


def count_in_a_worker(provider: str, notifications: int) -> None:
    """What one worker process counts: a notification per message, one MO and one timed request."""
    metrics = Metrics()
    for _ in range(notifications):
        metrics.on_event(Event(kind="notification", provider=provider, status="DELIVERED"))
    metrics.on_event(Event(kind="mo", provider=provider))
    metrics.observer(provider, "POST /send")(0.002)


def test_the_workers_metrics_are_read_back_as_one_sum(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MULTIPROC_DIR, str(tmp_path))  # inherited by the workers, read by the scrape below
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=count_in_a_worker, args=args) for args in (("livelink", 2), ("livelink", 3))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    samples, types = parse(Metrics().render().decode())
    assert value(samples, "mockgateway_notifications_total", provider="livelink", status="DELIVERED") == 5
    assert value(samples, "mockgateway_mo_messages_total", provider="livelink") == 2
    route = {"provider": "livelink", "route": "POST /send"}
    assert value(samples, "mockgateway_provider_request_duration_seconds_count", **route) == 2
    assert value(samples, "mockgateway_build_info", version=__version__) == 1  # the same in each: not added up
    assert types["mockgateway_notifications_total"] == "counter"


def test_ctrl_c_is_the_parents_to_answer() -> None:
    argv = [sys.executable, "-m", "mockgateway", "serve", "--workers", "1", "--host", "127.0.0.1", "--port", "0"]
    with running(argv, clean_environ()) as server:
        serving = SERVING.match(server.output[-2].strip())
        assert serving, server.output
        worker_pid = int(serving.group(2))
        os.kill(worker_pid, signal.SIGINT)  # as a terminal's Ctrl-C reaches every process of the group
        with urllib.request.urlopen(f"{server.url}/__admin/health", timeout=10) as response:
            assert response.status == 200, "the worker serves on"
        server.process.send_signal(signal.SIGINT)
        assert server.process.wait(timeout=30) == 0
    with pytest.raises(ProcessLookupError):
        os.kill(worker_pid, 0)


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # a new connection each time
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_workers_on_redis_answer_as_one_gateway() -> None:
    """Three workers on one port: each new connection may land on any of them, and each knows the token another
    issued and the messages the others accepted."""
    argv = [sys.executable, "-m", "mockgateway", "serve", "--workers", "3", "--host", "127.0.0.1", "--port", "0"]
    argv += ["--store", redis_url(), "--redis-prefix", f"t{uuid.uuid4().hex}:", "--clock", "virtual"]
    with running(argv, clean_environ()) as server:
        serving = SERVING.match(server.output[-2].strip())
        assert serving, server.output
        assert len(set(serving.group(2).split(", "))) == 3
        credentials = base64.b64encode(b"demo-app-key:demo-app-secret").decode()
        status, grant = _post(
            f"{server.url}/api/oauth/token",
            b"grant_type=client_credentials",
            {"Authorization": f"Basic {credentials}", "Content-Type": "application/x-www-form-urlencoded"},
        )
        assert status == 200, grant
        bearer = {"Authorization": f"Bearer {grant['access_token']}", "Content-Type": "application/json"}
        body = json.dumps({"destination": ["447700900123"], "message": "Hello"}).encode()
        answers = [_post(f"{server.url}/api/v2/sms", body, bearer) for _ in range(30)]
        assert [status for status, _ in answers] == [200] * 30, answers
        for _ in range(6):  # read back through whichever worker each connection reaches
            with urllib.request.urlopen(f"{server.url}/__admin/messages?limit=100", timeout=10) as response:
                assert json.loads(response.read())["total"] == 30
        assert server.stop() == 0


@pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="watching another process's exit needs Linux's pidfd")
def test_workers_stop_when_their_parent_is_killed() -> None:
    argv = [sys.executable, "-m", "mockgateway", "serve", "--workers", "1", "--host", "127.0.0.1", "--port", "0"]
    with running(argv, clean_environ()) as server:
        serving = SERVING.match(server.output[-2].strip())
        assert serving, server.output
        worker = os.pidfd_open(int(serving.group(2)))
        try:
            server.process.kill()  # SIGKILL: the parent stops nobody
            server.process.wait(timeout=10)
            # The worker's exit makes its pidfd readable; 30 s only guards against a hang.
            readable, _, _ = select.select([worker], [], [], 30)
            assert readable == [worker], "the worker outlived its killed parent"
        finally:
            with contextlib.suppress(ProcessLookupError):  # an orphan left by a failure goes too
                signal.pidfd_send_signal(worker, signal.SIGKILL)
            os.close(worker)
