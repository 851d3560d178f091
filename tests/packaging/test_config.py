"""Settings: the config file format, and defaults < config file < environment < flags."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from mockgateway.cli import build_parser, load_settings
from mockgateway.config import DURATIONS, Settings
from mockgateway.domain.errors import ConfigError
from mockgateway.domain.model import CallbackTarget

#: The configuration example as published, comments included.
EXAMPLE = """\
accounts:
  - name: demo
    livelink: {app_key: demo-app-key, app_secret: demo-app-secret, client_id: 12345}
    status_callback_url: http://127.0.0.1:9000/acks   # account-level ACK callback (Live Link portal setting)
    mo_callback_url: http://127.0.0.1:9000/mo         # account-level incoming-reply callback
    origins: ["12345", "447700900999"]                # sender ids / numbers the account owns
    service_number: "447700900999"                    # what replies reach when a message had no origin
    textapp:                                          # TextApp's own callbacks: GETs to another receiver
      {login: demo-login, password: demo-password, status_callback_url: http://127.0.0.1:9001/status.aspx}
  - name: other
    livelink: {app_key: other-key, app_secret: other-secret, client_id: 777}
"""


def write(tmp_path: Path, content: str, name: str = "mockgateway.yaml") -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


@pytest.fixture
def example(tmp_path: Path) -> Path:
    return write(tmp_path, EXAMPLE)


def from_cli(argv: list[str], environ: dict[str, str]) -> Settings:
    return load_settings(build_parser().parse_args(["serve", *argv]), environ)


def test_the_published_example_loads(example: Path) -> None:
    settings = Settings.from_env({"MOCKGATEWAY_CONFIG": str(example)})
    demo, other = settings.accounts
    assert demo.name == "demo"
    assert demo.credentials == {
        "livelink": {"app_key": "demo-app-key", "app_secret": "demo-app-secret", "client_id": 12345},
        "textapp": {"login": "demo-login", "password": "demo-password"},
    }
    assert demo.status_target("textapp") == CallbackTarget(url="http://127.0.0.1:9001/status.aspx")
    assert demo.service_number == "447700900999"
    assert demo.status_callback == CallbackTarget(url="http://127.0.0.1:9000/acks")
    assert demo.mo_callback == CallbackTarget(url="http://127.0.0.1:9000/mo")
    assert demo.origins == ("12345", "447700900999")
    assert other.name == "other"
    assert other.credentials == {"livelink": {"app_key": "other-key", "app_secret": "other-secret", "client_id": 777}}
    assert (other.status_callback, other.mo_callback, other.origins) == (None, None, None)
    assert settings.config_path == example


def test_without_a_file_there_is_one_demo_account() -> None:
    settings = Settings.from_env({})
    [demo] = settings.accounts
    assert demo.name == "demo"
    assert demo.credentials["livelink"] == {
        "app_key": "demo-app-key",
        "app_secret": "demo-app-secret",
        "client_id": 12345,
    }
    assert (settings.host, settings.port, settings.clock, settings.store) == ("127.0.0.1", 8080, "real", "memory")
    assert settings.config_path is None


def test_environment_overrides_defaults(example: Path) -> None:
    settings = Settings.from_env({"MOCKGATEWAY_PORT": "9999", "MOCKGATEWAY_CONFIG": str(example)})
    assert settings.port == 9999
    assert [account.name for account in settings.accounts] == ["demo", "other"]


@pytest.mark.parametrize(
    ("variable", "value", "attribute", "expected"),
    [
        ("MOCKGATEWAY_HOST", "0.0.0.0", "host", "0.0.0.0"),
        ("MOCKGATEWAY_PORT", "0", "port", 0),
        ("MOCKGATEWAY_SCENARIOS", "/srv/scenarios", "scenarios_dir", Path("/srv/scenarios")),
        ("MOCKGATEWAY_SEED", "42", "seed", 42),
        ("MOCKGATEWAY_CLOCK", "virtual", "clock", "virtual"),
        ("MOCKGATEWAY_STORE", "sqlite:/tmp/mg.sqlite", "store", "sqlite:/tmp/mg.sqlite"),
        ("MOCKGATEWAY_RETENTION", "2h", "retention_s", 7200.0),
    ],
)
def test_each_variable_mirrors_its_flag(variable: str, value: str, attribute: str, expected: object) -> None:
    assert getattr(Settings.from_env({variable: value}), attribute) == expected
    flag = "--" + variable.removeprefix("MOCKGATEWAY_").lower()
    assert getattr(from_cli([flag, value], {}), attribute) == expected


def test_empty_variables_count_as_unset() -> None:
    assert Settings.from_env({"MOCKGATEWAY_PORT": "", "MOCKGATEWAY_CONFIG": ""}) == Settings.from_env({})


def test_flags_override_environment() -> None:
    settings = from_cli(["--port", "7000", "--clock", "virtual"], {"MOCKGATEWAY_PORT": "9999", "MOCKGATEWAY_SEED": "3"})
    assert (settings.port, settings.clock, settings.seed) == (7000, "virtual", 3)


def test_environment_and_flags_override_the_file_whoever_names_it(tmp_path: Path) -> None:
    path = write(tmp_path, "retention: 2h\noauth: {access_token_ttl: 10m}\n")
    environ = {"MOCKGATEWAY_RETENTION": "1h"}
    assert from_cli(["--config", str(path)], environ).retention_s == 3600
    assert from_cli([], {**environ, "MOCKGATEWAY_CONFIG": str(path)}).retention_s == 3600
    assert from_cli(["--config", str(path), "--retention", "30m"], environ).retention_s == 1800
    assert from_cli(["--config", str(path)], {}).retention_s == 7200
    assert from_cli(["--config", str(path)], environ).access_token_ttl_s == 600


def test_the_takeover_time_comes_from_the_file_and_must_be_positive(tmp_path: Path) -> None:
    assert Settings().takeover_after_s == 10.0
    assert from_cli(["--config", str(write(tmp_path, "takeover_after: 30s\n"))], {}).takeover_after_s == 30.0
    assert Settings.from_env({"MOCKGATEWAY_TAKEOVER_AFTER": "1500ms"}).takeover_after_s == 1.5
    assert from_cli(["--takeover-after", "2s"], {"MOCKGATEWAY_TAKEOVER_AFTER": "1500ms"}).takeover_after_s == 2.0
    with pytest.raises(ConfigError, match="takeover-after: must be longer than zero"):
        from_cli(["--takeover-after", "0s"], {})


def test_a_config_flag_replaces_the_config_variable(tmp_path: Path, example: Path) -> None:
    broken = write(tmp_path, "accounts: nope\n", name="broken.yaml")
    settings = from_cli(["--config", str(example)], {"MOCKGATEWAY_CONFIG": str(broken)})
    assert settings.config_path == example


def test_oauth_section_sets_token_lifetimes(tmp_path: Path) -> None:
    settings = Settings.from_env({"MOCKGATEWAY_CONFIG": str(write(tmp_path, "oauth: {access_token_ttl: 10m}\n"))})
    assert settings.access_token_ttl_s == 600
    assert settings.refresh_token_ttl_s == Settings().refresh_token_ttl_s
    assert settings.accounts == Settings().accounts, "a file without accounts keeps the demo account"


def test_retention_and_status_list_key(tmp_path: Path) -> None:
    path = write(tmp_path, "retention: 3d\nlivelink: {status_list_key: sapnotification}\n")
    settings = Settings.from_env({"MOCKGATEWAY_CONFIG": str(path)})
    assert (settings.retention_s, settings.status_list_key) == (3 * 86400, "sapnotification")


def test_numeric_strings_are_accepted_for_client_id(tmp_path: Path) -> None:
    path = write(tmp_path, "accounts:\n  - name: a\n    livelink: {app_key: k, app_secret: s, client_id: '12'}\n")
    [account] = Settings.from_env({"MOCKGATEWAY_CONFIG": str(path)}).accounts
    assert account.credentials["livelink"]["client_id"] == 12


def test_callback_oauth2_applies_to_both_callbacks(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "accounts:\n  - name: a\n    livelink: {app_key: k, app_secret: s, client_id: 1}\n"
        "    status_callback_url: https://hooks.example/acks\n    mo_callback_url: https://hooks.example/mo\n"
        "    callback_oauth2: {client_id: c, client_secret: x, token_url: 'https://auth.example/token'}\n",
    )
    [account] = Settings.from_env({"MOCKGATEWAY_CONFIG": str(path)}).accounts
    assert account.status_callback is not None
    assert account.mo_callback is not None
    assert account.status_callback.oauth2 == account.mo_callback.oauth2
    assert account.status_callback.oauth2 is not None
    assert account.status_callback.oauth2.token_url == "https://auth.example/token"


def test_a_provider_section_may_set_that_providers_own_callbacks(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "accounts:\n  - name: a\n    service_number: '+447700900123'\n"
        "    status_callback_url: https://hooks.example/acks\n    mo_callback_url: https://hooks.example/mo\n"
        "    livelink: {app_key: k, app_secret: s, client_id: 1}\n"
        "    textapp: {login: l, password: p, status_callback_url: 'https://hooks.example/status.aspx'}\n"
        "    callback_oauth2: {client_id: c, client_secret: x, token_url: 'https://auth.example/token'}\n",
    )
    [account] = Settings.from_env({"MOCKGATEWAY_CONFIG": str(path)}).accounts
    assert account.credentials["textapp"] == {"login": "l", "password": "p"}
    own, wide = account.status_target("textapp"), account.mo_target("textapp")
    assert own is not None
    assert wide is not None
    assert (own.url, own.oauth2) == ("https://hooks.example/status.aspx", wide.oauth2), "callback_oauth2 applies"
    assert wide == account.mo_callback, "what TextApp does not set is the account's"
    assert account.status_target("livelink") == account.status_callback
    assert account.service_number == "447700900123"


def test_the_service_number_has_a_default() -> None:
    [demo] = Settings.from_env({}).accounts
    assert demo.service_number.isdigit()


ACCOUNT = "  - name: a\n    livelink: {app_key: k, app_secret: s, client_id: 1}\n"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("- accounts\n", ": the top level must be a mapping"),
        ("accounts: []\n", ": accounts: must be a non-empty list"),
        ("accounts:\n  - name: a\n", "accounts[0]: account 'a' needs credentials for a provider (livelink"),
        (
            "accounts:\n  - name: a\n    livelink: {app_key: k, client_id: 1}\n",
            "accounts[0].livelink.app_secret: required",
        ),
        (
            "accounts:\n" + ACCOUNT + "  - name: b\n    livelink: {app_key: k, app_secret: t, client_id: 2}\n",
            "accounts[1].livelink.app_key: 'k' is already used by 'a'",
        ),
        ("accounts:\n" + ACCOUNT + "    origins: 12345\n", "accounts[0].origins: must be a list of strings"),
        (
            "accounts:\n" + ACCOUNT + "    callback_oauth2: {client_id: c, client_secret: x}\n",
            "accounts[0].callback_oauth2.token_url: required",
        ),
        (
            "accounts:\n  - name: a\n    livelink: {app_key: k, app_secret: s, client_id: 1, mo_callback_url: x}\n",
            "accounts[0].livelink.mo_callback_url: must be an http(s) URL",
        ),
        ("accounts:\n" + ACCOUNT + "    service_number: Shop\n", "accounts[0].service_number: must be a phone number"),
        ("oauth: {access_token_tll: 10m}\n", "oauth.access_token_tll: unknown key"),
        ("oauth: {access_token_ttl: 0}\n", "oauth.access_token_ttl: must be longer than zero"),
        ("oauth: {refresh_token_ttl: soon}\n", "oauth.refresh_token_ttl: 'soon' is not a duration"),
        ("retention: -1\n", "retention: -1 is negative"),
        ("livelink: {status_list_key: notifications}\n", "livelink.status_list_key: must be one of SAPNotification"),
        ("livelink: {base_path: /x}\n", "livelink.base_path: unknown key"),
    ],
)
def test_problems_name_file_key_and_problem(tmp_path: Path, content: str, expected: str) -> None:
    path = write(tmp_path, content)
    with pytest.raises(ConfigError) as error:
        Settings.from_env({"MOCKGATEWAY_CONFIG": str(path)})
    message = str(error.value)
    assert message.startswith(f"{path}: "), message
    assert expected in message


def test_of_several_durations_out_of_range_the_first_named_is_the_retention_then_the_tokens() -> None:
    assert set(DURATIONS) == {setting.name for setting in fields(Settings) if setting.name.endswith("_s")}
    with pytest.raises(ConfigError, match=r"^access_token_ttl: must be longer than zero$"):
        Settings(takeover_after_s=0, client_timeout_s=0, access_token_ttl_s=0).validate()
    with pytest.raises(ConfigError, match=r"^retention: must be longer than zero$"):
        Settings(takeover_after_s=0, retention_s=-1).validate()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"status_list_key": "notifications"}, "status_list_key: 'notifications' is not one of SAPNotification"),
        ({"workers": 0}, "workers: 0 is not a whole number above zero"),
        ({"port": 70000}, "port: 70000 is out of range 0-65535"),
    ],
)
def test_settings_built_in_code_keep_the_rules_of_flags(changes: dict[str, object], expected: str) -> None:
    with pytest.raises(ConfigError, match=expected):
        Settings(**changes).validate()  # type: ignore[arg-type]  # values as a caller may give them
