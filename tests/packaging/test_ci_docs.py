"""docs/: the GitHub Actions and Compose examples use the Dockerfile, its health check and real variables."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from mockgateway.cli import SERVE_FLAGS
from tests.packaging.dockerfile import ROOT

DOCS = ROOT / "docs"
VARIABLES = {f"MOCKGATEWAY_{flag.upper()}" for flag in SERVE_FLAGS}
HEALTH_OPTION = '--health-cmd "mockgateway healthcheck"'


def load(name: str) -> Any:
    return yaml.safe_load((DOCS / name).read_text(encoding="utf-8"))


def used_variables(text: str) -> set[str]:
    return set(re.findall(r"\bMOCKGATEWAY_[A-Z0-9_]+", text))


def test_every_variable_the_docs_use_is_a_setting() -> None:
    for name in ("github-actions.yml", "docker-compose.yml", "ci.md"):
        used = used_variables((DOCS / name).read_text(encoding="utf-8"))
        assert used, name
        assert used <= VARIABLES, f"{name}: {sorted(used - VARIABLES)} are not settings"


def test_ci_md_lists_every_variable_with_its_flag() -> None:
    text = (DOCS / "ci.md").read_text(encoding="utf-8")
    for flag in SERVE_FLAGS:
        assert f"| `MOCKGATEWAY_{flag.upper()}` | `--{flag.replace('_', '-')}` |" in text, flag


def test_the_workflow_builds_from_the_dockerfile_and_waits_for_health() -> None:
    workflow = load("github-actions.yml")
    jobs = workflow["jobs"]
    build = next(step["with"] for step in jobs["image"]["steps"] if "build-push-action" in step.get("uses", ""))
    assert build["file"] == "Dockerfile"
    assert (ROOT / build["file"]).is_file()
    assert jobs["integration"]["needs"] == "image"
    [service] = jobs["integration"]["services"].values()
    assert service["image"] == build["tags"], "the service runs the image the build job pushed"
    assert HEALTH_OPTION in service["options"]
    assert set(service["env"]) <= VARIABLES
    assert all(isinstance(value, str) for value in service["env"].values()), "Actions wants strings"
    assert service["ports"] == ["8080:8080"]


def test_ci_md_shows_the_workflow_service_as_it_is() -> None:
    text = (DOCS / "ci.md").read_text(encoding="utf-8")
    snippet = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    assert snippet in (DOCS / "github-actions.yml").read_text(encoding="utf-8")


def test_compose_builds_the_dockerfile_and_gates_the_app_on_health() -> None:
    services = load("docker-compose.yml")["services"]
    gateway = services["mockgateway"]
    context = (DOCS / gateway["build"]["context"]).resolve()
    assert context == ROOT
    assert (context / gateway["build"]["dockerfile"]).is_file()
    assert gateway["healthcheck"]["test"] == ["CMD", "mockgateway", "healthcheck"]
    assert set(gateway["environment"]) <= VARIABLES
    assert gateway["environment"]["MOCKGATEWAY_PORT"] == gateway["ports"][0].split(":")[1]
    assert services["app"]["depends_on"]["mockgateway"]["condition"] == "service_healthy"


def test_the_dockerfile_has_the_health_check_the_examples_rely_on() -> None:
    dockerfile = Path(ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert 'CMD ["mockgateway", "healthcheck"]' in dockerfile
