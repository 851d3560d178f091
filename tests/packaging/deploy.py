"""The deployment examples in docs/, read as their tools read them; their gateways' settings as the CLI makes them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import yaml

from mockgateway.cli import build_parser, load_settings
from mockgateway.config import Settings
from tests.packaging.dockerfile import ROOT

DOCS = ROOT / "docs"
COMPOSE = DOCS / "docker-compose.replicas.yml"
HAPROXY = DOCS / "haproxy.cfg"
KUBERNETES = DOCS / "kubernetes.yaml"
#: Where the gateway answers health checks without the admin token (tests/packaging/test_deploy_health.py).
HEALTH_PATH = "/__admin/health"
REDIS_PORT = 6379  #: redis-server's port when its command line names none


def load_compose() -> dict[str, Any]:
    document = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def load_manifests() -> list[dict[str, Any]]:
    return [document for document in yaml.safe_load_all(KUBERNETES.read_text(encoding="utf-8")) if document]


def serve_settings(command: Sequence[str], environment: Mapping[str, str]) -> Settings:
    """What ``mockgateway <command>`` makes of its flags and ``MOCKGATEWAY_*`` variables, as in a container."""
    args = build_parser().parse_args(list(command))
    assert args.command == "serve", command
    return load_settings(args, environment)


def redis_address(store: str) -> tuple[str, int]:
    """The host and port of a ``redis://HOST:PORT/DB`` store."""
    url = urlsplit(store)
    assert url.scheme == "redis", store
    assert url.hostname is not None, store
    return url.hostname, url.port or REDIS_PORT


def haproxy_sections(text: str) -> dict[str, list[list[str]]]:
    """Each ``backend NAME``/``frontend NAME``/... section's lines, split into words, comments left out."""
    sections: dict[str, list[list[str]]] = {}
    current: list[list[str]] = []
    for raw in text.splitlines():
        words = raw.split("#", 1)[0].split()
        if not words:
            continue
        if not raw[0].isspace():
            current = sections.setdefault(" ".join(words), [])
        else:
            current.append(words)
    return sections
