"""Compact rows: shared columns stored once, look-alike values kept apart, nothing for the GC to walk."""

from __future__ import annotations

import gc

from mockgateway.domain.model import Message
from mockgateway.storage.memory import InMemoryStore
from mockgateway.storage.rows import COLUMNS, message_to_row, row_to_message
from tests.storage.factories import message

OPTIONS, CALLBACKS, ORIGIN = COLUMNS.index("options"), COLUMNS.index("callbacks"), COLUMNS.index("origin")


def test_a_row_turns_back_into_the_same_message() -> None:
    original = message(parts=3)
    assert row_to_message(message_to_row(original)) == original


def test_rows_of_messages_from_one_client_share_their_configuration_columns() -> None:
    # Built apart, as two requests would build them: equal values, distinct string objects.
    first = message("1000000001", destination="".join(["4477", "00900001"]))
    second = message("1000000002", destination="".join(["4477", "00900002"]))
    a, b = message_to_row(first), message_to_row(second)
    for column in (OPTIONS, CALLBACKS, ORIGIN):
        assert a[column] == b[column]
        assert a[column] is b[column], COLUMNS[column]


def test_decoded_options_keep_booleans_and_integers_apart() -> None:
    # True == 1 in Python: a cache keyed by the decoded values would hand one back for the other.
    flagged = message("1000000001")._replace(options=(("acknowledgement", True),))
    counted = message("1000000002")._replace(options=(("acknowledgement", 1),))
    for sent in (flagged, counted, flagged):
        value = row_to_message(message_to_row(sent)).options[0][1]
        assert type(value) is type(sent.options[0][1])


def test_rows_are_left_out_of_garbage_collection() -> None:
    row = message_to_row(message())
    gc.collect()
    assert not gc.is_tracked(row)


async def test_a_store_built_before_the_start_up_freeze_leaves_its_tables_out_of_later_collections() -> None:
    # `serve` freezes what start-up built; a table the collector can see would be walked, all of it, by every
    # full collection: a pause that grows with the number of stored messages.
    store = InMemoryStore()
    gc.collect()
    gc.freeze()
    try:
        await store.add_messages([message(str(1_000_000_000 + i)) for i in range(0, 3000, 3)])
        gc.collect(0)  # a young collection: fresh rows become untracked, their tables are what remains
        assert not [o for o in gc.get_objects() if isinstance(o, dict) and len(o) >= 1000]
    finally:
        gc.unfreeze()


def test_row_columns_are_the_message_fields_in_order() -> None:
    # rows become messages positionally, column i into field i
    assert Message._fields == COLUMNS
