"""docs/docker-compose.replicas.yml: Redis with its append-only file, three replicas on it, HAProxy in front."""

from __future__ import annotations

from typing import Any

from mockgateway.cli import SERVE_FLAGS
from tests.packaging.deploy import (
    COMPOSE,
    DOCS,
    HAPROXY,
    HEALTH_PATH,
    REDIS_PORT,
    ROOT,
    haproxy_sections,
    load_compose,
    redis_address,
    serve_settings,
)

VARIABLES = {f"MOCKGATEWAY_{flag.upper()}" for flag in SERVE_FLAGS}
HAPROXY_CONFIG = "/usr/local/etc/haproxy/haproxy.cfg"  #: where the official image reads its configuration


def services() -> dict[str, Any]:
    found = load_compose()["services"]
    assert isinstance(found, dict)
    return found


def gateways() -> dict[str, Any]:
    """The services built from the repository's Dockerfile."""
    return {name: service for name, service in services().items() if "build" in service}


def test_redis_keeps_an_append_only_file_on_a_volume() -> None:
    redis = services()["redis"]
    assert redis["image"].split(":")[0] == "redis"
    assert int(redis["image"].split(":")[1].split(".")[0]) >= 7
    command = redis["command"]
    assert command[0] == "redis-server"
    assert command[command.index("--appendonly") + 1] == "yes"
    assert "--port" not in command, "the gateways' store URLs name the default port"
    [volume] = redis["volumes"]
    name, target = volume.split(":")
    assert target == "/data", "the image's working directory, where the append-only file is written"
    assert name in load_compose()["volumes"], "a named volume outlives the container"
    assert redis["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]


def test_three_replicas_of_the_dockerfile_share_the_redis_store() -> None:
    replicas = gateways()
    assert len(replicas) == 3
    for name, gateway in replicas.items():
        assert (DOCS / gateway["build"]["context"]).resolve() == ROOT, name
        assert (ROOT / gateway["build"]["dockerfile"]).is_file(), name
        assert set(gateway["environment"]) <= VARIABLES, name
        settings = serve_settings(gateway["command"], gateway["environment"])
        assert redis_address(settings.store) == ("redis", REDIS_PORT), name
        assert settings.redis_prefix == "mockgateway:", "one prefix: the replicas are one gateway"
        assert settings.workers is None, "one process per container until the processes share all their state"
        assert settings.clock == "real", "a shared sandbox runs on the real clock"
        assert gateway["depends_on"]["redis"]["condition"] == "service_healthy", name


def test_every_replica_reports_its_health() -> None:
    for name, gateway in gateways().items():
        assert gateway["healthcheck"]["test"] == ["CMD", "mockgateway", "healthcheck"], name
        assert gateway["restart"] in ("always", "unless-stopped", "on-failure"), name


def test_the_balancer_mounts_the_haproxy_config_and_waits_for_the_replicas() -> None:
    balancer = services()["balancer"]
    assert balancer["image"].split(":")[0] == "haproxy"
    [mount] = balancer["volumes"]
    source, target, mode = mount.split(":")
    assert (DOCS / source).resolve() == HAPROXY
    assert (target, mode) == (HAPROXY_CONFIG, "ro")
    waits_for = {name: need["condition"] for name, need in balancer["depends_on"].items()}
    assert waits_for == dict.fromkeys(gateways(), "service_healthy")
    [published] = balancer["ports"]
    sections = haproxy_sections(HAPROXY.read_text(encoding="utf-8"))
    [frontend] = [lines for title, lines in sections.items() if title.startswith("frontend ")]
    assert ["bind", f":{published.split(':')[1]}"] in frontend, "the published port is the one HAProxy binds"


def test_haproxy_balances_over_the_three_replicas_checking_their_health() -> None:
    backend = haproxy_sections(HAPROXY.read_text(encoding="utf-8"))["backend gateways"]
    servers = {words[2] for words in backend if words[0] == "server"}
    assert servers == {f"{name}:{gateway['environment']['MOCKGATEWAY_PORT']}" for name, gateway in gateways().items()}
    assert ["balance", "roundrobin"] in backend
    assert ["option", "httpchk"] in backend
    assert ["http-check", "send", "meth", "GET", "uri", HEALTH_PATH] in backend
    assert ["http-check", "expect", "status", "200"] in backend
    defaults = next(words for words in backend if words[0] == "default-server")
    assert "check" in defaults, "every server is health-checked"


def test_the_command_in_its_comment_names_this_file() -> None:
    text = COMPOSE.read_text(encoding="utf-8")
    assert f"docker compose -f {COMPOSE.relative_to(ROOT)} up --build" in text
