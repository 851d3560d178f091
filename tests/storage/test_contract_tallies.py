"""The tallies of every store: what providers' "each item once" pulls handed out, and credits spent per account.

A store of one process counts them from zero at each start; the Redis store shares them between processes.
"""

from __future__ import annotations

import asyncio

from mockgateway.service.ports import Store
from tests.conftest import T0

PULL = "textapp:inbound"


async def test_each_id_is_handed_out_once_per_account_and_pull(store: Store) -> None:
    state = store.state
    assert await state.hand_out("demo", PULL, ["m1", "m2"], now=T0, forget_before=0) == ["m1", "m2"]
    assert await state.hand_out("demo", PULL, ["m2", "m3", "m3"], now=T0 + 1, forget_before=0) == ["m3"]
    assert await state.hand_out("other", PULL, ["m1"], now=T0 + 1, forget_before=0) == ["m1"]
    assert await state.hand_out("demo", "textapp:replies", ["m1"], now=T0 + 1, forget_before=0) == ["m1"]
    assert await state.hand_out("demo", PULL, [], now=T0 + 1, forget_before=0) == []


async def test_marks_made_before_the_retention_window_are_forgotten(store: Store) -> None:
    state = store.state
    assert await state.hand_out("demo", PULL, ["m1"], now=T0, forget_before=0) == ["m1"]
    assert await state.hand_out("demo", PULL, ["m2"], now=T0 + 10, forget_before=0) == ["m2"]
    # m1 was marked before T0 + 5, m2 after: only m1's mark goes (its item was purged by then)
    assert await state.hand_out("demo", PULL, ["m1", "m2"], now=T0 + 20, forget_before=T0 + 5) == ["m1"]


async def test_asked_at_once_an_id_goes_to_one_caller(store: Store) -> None:
    asked = [store.state.hand_out("demo", PULL, ["m1", "m2"], now=T0, forget_before=0) for _ in range(5)]
    given = [item for answer in await asyncio.gather(*asked) for item in answer]
    assert sorted(given) == ["m1", "m2"]


async def test_credits_spent_add_up_per_account_and_provider(store: Store) -> None:
    state = store.state
    assert await state.spend_credits("demo", "textapp", 0) == 0
    assert await state.spend_credits("demo", "textapp", 3) == 3
    assert await state.spend_credits("demo", "textapp", 2) == 5
    assert await state.spend_credits("demo", "textapp", -1) == 4  # a refund
    assert await state.spend_credits("demo", "smsmode", 0) == 0
    assert await state.spend_credits("other", "textapp", 0) == 0


async def test_credits_are_spent_only_within_the_allowance(store: Store) -> None:
    state = store.state
    assert await state.spend_credits_within("demo", "smsmode", 3, allowance=4)
    assert not await state.spend_credits_within("demo", "smsmode", 2, allowance=4)
    assert await state.spend_credits_within("demo", "smsmode", 1, allowance=4)
    assert await state.spend_credits("demo", "smsmode", 0) == 4
    assert await state.spend_credits_within("other", "smsmode", 4, allowance=4)


async def test_spent_at_once_the_allowance_is_never_passed(store: Store) -> None:
    spends = [store.state.spend_credits_within("demo", "smsmode", 2, allowance=5) for _ in range(5)]
    assert sorted(await asyncio.gather(*spends)) == [False, False, False, True, True]
    assert await store.state.spend_credits("demo", "smsmode", 0) == 4


async def test_cleared_tallies_start_again(store: Store) -> None:
    state = store.state
    await state.hand_out("demo", PULL, ["m1"], now=T0, forget_before=0)
    await state.spend_credits("demo", "textapp", 7)
    state.clear_tallies()
    assert await state.hand_out("demo", PULL, ["m1"], now=T0, forget_before=0) == ["m1"]
    assert await state.spend_credits("demo", "textapp", 0) == 0
