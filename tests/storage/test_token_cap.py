"""An account holds at most so many grants at once: issuing one more revokes its oldest, on every store, so a loop
of token requests cannot fill the memory or the store."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockgateway.clock import FakeClock
from mockgateway.ids import SeededIds
from mockgateway.service.ports import Store
from mockgateway.service.tokens import TokenService, TokenUnknown
from tests.conftest import T0
from tests.storage.conftest import make_store

CAP = 3


def tokens(store: Store, clock: FakeClock | None = None) -> TokenService:
    clock = clock or FakeClock(T0)
    return TokenService(clock, SeededIds(7), 45 * 60, 60 * 60, state=store.state, max_grants_per_account=CAP)


async def test_past_the_cap_an_accounts_oldest_grants_are_revoked_and_no_other_accounts(store: Store) -> None:
    service = tokens(store)
    other = service.issue("other", "sms")
    issued = [service.issue("demo", "sms") for _ in range(CAP + 2)]
    for revoked in issued[:2]:
        with pytest.raises(TokenUnknown):
            await service.authenticate(revoked.access_token)
        with pytest.raises(TokenUnknown):
            await service.refresh(revoked.refresh_token)
    for kept in [other, *issued[2:]]:
        assert await service.authenticate(kept.access_token) == kept
    assert await store.state.load_grants(T0) == [other, *issued[2:]]


async def test_a_refreshed_grant_counts_until_it_expires(store: Store) -> None:
    service = tokens(store)
    first = service.issue("demo", "sms")
    renewed = await service.refresh(first.refresh_token)
    for _ in range(CAP - 2):
        service.issue("demo", "sms")
    assert (await service.authenticate(first.access_token)).refresh_spent
    service.issue("demo", "sms")  # one past the cap: the spent grant is the oldest
    with pytest.raises(TokenUnknown):
        await service.authenticate(first.access_token)
    assert await service.authenticate(renewed.access_token) == renewed


async def test_a_flood_of_token_requests_leaves_the_store_bounded(store: Store) -> None:
    service = tokens(store)
    for _ in range(2048):
        service.issue("demo", "sms")
    # Revoked grants are dropped by the sweep after every 1,024 issued: the store keeps no more than that.
    assert len(await store.state.load_grants(T0 - 1)) <= 1024 + CAP
    assert len(await store.state.load_grants(T0)) == CAP


@pytest.mark.parametrize("store_kind", ["sqlite", "redis"])
async def test_a_revoked_grant_stays_revoked_after_a_restart(store_kind: str, tmp_path: Path) -> None:
    first_run = make_store(store_kind, tmp_path)
    await first_run.open()
    service = tokens(first_run)
    issued = [service.issue("demo", "sms") for _ in range(CAP + 1)]
    await first_run.state.flush()
    await first_run.close()
    second_run = make_store(store_kind, tmp_path)
    await second_run.open()
    try:
        restarted = tokens(second_run)
        assert await restarted.load() == CAP
        with pytest.raises(TokenUnknown):
            await restarted.authenticate(issued[0].access_token)
        assert await restarted.authenticate(issued[-1].access_token) == issued[-1]
    finally:
        await second_run.close()
