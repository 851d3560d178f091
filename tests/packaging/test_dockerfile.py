"""The Dockerfile, checked without a Docker engine: hadolint, and the contract the image promises."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest

from mockgateway.cli import SERVE_FLAGS, build_parser
from mockgateway.domain.durations import parse_duration
from tests.packaging.dockerfile import DOCKERFILE, Dockerfile, ignore_patterns, ignored
from tests.packaging.image import USERADD


def hadolint() -> str:
    found = shutil.which("hadolint") or shutil.which("hadolint", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail("hadolint is missing: it comes with the dev dependencies (pip install -e '.[dev]')")
    return found


def lint(path: Path) -> subprocess.CompletedProcess[str]:
    # An empty config file, so a personal hadolint config cannot switch rules off.
    config = path.parent / "hadolint-empty.yaml"
    config.write_text("{}\n", encoding="utf-8")
    command = [hadolint(), "--no-color", "--config", str(config), "--failure-threshold", "info", str(path)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture(scope="module")
def dockerfile() -> Dockerfile:
    return Dockerfile.of_repo()


def test_hadolint_finds_nothing(tmp_path: Path) -> None:
    copy = tmp_path / "Dockerfile"
    copy.write_bytes(DOCKERFILE.read_bytes())
    result = lint(copy)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_hadolint_would_report_a_bad_dockerfile(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN pip install aiohttp\n", encoding="utf-8")
    result = lint(bad)
    assert result.returncode != 0
    assert "DL3007" in result.stdout, "an unpinned :latest base must be reported"


def test_base_is_a_pinned_slim_python(dockerfile: Dockerfile) -> None:
    assert re.fullmatch(r"python:3\.1[12]-slim", dockerfile.one("FROM").args)


def test_runs_as_the_non_root_user_it_creates(dockerfile: Dockerfile) -> None:
    uid, _, gid = dockerfile.one("USER").args.partition(":")
    assert uid.isdigit(), "numeric, so orchestrators can verify the user is not root"
    assert int(uid) != 0
    assert gid == uid
    assert dockerfile.all("RUN")[0].args == USERADD
    assert f"--uid {uid} --gid {gid}" in USERADD
    keywords = [instruction.keyword for instruction in dockerfile.instructions]
    assert "RUN" not in keywords[keywords.index("USER") :], "every RUN needs root, so USER comes after them"


def test_listens_on_the_exposed_port_on_all_interfaces(dockerfile: Dockerfile) -> None:
    env = dockerfile.env()
    assert env["MOCKGATEWAY_HOST"] == "0.0.0.0"
    assert dockerfile.one("EXPOSE").args == env["MOCKGATEWAY_PORT"] == "8080"


def test_every_mockgateway_variable_is_a_setting(dockerfile: Dockerfile) -> None:
    # Unknown MOCKGATEWAY_* variables are ignored at start-up, so a typo here would go unnoticed.
    names = [name for name in dockerfile.env() if name.startswith("MOCKGATEWAY_")]
    assert names
    assert {name.removeprefix("MOCKGATEWAY_").lower() for name in names} <= set(SERVE_FLAGS)


def test_scenarios_folder_is_the_one_copied_in(dockerfile: Dockerfile) -> None:
    workdir = PurePosixPath(dockerfile.one("WORKDIR").args)
    copied = {str(workdir / destination) for _, destination in dockerfile.copies()}
    assert dockerfile.env()["MOCKGATEWAY_SCENARIOS"] in copied


def test_healthcheck_runs_the_cli_within_dockers_timeout(dockerfile: Dockerfile) -> None:
    options, command = dockerfile.one("HEALTHCHECK").options()
    assert command == 'CMD ["mockgateway", "healthcheck"]'
    assert set(options) >= {"interval", "timeout", "start-period", "retries"}
    interval, timeout = parse_duration(options["interval"]), parse_duration(options["timeout"])
    assert 0 < timeout < interval
    own_timeout = build_parser().parse_args(["healthcheck"]).timeout
    assert own_timeout < timeout, "the CLI must give up (and say why) before Docker kills it"


def test_entrypoint_is_the_cli_and_cmd_a_valid_command(dockerfile: Dockerfile) -> None:
    assert dockerfile.one("ENTRYPOINT").exec_form() == ["mockgateway"]
    cmd = dockerfile.one("CMD").exec_form()
    assert cmd == ["serve"]
    assert build_parser().parse_args(cmd).command == "serve"


def test_build_context_keeps_sources_and_drops_local_state(dockerfile: Dockerfile) -> None:
    patterns = ignore_patterns()
    for sources, _ in dockerfile.copies():
        for source in sources:
            assert not ignored(PurePosixPath(source.rstrip("/")), patterns), source
    for local in (".git", ".venv", "mockgateway/__pycache__/cli.cpython-311.pyc", "mockgateway.egg-info"):
        assert ignored(PurePosixPath(local), patterns), local
    assert not ignored(PurePosixPath("mockgateway/cli.py"), patterns)
