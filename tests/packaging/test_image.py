"""The image's steps, repeated: the copied sources install into a fresh venv, serve, and pass the healthcheck."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
import urllib.request
import zipfile
from pathlib import Path

import pytest

from mockgateway.domain.durations import parse_duration
from tests.packaging.dockerfile import ROOT, Dockerfile
from tests.packaging.image import INSTALL_TIMEOUT_S, Image, build, copy
from tests.packaging.process import clean_environ, running

pytestmark = pytest.mark.slow

VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Image:
    return build(Dockerfile.of_repo(), tmp_path_factory.mktemp("image"))


def environ(image: Image, **extra: str) -> dict[str, str]:
    base = clean_environ()
    return {**base, **image.env, "PATH": f"{image.bin}:{base.get('PATH', '')}", **extra}


def command(image: Image, argv: list[str]) -> list[str]:
    """``argv`` as the image runs it: the program is looked up on the image's PATH (the venv)."""
    program = image.bin / argv[0]
    assert program.exists(), f"{argv[0]} is not installed"
    return [str(program), *argv[1:]]


def test_container_serves_and_passes_its_healthcheck(image: Image) -> None:
    # The image's ENTRYPOINT + CMD; host and port overridden so the test stays on loopback and a free port.
    argv = command(image, [*image.entrypoint, *image.cmd, "--host", "127.0.0.1", "--port", "0"])
    with running(argv, environ(image)) as server:
        health_url = f"{server.url}/__admin/health"
        with urllib.request.urlopen(health_url, timeout=10) as response:
            body = json.loads(response.read())
        assert (body["status"], body["version"]) == ("ok", VERSION)

        docker_timeout = parse_duration(Dockerfile.of_repo().one("HEALTHCHECK").options()[0]["timeout"])
        check = subprocess.run(
            command(image, image.healthcheck),
            env=environ(image, MOCKGATEWAY_PORT=str(server.port)),
            capture_output=True,
            text=True,
            timeout=docker_timeout + 10,
            check=False,
        )
        assert (check.returncode, check.stdout.strip()) == (0, f"healthy: {health_url}"), check.stderr

        explicit = subprocess.run(
            command(image, ["mockgateway", "healthcheck", "--url", health_url]),
            env=environ(image),
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert explicit.returncode == 0, explicit.stderr
        assert server.stop() == 0, "docker stop (SIGTERM) must end the gateway cleanly"


def test_installed_cli_reports_its_version(image: Image) -> None:
    result = subprocess.run(
        command(image, ["mockgateway", "--version"]), capture_output=True, text=True, timeout=30, check=False
    )
    assert (result.returncode, result.stdout.strip()) == (0, f"mockgateway {VERSION}")


def test_installed_package_ships_the_scenario_library(image: Image, tmp_path: Path) -> None:
    library = ROOT / "scenarios"
    if not library.is_dir():
        pytest.skip("this checkout has no scenarios/ folder")
    probe = "import importlib.resources as r; print(r.files('mockgateway').joinpath('scenarios'))"
    # Run outside the repository and without PYTHONPATH, so the import cannot come from the source tree.
    found = subprocess.run(
        [str(image.bin / "python"), "-c", probe],
        cwd=tmp_path,
        env=clean_environ(),
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    shipped = Path(found.stdout.strip())
    assert ROOT not in shipped.resolve().parents, f"{shipped} is the source tree, not the installed package"
    assert _yaml_files(shipped) == _yaml_files(library)


def test_wheel_carries_scenario_files(tmp_path: Path) -> None:
    """The mechanism behind the previous test, shown with a scenario file that exists only here."""
    context = tmp_path / "context"
    dockerfile = Dockerfile.of_repo()
    for sources, destination in dockerfile.copies():
        for source in sources:
            copy(source, destination, context)
    for probe in ("packaging-probe.yaml", "packaging-probe.yml"):
        (context / "scenarios" / probe).write_text("scenarios: []\n", encoding="utf-8")
    wheel = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(tmp_path), "."]
    subprocess.run(wheel, cwd=context, check=True, timeout=INSTALL_TIMEOUT_S)
    [built] = tmp_path.glob("mockgateway-*.whl")
    with zipfile.ZipFile(built) as archive:
        names = archive.namelist()
    assert "mockgateway/scenarios/packaging-probe.yaml" in names
    assert "mockgateway/scenarios/packaging-probe.yml" in names
    assert "mockgateway/cli.py" in names
    assert not [name for name in names if "__pycache__" in name or name.startswith("tests/")]


def _yaml_files(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    # The loader reads both spellings, so both must ship.
    return {path.name: path.read_bytes() for pattern in ("*.yaml", "*.yml") for path in sorted(folder.glob(pattern))}
