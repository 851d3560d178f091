"""The connection limits' settings: defaults, the ``server`` section of the file, variables and flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockgateway.cli import build_parser, load_settings
from mockgateway.config import Settings
from mockgateway.domain.errors import ConfigError


def from_cli(argv: list[str], environ: dict[str, str]) -> Settings:
    return load_settings(build_parser().parse_args(["serve", *argv]), environ)


def test_the_defaults() -> None:
    settings = Settings.from_env({})
    assert (settings.max_connections, settings.client_timeout_s, settings.max_header_size) == (1000, 60.0, 8190)


@pytest.mark.parametrize(
    ("variable", "value", "attribute", "expected"),
    [
        ("MOCKGATEWAY_MAX_CONNECTIONS", "50", "max_connections", 50),
        ("MOCKGATEWAY_CLIENT_TIMEOUT", "500ms", "client_timeout_s", 0.5),
        ("MOCKGATEWAY_MAX_HEADER_SIZE", "16384", "max_header_size", 16384),
    ],
)
def test_each_variable_mirrors_its_flag(variable: str, value: str, attribute: str, expected: object) -> None:
    assert getattr(Settings.from_env({variable: value}), attribute) == expected
    flag = "--" + variable.removeprefix("MOCKGATEWAY_").lower().replace("_", "-")
    assert getattr(from_cli([flag, value], {}), attribute) == expected


def test_the_server_section_of_the_file_and_flags_over_it(tmp_path: Path) -> None:
    path = tmp_path / "gateway.yaml"
    path.write_text("server: {max_connections: 20, client_timeout: 5s, max_header_size: 4096}\n")
    settings = from_cli(["--config", str(path)], {})
    assert (settings.max_connections, settings.client_timeout_s, settings.max_header_size) == (20, 5.0, 4096)
    assert from_cli(["--config", str(path), "--max-connections", "30"], {}).max_connections == 30


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("server: {max_conections: 5}\n", "server.max_conections: unknown key"),
        ("server: {max_connections: many}\n", "server.max_connections: must be a whole number of at least 1"),
        ("server: {max_connections: 0}\n", "server.max_connections: must be a whole number of at least 1"),
        ("server: {max_header_size: 100}\n", "server.max_header_size: must be a whole number of at least 1024"),
        ("server: {client_timeout: 0}\n", "server.client_timeout: must be longer than zero"),
    ],
)
def test_problems_in_the_file_name_it_and_the_key(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "gateway.yaml"
    path.write_text(content)
    with pytest.raises(ConfigError, match=f"^{path}: ") as error:
        Settings.from_env({"MOCKGATEWAY_CONFIG": str(path)})
    assert expected in str(error.value)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--max-connections", "0"], "max_connections: 0 is not a whole number above zero"),
        (["--max-connections", "lots"], "--max-connections: 'lots' is not a whole number"),
        (["--max-header-size", "10"], "max_header_size: 10 is less than 1024 bytes"),
        (["--client-timeout", "0"], "--client-timeout: must be longer than zero"),
    ],
)
def test_bad_flags_are_configuration_errors(argv: list[str], expected: str) -> None:
    with pytest.raises(ConfigError) as error:
        from_cli(argv, {})
    assert expected in str(error.value)
