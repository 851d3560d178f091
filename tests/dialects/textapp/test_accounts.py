"""Accounts log in with the ``textapp: {login, password}`` section of the config file."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockgateway.bootstrap import build_gateway
from mockgateway.clock import FakeClock
from mockgateway.config import Settings
from mockgateway.domain.errors import ConfigError
from mockgateway.domain.queries import MessageQuery
from mockgateway.http.app import create_app
from tests.conftest import T0, AiohttpClient
from tests.dialects.textapp.conftest import post, send_params

CONFIG = """
accounts:
  - name: shop
    textapp: {login: shop-login, password: shop-secret}
  - name: other
    textapp: {login: other-login, password: other-secret}
"""


async def test_config_file_accounts(aiohttp_client: AiohttpClient, tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(CONFIG, encoding="utf-8")
    settings = Settings(clock="virtual", seed=7).with_overrides({"config": str(path)})
    gateway = build_gateway(settings, clock=FakeClock(T0))
    client = await aiohttp_client(create_app(settings, gateway=gateway))

    ok = await post(client, send_params(externalLogin="other-login", password="other-secret"))
    crossed = await post(client, send_params(externalLogin="shop-login", password="other-secret"))
    demo = await post(client, send_params())

    assert "<Code>1</Code>" in ok
    assert "<Code>201</Code>" in crossed, "a password is only good for its own login"
    assert "<Code>201</Code>" in demo, "the demo account is replaced by the file's accounts"
    [message] = (await gateway.messages(MessageQuery(provider="textapp"))).items
    assert message.account == "other"


def test_a_login_used_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(CONFIG.replace("other-login", "shop-login"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"accounts\[1\]\.textapp\.login: 'shop-login' is already used by 'shop'"):
        Settings().with_overrides({"config": str(path)})


def test_a_section_without_password_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("accounts:\n  - name: shop\n    textapp: {login: x}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"accounts\[0\]\.textapp\.password: required"):
        Settings().with_overrides({"config": str(path)})
