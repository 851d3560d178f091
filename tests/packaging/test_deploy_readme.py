"""The README's Deploying section: which store for which deployment, and links to the examples as they are."""

from __future__ import annotations

import re

from tests.packaging.deploy import COMPOSE, HAPROXY, KUBERNETES, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    return README.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_the_section_links_every_deployment_example() -> None:
    links = set(re.findall(r"\]\(([^)#]+)\)", section("Deploying")))
    examples = {path.relative_to(ROOT).as_posix() for path in (COMPOSE, HAPROXY, KUBERNETES)}
    assert examples <= links
    assert all((ROOT / link).is_file() for link in links), links


def test_the_section_says_when_to_use_each_store() -> None:
    rows = [line for line in section("Deploying").splitlines() if line.startswith("| ") and "`" in line]
    stores = [re.findall(r"`([a-z]+)[:`]", row)[0] for row in rows]
    assert stores == ["memory", "sqlite", "redis"]


def test_the_commands_shown_name_the_files() -> None:
    text = section("Deploying")
    assert f"docker compose -f {COMPOSE.relative_to(ROOT).as_posix()} up --build" in text
    assert f"kubectl apply -f {KUBERNETES.relative_to(ROOT).as_posix()}" in text
