"""An account's smsmode section in the config file: the optional pseudo/pass pair and what it logs in to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mockgateway.config import Settings
from mockgateway.domain.errors import ConfigError
from mockgateway.http.app import create_app
from tests.dialects.smsmode.conftest import http_get

SHOP = "  - name: shop\n    smsmode: {access_token: shop-token12, api_key: shop-key, pseudo: shop, pass: s3cret}\n"


def _settings(tmp_path: Path, accounts: str) -> Settings:
    path = tmp_path / "mockgateway.yaml"
    path.write_text("accounts:\n" + accounts, encoding="utf-8")
    return Settings.from_env({"MOCKGATEWAY_CONFIG": str(path)})


def test_pseudo_and_pass_are_read(tmp_path: Path) -> None:
    (shop,) = _settings(tmp_path, SHOP).accounts
    assert shop.credentials["smsmode"] == {
        "access_token": "shop-token12",
        "api_key": "shop-key",
        "pseudo": "shop",
        "pass": "s3cret",
    }


def test_the_pair_is_optional(tmp_path: Path) -> None:
    (shop,) = _settings(tmp_path, "  - name: shop\n    smsmode: {access_token: t, api_key: k}\n").accounts
    assert shop.credentials["smsmode"] == {"access_token": "t", "api_key": "k"}


@pytest.mark.parametrize(
    ("accounts", "expected"),
    [
        ("  - name: a\n    smsmode: {access_token: t, api_key: k, pseudo: a}\n", "accounts[0].smsmode.pass: required"),
        ("  - name: a\n    smsmode: {access_token: t, api_key: k, pass: p}\n", "accounts[0].smsmode.pseudo: required"),
        ("  - name: a\n    smsmode: {access_token: t, api_key: k, pseudo: 7, pass: p}\n", "pseudo: must be a string"),
        (
            SHOP + "  - name: b\n    smsmode: {access_token: t2, api_key: k2, pseudo: shop, pass: other}\n",
            "accounts[1].smsmode.pseudo: 'shop' is already used by 'shop'",
        ),
    ],
)
def test_problems(tmp_path: Path, accounts: str, expected: str) -> None:
    with pytest.raises(ConfigError) as error:
        _settings(tmp_path, accounts)
    assert expected in str(error.value)


async def test_an_account_logs_in_by_its_pseudo(tmp_path: Path, aiohttp_client: Any) -> None:
    client = await aiohttp_client(create_app(_settings(tmp_path, SHOP)))
    assert await http_get(client, "credit.do", accessToken="", pseudo="shop", **{"pass": "s3cret"}) == "1000000"
    assert await http_get(client, "credit.do", accessToken="", pseudo="demo", **{"pass": "demo-smsmode-pass"}) == (
        "32 | Authentication error"
    )
