"""How the stores keep values: SQLite's converter pair gives back what went in; the in-memory store keeps the
structs themselves, which the garbage collector never walks."""

from __future__ import annotations

import gc

import msgspec
from msgspec.structs import replace

from mockgateway.domain.lifecycle import advance
from mockgateway.domain.model import Delivery, Message, MessageStatus, MoMessage, Notification
from mockgateway.service.intake import SharedConfigs
from mockgateway.storage import sqlite_rows as rows
from mockgateway.storage.memory import InMemoryStore
from tests.storage.factories import delivery, message, mo, notification


def test_each_value_turns_back_into_itself_through_its_columns() -> None:
    sent = message(parts=3)
    assert rows.row_message(rows.message_row(sent)) == sent
    changed = advance(sent, 1, MessageStatus.FAILED, sent.created_at + 5, "absent_subscriber")
    assert changed is not None
    assert rows.row_message(rows.message_row(changed)) == changed
    ack = notification("n1", status=MessageStatus.FAILED, code="DB62")
    assert rows.row_notification(rows.notification_row(ack)) == ack
    reply = mo("1000000011")
    assert rows.row_mo(rows.mo_row(reply)) == reply
    callback = delivery("d1")
    assert rows.row_delivery(rows.delivery_row(callback, None)) == callback


def test_decoded_options_keep_booleans_and_integers_apart() -> None:
    # True == 1 in Python: a decoder that confused them would change what a client asked for.
    flagged = replace(message("1000000001"), options=(("acknowledgement", True),))
    counted = replace(message("1000000002"), options=(("acknowledgement", 1),))
    for sent in (flagged, counted, flagged):
        value = rows.row_message(rows.message_row(sent)).options[0][1]
        assert type(value) is type(sent.options[0][1])


def test_the_message_columns_are_the_message_fields_in_order() -> None:
    assert Message.__struct_fields__ == rows.MESSAGE_COLUMNS
    assert Notification.__struct_fields__ == rows.NOTIFICATION_COLUMNS
    assert MoMessage.__struct_fields__ == rows.MO_COLUMNS
    assert set(Delivery.__struct_fields__) - {"call"} < set(rows.DELIVERY_COLUMNS)


def test_values_are_left_out_of_garbage_collection() -> None:
    for value in (message(), notification("n1"), mo("1000000011"), delivery("d1")):
        assert not gc.is_tracked(value)


async def test_a_store_built_before_the_start_up_freeze_leaves_its_tables_out_of_later_collections() -> None:
    # `serve` freezes what start-up built; a table the collector can see would be walked, all of it, by every
    # full collection: a pause that grows with the number of stored messages.
    store = InMemoryStore()
    gc.collect()
    gc.freeze()
    try:
        await store.add_messages([message(str(1_000_000_000 + i)) for i in range(0, 3000, 3)])
        gc.collect(0)
        assert not [o for o in gc.get_objects() if isinstance(o, dict) and len(o) >= 1000]
    finally:
        gc.unfreeze()


def apart(sent: Message) -> Message:
    return msgspec.json.decode(msgspec.json.encode(sent), type=Message)


def as_sent(built: Message, configs: SharedConfigs) -> Message:
    """``built`` as a send makes it: holding the shared copies of its configuration (``intake.new_messages``)."""
    return replace(built, options=configs.options(built.options), callbacks=configs.callbacks(built.callbacks))


async def test_the_memory_store_keeps_one_copy_of_equal_request_configurations() -> None:
    store, configs = InMemoryStore(), SharedConfigs()
    # Built apart, as two requests would build them: equal values, distinct objects.
    first, second = apart(message("1000000001")), apart(message("1000000002"))
    counted = replace(message("1000000003"), options=(("api", "v2"), ("ackType", "MESSAGE"), ("acknowledgement", 1)))
    assert first.options is not second.options
    assert first.callbacks is not second.callbacks
    await store.add_messages([as_sent(m, configs) for m in (first, second, counted)])
    kept = [await store.get_message(m.id) for m in (first, second, counted)]
    assert kept == [first, second, counted]
    assert kept[0].options is kept[1].options
    assert kept[0].callbacks is kept[1].callbacks
    assert type(kept[2].options[2][1]) is int  # equal to True, all the same not shared with it
