"""Store contract: a part's status change as the engine applies it: the domain works it out, the store
compares and sets."""

from __future__ import annotations

from msgspec.structs import replace

from mockgateway.domain.lifecycle import advance
from mockgateway.domain.model import Message, MessageStatus
from mockgateway.domain.queries import MessageQuery
from mockgateway.service.ports import Store
from tests.conftest import T0
from tests.storage.factories import message

S = MessageStatus


async def change(store: Store, message_id: str, index: int, status: S, at: float, reason: str | None) -> Message | None:
    """Read, let the lifecycle work the change out, and compare-and-set: what the engine does."""
    current = await store.get_message(message_id)
    updated = None if current is None else advance(current, index, status, at, reason)
    if current is None or updated is None:
        return None
    assert await store.replace_message(current, updated)
    return updated


async def test_a_part_status_changes_the_message_and_nothing_else(store: Store) -> None:
    sent = message()
    await store.add_messages([sent])
    updated = await change(store, sent.id, 0, S.SENT, T0 + 1, None)
    expected = replace(sent, status=S.SENT, status_at=T0 + 1, part_statuses=(S.SENT,), revision=1)
    assert updated == expected
    assert await store.get_message(sent.id) == expected


async def test_the_message_status_follows_all_of_its_parts(store: Store) -> None:
    sent = message(parts=3)
    await store.add_messages([sent])
    first = await change(store, sent.id, 1, S.DELIVERED, T0 + 2, None)
    assert first is not None
    assert first.part_statuses == (S.ACCEPTED, S.DELIVERED, S.ACCEPTED)
    assert first.status is S.SENT
    await change(store, sent.id, 0, S.DELIVERED, T0 + 3, None)
    last = await change(store, sent.id, 2, S.FAILED, T0 + 4, "absent_subscriber")
    assert last is not None
    assert last.part_statuses == (S.DELIVERED, S.DELIVERED, S.FAILED)
    assert (last.status, last.status_at, last.reason) == (S.FAILED, T0 + 4, "absent_subscriber")
    assert await store.get_message(sent.id) == last


async def test_a_reason_stays_until_another_replaces_it(store: Store) -> None:
    sent = message()
    await store.add_messages([sent])
    await change(store, sent.id, 0, S.RETRYING, T0 + 1, "network_error")
    after = await change(store, sent.id, 0, S.DELIVERED, T0 + 5, None)
    assert after is not None
    assert (after.status, after.reason) == (S.DELIVERED, "network_error")


async def test_a_change_the_lifecycle_forbids_is_refused_and_stores_nothing(store: Store) -> None:
    sent = message()
    await store.add_messages([sent])
    delivered = await change(store, sent.id, 0, S.DELIVERED, T0 + 1, None)
    assert await change(store, sent.id, 0, S.SENT, T0 + 2, None) is None
    assert await change(store, sent.id, 0, S.FAILED, T0 + 2, "expired") is None
    assert await store.get_message(sent.id) == delivered
    received = await change(store, sent.id, 0, S.RECEIVED, T0 + 3, None)  # the handset's, after the SMS-C's
    assert received is not None
    assert received.status is S.RECEIVED


async def test_an_unknown_message_gets_no_status(store: Store) -> None:
    assert await change(store, "404", 0, S.SENT, T0, None) is None
    assert (await store.list_messages(MessageQuery())).total == 0


async def test_without_a_handset_ack_delivered_is_final_and_refuses_received(store: Store) -> None:
    sent = replace(message(), handset_ack=False)
    await store.add_messages([sent])
    delivered = await change(store, sent.id, 0, S.DELIVERED, T0 + 1, None)
    assert await change(store, sent.id, 0, S.RECEIVED, T0 + 2, None) is None
    assert await store.get_message(sent.id) == delivered


async def test_a_replacement_loses_to_a_change_made_since_the_message_was_read(store: Store) -> None:
    sent = message()
    await store.add_messages([sent])
    first, second = await store.get_message(sent.id), await store.get_message(sent.id)
    assert first is not None
    assert second is not None
    won = advance(first, 0, S.SENT, T0 + 1, None)
    lost = advance(second, 0, S.FAILED, T0 + 1, "expired")
    assert won is not None
    assert lost is not None
    assert await store.replace_message(first, won)
    assert not await store.replace_message(second, lost)
    assert await store.get_message(sent.id) == won
    again = await store.get_message(sent.id)  # read anew, the change goes on top of the one that won
    assert again is not None
    on_top = advance(again, 0, S.FAILED, T0 + 2, "expired")
    assert on_top is not None
    assert await store.replace_message(again, on_top)
    assert await store.get_message(sent.id) == on_top
    assert on_top.revision == 2


async def test_a_message_gone_is_not_replaced(store: Store) -> None:
    sent = message()
    await store.add_messages([sent])
    await store.delete_messages(MessageQuery(id=sent.id))
    updated = advance(sent, 0, S.SENT, T0 + 1, None)
    assert updated is not None
    assert not await store.replace_message(sent, updated)
    assert await store.get_message(sent.id) is None
