"""Store contract: a part's status change in one step, as the engine applies planned statuses."""

from __future__ import annotations

from mockgateway.domain.model import MessageQuery, MessageStatus
from mockgateway.service.ports import Store
from tests.conftest import T0
from tests.storage.factories import message

S = MessageStatus


async def test_a_part_status_changes_the_message_and_nothing_else(store: Store) -> None:
    sent = message()
    await store.add_messages([sent])
    updated = await store.set_part_status(sent.id, 0, S.SENT, T0 + 1, None)
    expected = sent._replace(status=S.SENT, status_at=T0 + 1, part_statuses=(S.SENT,))
    assert updated == expected
    assert await store.get_message(sent.id) == expected


async def test_the_message_status_follows_all_of_its_parts(store: Store) -> None:
    sent = message(parts=3)
    await store.add_messages([sent])
    first = await store.set_part_status(sent.id, 1, S.DELIVERED, T0 + 2, None)
    assert first is not None
    assert first.part_statuses == (S.ACCEPTED, S.DELIVERED, S.ACCEPTED)
    assert first.status is S.SENT
    await store.set_part_status(sent.id, 0, S.DELIVERED, T0 + 3, None)
    last = await store.set_part_status(sent.id, 2, S.FAILED, T0 + 4, "absent_subscriber")
    assert last is not None
    assert last.part_statuses == (S.DELIVERED, S.DELIVERED, S.FAILED)
    assert (last.status, last.status_at, last.reason) == (S.FAILED, T0 + 4, "absent_subscriber")
    assert await store.get_message(sent.id) == last


async def test_a_reason_stays_until_another_replaces_it(store: Store) -> None:
    sent = message()
    await store.add_messages([sent])
    await store.set_part_status(sent.id, 0, S.RETRYING, T0 + 1, "network_error")
    after = await store.set_part_status(sent.id, 0, S.DELIVERED, T0 + 5, None)
    assert after is not None
    assert (after.status, after.reason) == (S.DELIVERED, "network_error")


async def test_a_change_the_lifecycle_forbids_is_refused_and_stores_nothing(store: Store) -> None:
    sent = message()
    await store.add_messages([sent])
    delivered = await store.set_part_status(sent.id, 0, S.DELIVERED, T0 + 1, None)
    assert await store.set_part_status(sent.id, 0, S.SENT, T0 + 2, None) is None
    assert await store.set_part_status(sent.id, 0, S.FAILED, T0 + 2, "expired") is None
    assert await store.get_message(sent.id) == delivered
    received = await store.set_part_status(sent.id, 0, S.RECEIVED, T0 + 3, None)  # the handset's, after the SMS-C's
    assert received is not None
    assert received.status is S.RECEIVED


async def test_an_unknown_message_gets_no_status(store: Store) -> None:
    assert await store.set_part_status("404", 0, S.SENT, T0, None) is None
    assert (await store.list_messages(MessageQuery())).total == 0


async def test_without_a_handset_ack_delivered_is_final_and_refuses_received(store: Store) -> None:
    sent = message()._replace(handset_ack=False)
    await store.add_messages([sent])
    delivered = await store.set_part_status(sent.id, 0, S.DELIVERED, T0 + 1, None)
    assert await store.set_part_status(sent.id, 0, S.RECEIVED, T0 + 2, None) is None
    assert await store.get_message(sent.id) == delivered
