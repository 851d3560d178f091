"""An account's send rate (a token bucket on the host's monotonic clock) and its cap on kept messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockgateway.config import ConfigError, Settings
from mockgateway.domain.durations import parse_rate
from mockgateway.domain.errors import QuotaExceeded, RateLimited
from mockgateway.domain.limits import Limits
from mockgateway.domain.model import Account
from mockgateway.service.send_answers import SendAdmission
from mockgateway.storage.memory import InMemoryStore
from tests.storage.factories import message


class Ticks:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def account(*, send_rate: float | None = None, max_messages: int | None = None) -> Account:
    return Account(name="demo", credentials={}, limits=Limits(send_rate=send_rate, max_messages=max_messages))


async def test_a_second_s_worth_of_sends_passes_then_the_rate_holds() -> None:
    ticks = Ticks()
    admission = SendAdmission(InMemoryStore(), now=ticks)
    fast = account(send_rate=3)
    for _ in range(3):
        await admission.admit(fast, 1)
    with pytest.raises(RateLimited, match="at most 3 requests per second") as refused:
        await admission.admit(fast, 1)
    assert refused.value.retry_after == 1
    ticks.now += 0.34  # a third of a second: one token back
    await admission.admit(fast, 1)
    with pytest.raises(RateLimited):
        await admission.admit(fast, 1)


async def test_a_slow_rate_asks_for_the_whole_wait() -> None:
    ticks = Ticks()
    admission = SendAdmission(InMemoryStore(), now=ticks)
    hourly = account(send_rate=1 / 3600)
    await admission.admit(hourly, 1)
    ticks.now += 600
    with pytest.raises(RateLimited) as refused:
        await admission.admit(hourly, 1)
    assert refused.value.retry_after == 3000


async def test_accounts_have_buckets_of_their_own() -> None:
    admission = SendAdmission(InMemoryStore(), now=Ticks())
    one = account(send_rate=1)
    other = Account(name="other", credentials={}, limits=Limits(send_rate=1))
    await admission.admit(one, 1)
    await admission.admit(other, 1)
    with pytest.raises(RateLimited):
        await admission.admit(one, 1)


async def test_the_cap_counts_the_messages_a_send_would_add() -> None:
    store = InMemoryStore()
    admission = SendAdmission(store, now=Ticks())
    capped = account(max_messages=3)
    await store.add_messages([message("1000000001"), message("1000000002")])
    await admission.admit(capped, 1)
    with pytest.raises(QuotaExceeded, match="keeps 2 of at most 3 messages"):
        await admission.admit(capped, 2)


@pytest.mark.parametrize(
    ("raw", "per_second"), [(5, 5.0), ("50/s", 50.0), ("600/m", 10.0), ("600 / min", 10.0), ("36/h", 0.01)]
)
def test_rates_read_as_written(raw: object, per_second: float) -> None:
    assert parse_rate(raw) == pytest.approx(per_second)


@pytest.mark.parametrize("raw", [0, -1, "fast", "5/d", True, None, "0/s"])
def test_bad_rates_are_refused(raw: object) -> None:
    with pytest.raises(ValueError, match="is not a rate"):
        parse_rate(raw)


def test_limits_from_the_config_file_with_defaults_for_every_account(tmp_path: Path) -> None:
    config = tmp_path / "gateway.yaml"
    config.write_text(
        "limits: {send_rate: 20/s, max_messages: 1000}\n"
        "accounts:\n"
        "  - {name: shop, mobivate: {api_key: k1}, limits: {max_messages: 50}}\n"
        "  - {name: other, mobivate: {api_key: k2}}\n"
    )
    shop, other = Settings().with_overrides({"config": str(config)}).accounts
    assert shop.limits == Limits(send_rate=20.0, max_messages=50)
    assert other.limits == Limits(send_rate=20.0, max_messages=1000)


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ("limits: {send_rate: fast}", r"limits.send_rate: 'fast' is not a rate"),
        ("limits: {max_messages: 0}", r"limits.max_messages: must be a whole number of at least 1"),
        ("limits: {max_message: 5}", r"limits.max_message"),
    ],
)
def test_bad_limits_name_the_key(tmp_path: Path, section: str, message: str) -> None:
    config = tmp_path / "gateway.yaml"
    config.write_text(section + "\n")
    with pytest.raises(ConfigError, match=message):
        Settings().with_overrides({"config": str(config)})
