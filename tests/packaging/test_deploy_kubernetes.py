"""docs/kubernetes.yaml: three probed replicas behind a Service, configured by a ConfigMap, on a persistent Redis."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from mockgateway.bootstrap import address_policy, retry_policy
from mockgateway.config import Settings
from tests.packaging.deploy import HEALTH_PATH, load_manifests, redis_address, serve_settings

Manifest = dict[str, Any]


def one(kind: str, name: str) -> Manifest:
    [found] = [m for m in load_manifests() if m["kind"] == kind and m["metadata"]["name"] == name]
    return found


def gateway_container() -> Manifest:
    [container] = one("Deployment", "mockgateway")["spec"]["template"]["spec"]["containers"]
    assert isinstance(container, dict)
    return container


def container_port(container: Manifest, port: int | str) -> int:
    """A port given by number or by name, as the container declares it."""
    numbers = {entry["containerPort"] for entry in container["ports"]}
    if isinstance(port, int):
        assert port in numbers, port
        return port
    [number] = [entry["containerPort"] for entry in container["ports"] if entry.get("name") == port]
    return int(number)


def selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return selector.items() <= labels.items()


def gateway_settings(tmp_path: Path) -> Settings:
    """The container's settings, its ConfigMap mounted where its ``--config`` looks (here, under ``tmp_path``)."""
    container = gateway_container()
    [mount] = container["volumeMounts"]
    [volume] = one("Deployment", "mockgateway")["spec"]["template"]["spec"]["volumes"]
    assert volume["name"] == mount["name"]
    data = one("ConfigMap", volume["configMap"]["name"])["data"]
    args = list(container["args"])
    config = PurePosixPath(args[args.index("--config") + 1])
    assert config.parent == PurePosixPath(mount["mountPath"]), "--config names a file of the mounted ConfigMap"
    local = tmp_path / config.name
    local.write_text(data[config.name], encoding="utf-8")
    args[args.index("--config") + 1] = str(local)
    environment = {entry["name"]: entry["value"] for entry in container["env"] if "value" in entry}
    return serve_settings(args, environment)


def test_every_kind_is_there() -> None:
    kinds = sorted(m["kind"] for m in load_manifests())
    assert kinds == ["ConfigMap", "Deployment", "Secret", "Service", "Service", "StatefulSet"]


def test_three_replicas_whose_pods_the_deployment_selects() -> None:
    deployment = one("Deployment", "mockgateway")["spec"]
    assert deployment["replicas"] == 3
    assert selects(deployment["selector"]["matchLabels"], deployment["template"]["metadata"]["labels"])


def test_the_probes_ask_the_port_the_gateway_listens_on(tmp_path: Path) -> None:
    """Readiness asks the health check, which fails while the store is away; liveness only that the process
    answers, so that a Redis outage takes the replicas out of the Service without restarting each of them."""
    container = gateway_container()
    settings = gateway_settings(tmp_path)
    ready = container["readinessProbe"]["httpGet"]
    assert ready["path"] == HEALTH_PATH
    assert container_port(container, ready["port"]) == settings.port
    alive = container["livenessProbe"]
    assert "httpGet" not in alive
    assert container_port(container, alive["tcpSocket"]["port"]) == settings.port


def test_the_container_asks_for_resources() -> None:
    requests = gateway_container()["resources"]["requests"]
    assert {"cpu", "memory"} <= set(requests)


def test_the_service_sends_to_the_gateway_pods_only() -> None:
    service = one("Service", "mockgateway")["spec"]
    template = one("Deployment", "mockgateway")["spec"]["template"]
    redis_pods = one("StatefulSet", "redis")["spec"]["template"]["metadata"]["labels"]
    assert selects(service["selector"], template["metadata"]["labels"])
    assert not selects(service["selector"], redis_pods)
    [port] = service["ports"]
    assert container_port(gateway_container(), port["targetPort"]) == 8080


def test_the_config_map_is_a_gateway_configuration_on_the_redis_service(tmp_path: Path) -> None:
    settings = gateway_settings(tmp_path)
    retry_policy(settings)  # the callbacks section, as start-up reads it: raises on a bad key or value
    address_policy(settings)
    host, port = redis_address(settings.store)
    redis = one("Service", host)["spec"]
    assert port in {entry["port"] for entry in redis["ports"]}
    assert settings.workers is None, "one process per container until the processes share all their state"
    assert settings.clock == "real", "a shared sandbox runs on the real clock"


def test_redis_keeps_an_append_only_file_on_a_persistent_volume() -> None:
    redis = one("StatefulSet", "redis")["spec"]
    [container] = redis["template"]["spec"]["containers"]
    assert int(container["image"].split(":")[1].split(".")[0]) >= 7
    args = container["args"]
    assert args[args.index("--appendonly") + 1] == "yes"
    [mount] = container["volumeMounts"]
    assert mount["mountPath"] == "/data"
    assert mount["name"] in {claim["metadata"]["name"] for claim in redis["volumeClaimTemplates"]}
    service = one("Service", "redis")["spec"]
    assert selects(service["selector"], redis["template"]["metadata"]["labels"])
    assert selects(redis["selector"]["matchLabels"], redis["template"]["metadata"]["labels"])
    [port] = service["ports"]
    assert container_port(container, port["targetPort"]) == port["port"]


def test_the_admin_token_comes_from_the_secret() -> None:
    [token] = [entry for entry in gateway_container()["env"] if entry["name"] == "MOCKGATEWAY_ADMIN_TOKEN"]
    reference = token["valueFrom"]["secretKeyRef"]
    assert reference["key"] in one("Secret", reference["name"])["stringData"]
