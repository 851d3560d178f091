"""Store contract: messages, ids after a restart, and clearing."""

from __future__ import annotations

from msgspec.structs import replace

from mockgateway.domain.model import MessageStatus
from mockgateway.domain.queries import EventQuery, MessageQuery
from mockgateway.service.ports import Store
from tests.conftest import T0
from tests.storage.factories import message, mo, notification


async def test_a_message_comes_back_as_it_went_in(store: Store) -> None:
    sent = message(parts=3)
    await store.add_messages([sent])
    assert await store.get_message(sent.id) == sent
    assert await store.get_message("404") is None


async def test_an_update_replaces_the_message_and_keeps_its_place(store: Store) -> None:
    await store.add_messages([message("1000000001"), message("1000000002")])
    updated = replace(
        message("1000000001"),
        status=MessageStatus.DELIVERED,
        part_statuses=(MessageStatus.DELIVERED,),
        reason="absent_subscriber",
    )
    stored = await store.get_message("1000000001")
    assert stored is not None
    await store.replace_message(stored, updated)
    assert await store.get_message("1000000001") == updated
    page = await store.list_messages(MessageQuery())
    assert [m.id for m in page.items] == ["1000000002", "1000000001"]


async def test_messages_list_newest_first_with_filters_and_paging(store: Store) -> None:
    await store.add_messages([message(str(1000000001 + i), destination=f"44770090000{i % 3}") for i in range(7)])
    await store.add_messages([message("2000000001", account="other")])
    page = await store.list_messages(MessageQuery(account="demo", offset=1, limit=3))
    assert [m.id for m in page.items] == ["1000000006", "1000000005", "1000000004"]
    assert (page.total, page.offset, page.limit) == (7, 1, 3)
    by_number = await store.list_messages(MessageQuery(destination="+447700900001"))
    assert [m.id for m in by_number.items] == ["2000000001", "1000000005", "1000000002"]
    assert (await store.list_messages(MessageQuery(text="WÖRLD", account="other"))).total == 1
    assert (await store.list_messages(MessageQuery(text="nope"))).total == 0
    assert (await store.list_messages(MessageQuery(provider="textapp"))).total == 0


async def test_deleting_messages_by_query_or_all(store: Store) -> None:
    await store.add_messages([message("1000000001"), message("1000000002", account="other")])
    assert await store.delete_messages(MessageQuery(account="other")) == 1
    assert await store.get_message("1000000002") is None
    assert await store.delete_messages() == 1
    assert (await store.list_messages(MessageQuery())).total == 0


async def test_deleting_one_message_by_id(store: Store) -> None:
    await store.add_messages([message("1000000001"), message("1000000002")])
    assert await store.delete_messages(MessageQuery(id="1000000002")) == 1
    assert [m.id for m in (await store.list_messages(MessageQuery())).items] == ["1000000001"]
    assert [m.id for m in (await store.list_messages(MessageQuery(id="1000000001"))).items] == ["1000000001"]


async def test_the_highest_numeric_id_is_remembered(store: Store) -> None:
    assert await store.last_numeric_id() is None
    await store.add_messages([message("1000000010", parts=3)])
    await store.add_mo(mo("1000000005"))
    assert await store.last_numeric_id() == 1000000012
    await store.add_mo(mo("1000000020"))
    assert await store.last_numeric_id() == 1000000020


async def test_a_fresh_store_is_generation_zero(store: Store) -> None:
    assert await store.generation() == 0


async def test_clear_forgets_everything(store: Store) -> None:
    await store.add_messages([message()])
    await store.add_notification(notification("n1"))
    await store.add_mo(mo("1000000002"))
    await store.clear()
    assert await store.get_message("1000000001") is None
    assert (await store.list_messages(MessageQuery())).total == 0
    assert await store.list_notifications(EventQuery()) == []
    assert await store.count_mos(EventQuery()) == 0


async def test_kept_messages_are_counted_per_account(store: Store) -> None:
    assert await store.count_messages("demo") == 0
    await store.add_messages([message("1000000001"), message("1000000002"), message("1000000003", account="other")])
    stored = await store.get_message("1000000001")
    assert stored is not None
    await store.replace_message(stored, message("1000000001"))  # an update is not a new message
    assert (await store.count_messages("demo"), await store.count_messages("other")) == (2, 1)
    await store.delete_messages(MessageQuery(id="1000000002"))
    assert await store.count_messages("demo") == 1
    await store.delete_messages()
    assert (await store.count_messages("demo"), await store.count_messages("other")) == (0, 0)
    await store.add_messages([message("1000000004")])
    await store.clear()
    assert await store.count_messages("demo") == 0


async def test_purged_messages_are_no_longer_counted(store: Store) -> None:
    await store.add_messages([message("1000000001", at=0), message("1000000002", at=100)])
    while await store.purge(T0 + 50, 1000) >= 1000:
        pass
    assert await store.count_messages("demo") == 1
