"""The README documents what the package actually has: every setting variable and every dependency."""

from __future__ import annotations

import re
import tomllib

from mockgateway.cli import SERVE_FLAGS, build_parser
from tests.packaging.dockerfile import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_every_setting_has_a_documented_variable_and_flag() -> None:
    serve_options = set(vars(build_parser().parse_args(["serve"]))) - {"command"}
    assert serve_options == set(SERVE_FLAGS), "a serve option without a variable, or a variable without an option"
    for name in SERVE_FLAGS:
        assert f"| `MOCKGATEWAY_{name.upper()}` | `--{name.replace('_', '-')}` |" in README, name


def test_every_dependency_and_extra_is_explained() -> None:
    for requirement in PROJECT["dependencies"]:
        package = re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0]
        assert f"| `{package}` |" in README, package
    for extra in ("fast", "demo"):
        for requirement in PROJECT["optional-dependencies"][extra]:
            package = re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0]
            assert f"`{extra}`" in README
            assert f"`{package}`" in README, package


def test_quick_start_is_the_two_make_commands() -> None:
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^make \w+", quick, flags=re.MULTILINE)
    assert commands == ["make run", "make test"]
