"""docs/architecture.md stays true: every module, class and function it names exists in the package."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "mockgateway"
DOC = ROOT / "docs" / "architecture.md"

_CODE = re.compile(r"`([^`]+)`")
_PATH = re.compile(r"^(?:[a-z_]+/)*[a-z_0-9]+\.py$")
_DOTTED = re.compile(r"^(?:[a-z_]+[./])*([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)$")


def _names() -> list[str]:
    return [name for line in DOC.read_text().splitlines() for name in _CODE.findall(line)]


def _source() -> str:
    return "\n".join(path.read_text() for path in PACKAGE.rglob("*.py"))


def test_every_module_it_names_exists() -> None:
    paths = [name.split()[0] for name in _names() if _PATH.match(name.split()[0])]
    assert paths, "the map names no module"
    files = {path.name for path in PACKAGE.rglob("*.py")}
    missing = [
        path
        for path in paths
        if not (PACKAGE / path).exists() and not (ROOT / path).exists() and ("/" in path or path not in files)
    ]
    assert not missing, f"docs/architecture.md names modules that do not exist: {missing}"


def test_every_class_and_function_it_names_exists() -> None:
    source = _source()
    defined = set(re.findall(r"^\s*(?:async\s+)?(?:def|class)\s+([A-Za-z_][A-Za-z0-9_]*)", source, re.M))
    defined |= set(re.findall(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*[:=]", source, re.M))  # attributes and aliases
    defined |= {path.stem for path in PACKAGE.rglob("*.py")}  # ``module.function``
    dotted = [
        match.groups()
        for name in _names()
        if (match := _DOTTED.match(name)) and not name.endswith((".py", ".md")) and not name.startswith("msgspec.")
    ]
    assert dotted, "the map names no class or function"
    missing = [f"{owner}.{member}" for owner, member in dotted if owner not in defined or member not in defined]
    assert not missing, f"docs/architecture.md names what the package does not define: {missing}"
