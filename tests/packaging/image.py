"""The Docker image's build steps, repeated without a Docker engine: COPY into a folder, RUN pip into a venv."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tests.packaging.dockerfile import ROOT, Dockerfile, Instruction, ignore_patterns, ignored

#: The RUN steps the image has, and whether ``build`` repeats them. Any other RUN fails the tests.
USERADD = (  # needs root: checked, not run
    "groupadd --gid 10001 mockgateway && useradd --create-home --no-log-init --uid 10001 --gid 10001 mockgateway"
)
PIP_INSTALL = 'pip install --no-cache-dir ".[demo,fast]"'
INSTALL_TIMEOUT_S = 300


@dataclass(frozen=True)
class Image:
    workdir: Path  #: stands for the image's WORKDIR
    bin: Path  #: the venv's scripts: stands for the image's PATH
    env: dict[str, str]  #: the image's ENV, paths under WORKDIR moved to ``workdir``
    entrypoint: list[str]
    cmd: list[str]
    healthcheck: list[str]


def build(dockerfile: Dockerfile, into: Path) -> Image:
    workdir_in_image = dockerfile.one("WORKDIR").args
    workdir = into / "app"
    workdir.mkdir(parents=True)
    for sources, destination in dockerfile.copies():
        for source in sources:
            copy(source, destination, workdir)
    runs = [run.args for run in dockerfile.all("RUN")]
    assert runs == [USERADD, PIP_INSTALL], f"the tests repeat exactly these RUN steps, the Dockerfile has {runs}"
    venv = into / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    # The RUN step, by this pip on the venv's interpreter (quicker than seeding the venv with its own pip),
    # with pip's cache kept: the test is about what gets installed, not about image size.
    pip = [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--quiet", "."]
    subprocess.run(pip, cwd=workdir, check=True, timeout=INSTALL_TIMEOUT_S)
    env = {name: _moved(value, workdir_in_image, workdir) for name, value in dockerfile.env().items()}
    _, health = dockerfile.one("HEALTHCHECK").options()
    assert health.startswith("CMD "), f"HEALTHCHECK {health}: expected CMD [...]"
    return Image(
        workdir=workdir,
        bin=venv / "bin",
        env=env,
        entrypoint=dockerfile.one("ENTRYPOINT").exec_form(),
        cmd=dockerfile.one("CMD").exec_form(),
        healthcheck=_exec(health.removeprefix("CMD ")),
    )


def copy(source: str, destination: str, workdir: Path) -> None:
    """One COPY source, honouring .dockerignore; a directory's contents land in ``destination``."""
    target = workdir / destination
    origin = ROOT / source
    assert origin.exists(), f"COPY {source}: missing from the build context, so docker build would fail"
    patterns = ignore_patterns()
    assert not ignored(PurePosixPath(source.rstrip("/")), patterns), f"COPY {source}: excluded by .dockerignore"
    if origin.is_dir():

        def skip(folder: str, names: list[str]) -> set[str]:
            relative = PurePosixPath(Path(folder).relative_to(ROOT).as_posix())
            return {name for name in names if ignored(relative / name, patterns)}

        # Symlinks stay links, as COPY keeps them inside a copied folder.
        shutil.copytree(origin, target, symlinks=True, ignore=skip, dirs_exist_ok=True)
    else:
        if destination.endswith("/") or target.is_dir():
            target = target / origin.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(origin, target)


def _moved(value: str, workdir_in_image: str, workdir: Path) -> str:
    if value == workdir_in_image or value.startswith(workdir_in_image.rstrip("/") + "/"):
        return str(workdir) + value[len(workdir_in_image.rstrip("/")) :]
    return value


def _exec(args: str) -> list[str]:
    return Instruction("CMD", args).exec_form()
