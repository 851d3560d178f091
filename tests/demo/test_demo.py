"""Demo traffic: every status shows, replies arrive, runs repeat with a seed, and it is wired to the CLI."""

from __future__ import annotations

import asyncio
import json
import sys
import urllib.request
from collections import Counter
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mockgateway.bootstrap import build_gateway
from mockgateway.cli import build_parser, load_settings
from mockgateway.clock import FakeClock
from mockgateway.config import Settings
from mockgateway.demo import DemoTraffic, demo_traffic
from mockgateway.domain.errors import ConfigError
from mockgateway.domain.model import Account
from mockgateway.domain.queries import EventQuery, MessageQuery
from mockgateway.http.app import create_app
from mockgateway.service.gateway import Gateway
from mockgateway.service.waits import MESSAGES, wait_for
from tests.conftest import T0, AiohttpClient
from tests.packaging.process import clean_environ, running

ALL = 1_000_000


async def drive(gateway: Gateway, steps: int, *, seed: int = 1) -> DemoTraffic:
    traffic = DemoTraffic(gateway, seed=seed)
    for _ in range(steps):
        await traffic.step()
    return traffic


def fresh_gateway(**settings: Any) -> Gateway:
    return build_gateway(Settings(clock="virtual", seed=7, **settings), clock=FakeClock(T0))


async def test_a_demo_shows_every_status_and_replies(gateway: Gateway) -> None:
    await drive(gateway, 300)
    await gateway.advance(49 * 3600)  # past the slowest timeline: expiry at the end of a 48 h validity period
    statuses = Counter(n.status.value for n in await gateway.notifications(EventQuery(limit=ALL)))
    assert set(statuses) == {"SENT", "RETRYING", "DELIVERED", "RECEIVED", "FAILED"}
    reasons = {n.reason for n in await gateway.notifications(EventQuery(status="FAILED", limit=ALL))}
    assert {"network_temporary", "validity_expired", "no_credit", "blocked_recipient"} <= reasons
    messages = (await gateway.messages(MessageQuery(limit=ALL))).items
    assert {m.provider for m in messages} == {"livelink", "mobivate", "smsmode", "textapp"}
    assert {m.encoding.value for m in messages} == {"GSM7", "UCS2"}
    assert any(len(m.part_ids) == 2 for m in messages)
    assert len({m.destination for m in messages}) > 30, "conversations with many handsets"
    assert all(m.destination.startswith("4477009") for m in messages), "only fictional numbers"
    replies = await gateway.mos(EventQuery(limit=ALL))
    assert {"STOP", "YES please"} <= {mo.text for mo in replies}
    assert any(mo.in_reply_to for mo in replies if mo.sender.startswith("4477009001"))  # replies to ordinary sends
    assert any("verification code is" in m.text for m in messages)


async def test_the_same_seed_makes_the_same_traffic() -> None:
    runs = []
    for _ in range(2):
        gateway = fresh_gateway()
        await drive(gateway, 60, seed=3)
        page = await gateway.messages(MessageQuery(limit=ALL))
        runs.append([(m.destination, m.provider, m.origin, m.text) for m in page.items])
    assert runs[0] == runs[1]
    other = fresh_gateway()
    await drive(other, 60, seed=4)
    assert [m.text for m in (await other.messages(MessageQuery(limit=ALL))).items] != [r[3] for r in runs[0]]


async def test_an_account_sends_only_through_its_providers_and_origins() -> None:
    shop = Account(name="shop", credentials={"textapp": {"login": "l", "password": "p"}}, origins=("ShopCo",))
    gateway = fresh_gateway(accounts=(shop,))
    await drive(gateway, 40)
    messages = (await gateway.messages(MessageQuery(limit=ALL))).items
    assert messages
    assert {(m.account, m.provider, m.origin) for m in messages} == {("shop", "textapp", "ShopCo")}


async def test_without_faker_the_error_says_what_to_install(gateway: Gateway, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "faker", None)  # makes ``import faker`` fail
    with pytest.raises(ConfigError, match=r"pip install 'mockgateway\[demo\]'"):
        DemoTraffic(gateway)


async def test_the_app_runs_demo_traffic_when_switched_on(aiohttp_client: AiohttpClient) -> None:
    settings = Settings(clock="virtual", seed=7, demo=True, demo_rate=1000)
    gateway = build_gateway(settings)
    client: TestClient[Any, Any] = await aiohttp_client(create_app(settings, gateway=gateway))
    assert await wait_for(gateway, MESSAGES, {}, within=10) is not None
    await client.close()
    assert not [t for t in asyncio.all_tasks() if t.get_name() == "mockgateway-demo"]


async def test_demo_traffic_stops_with_its_context(gateway: Gateway) -> None:
    async with demo_traffic(gateway, rate=1000, seed=1) as traffic:
        assert await wait_for(gateway, MESSAGES, {}, within=10) is not None
        assert [t for t in asyncio.all_tasks() if t.get_name() == "mockgateway-demo"]
    assert not [t for t in asyncio.all_tasks() if t.get_name() == "mockgateway-demo"]
    assert traffic.account.name == "demo"


@pytest.mark.parametrize(
    ("argv", "environ", "expected"),
    [
        (["serve"], {}, (False, 1.0)),
        (["serve", "--demo", "--demo-rate", "3"], {}, (True, 3.0)),
        (["demo"], {}, (True, 1.0)),
        (["demo", "--rate", "30/m"], {}, (True, 0.5)),
        (["serve"], {"MOCKGATEWAY_DEMO": "1", "MOCKGATEWAY_DEMO_RATE": "5/s"}, (True, 5.0)),
        (["serve", "--demo-rate", "2"], {"MOCKGATEWAY_DEMO": "yes", "MOCKGATEWAY_DEMO_RATE": "5"}, (True, 2.0)),
        (["serve"], {"MOCKGATEWAY_DEMO": "off"}, (False, 1.0)),
    ],
)
def test_flags_and_variables(argv: list[str], environ: dict[str, str], expected: tuple[bool, float]) -> None:
    settings = load_settings(build_parser().parse_args(argv), environ)
    assert (settings.demo, settings.demo_rate) == expected


@pytest.mark.parametrize(
    ("argv", "environ", "label"),
    [
        (["serve"], {"MOCKGATEWAY_DEMO": "maybe"}, "MOCKGATEWAY_DEMO"),
        (["serve"], {"MOCKGATEWAY_DEMO_RATE": "fast"}, "MOCKGATEWAY_DEMO_RATE"),
        (["demo", "--rate", "0"], {}, "--demo-rate"),
        (["demo", "--rate", "5/day"], {}, "--demo-rate"),
    ],
)
def test_bad_values_name_the_variable_or_flag(argv: list[str], environ: dict[str, str], label: str) -> None:
    with pytest.raises(ConfigError, match=f"^{label}: "):
        load_settings(build_parser().parse_args(argv), environ)


def test_the_demo_command_serves_traffic() -> None:
    argv = [sys.executable, "-m", "mockgateway", "demo", "--port", "0", "--rate", "50", "--seed", "1"]
    with running(argv, clean_environ()) as server:
        url = f"{server.url}/__admin/messages/wait?timeout=20"
        with urllib.request.urlopen(url, timeout=30) as response:
            assert json.loads(response.read())["destination"].startswith("+4477009")
        assert server.stop() == 0
