"""Installing a Debian package a test needs (Chromium, redis-server) where it is missing and the machine allows."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path


def ensure_package(package: str, program: Path) -> str | None:
    """Install ``package`` when ``program`` is missing. Returns why it cannot be had, or None when it is there."""
    if program.exists():
        return None
    apt = shutil.which("apt-get")
    if apt is None:
        return f"{program} is missing and this machine has no apt-get to install the '{package}' package"
    if os.geteuid() != 0:
        return f"{program} is missing; install it as root with: apt-get install -y {package}"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in ([apt, "update", "-q"], [apt, "install", "-y", "-q", "--no-install-recommends", package]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr}")
    if not program.exists():
        raise RuntimeError(f"the {package} package installed, but {program} is still missing")
    return None
