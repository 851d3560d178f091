"""Store contract: notifications (ACKs) and MOs — filters, time windows, paging and counting."""

from __future__ import annotations

from dataclasses import replace

from mockgateway.domain.model import MessageStatus
from mockgateway.domain.queries import EventQuery
from mockgateway.service.ports import Store
from tests.conftest import T0
from tests.storage.factories import message, mo, notification

S = MessageStatus


async def _timeline(store: Store) -> None:
    """Two messages of demo (one in two parts) and one of another account, with ACKs a second apart."""
    await store.add_messages([message("1000000001", parts=2), message("1000000003")])
    await store.add_messages([message("2000000001", account="other")])
    rows = [
        ("n1", S.SENT, "1000000001", 0, None),
        ("n2", S.SENT, "1000000001", 1, None),
        ("n3", S.SENT, "1000000003", 0, None),
        ("n4", S.DELIVERED, "1000000001", 0, None),
        ("n5", S.RETRYING, "1000000001", 1, "DB52"),
        ("n6", S.FAILED, "1000000003", 0, "DB62"),
        ("n7", S.RECEIVED, "1000000001", 0, None),
    ]
    for i, (id_, status, message_id, part, code) in enumerate(rows):
        await store.add_notification(
            notification(id_, at=float(i), status=status, message_id=message_id, part=part, code=code)
        )
    await store.add_notification(notification("x1", at=2.5, account="other", message_id="2000000001"))


async def ids(store: Store, **filters: object) -> list[str]:
    query = EventQuery(**filters)  # type: ignore[arg-type]
    listed = [n.id for n in await store.list_notifications(query)]
    if "offset" not in filters and "limit" not in filters:  # the count ignores paging
        assert await store.count_notifications(query) == len(listed)
    return listed


async def test_a_notification_comes_back_as_it_went_in(store: Store) -> None:
    stored = notification("n1", status=S.FAILED, code="DB62")
    await store.add_notification(stored)
    assert await store.list_notifications(EventQuery()) == [stored]


async def test_notifications_list_oldest_first_per_account(store: Store) -> None:
    await _timeline(store)
    assert await ids(store, account="demo") == ["n1", "n2", "n3", "n4", "n5", "n6", "n7"]
    assert await ids(store, account="other") == ["x1"]
    assert await ids(store) == ["n1", "n2", "n3", "x1", "n4", "n5", "n6", "n7"]
    assert await ids(store, account="nobody") == []


async def test_notifications_filter_by_status_with_nok_for_every_negative(store: Store) -> None:
    await _timeline(store)
    assert await ids(store, account="demo", status="SENT") == ["n1", "n2", "n3"]
    assert await ids(store, account="demo", status="delivered") == ["n4"]
    assert await ids(store, account="demo", status="nok") == ["n5", "n6"]
    assert await ids(store, account="demo", status="all") == ["n1", "n2", "n3", "n4", "n5", "n6", "n7"]
    assert await ids(store, status="SENT") == ["n1", "n2", "n3", "x1"]
    assert await ids(store, account="demo", status="ACCEPTED") == []


async def test_notifications_filter_by_order_id_and_message(store: Store) -> None:
    await _timeline(store)
    assert await ids(store, account="demo", part_id="1000000002") == ["n2", "n5"]
    assert await ids(store, part_id="1000000001", status="SENT") == ["n1"]
    assert await ids(store, account="other", part_id="1000000001") == []
    assert await ids(store, message_id="1000000001") == ["n1", "n2", "n4", "n5", "n7"]
    assert await ids(store, message_id="1000000001", status="nok") == ["n5"]
    assert await ids(store, message_id="404") == []


async def test_a_time_window_includes_both_bounds(store: Store) -> None:
    await _timeline(store)
    assert await ids(store, account="demo", since=T0 + 2, until=T0 + 4) == ["n3", "n4", "n5"]
    assert await ids(store, account="demo", status="nok", since=T0 + 5) == ["n6"]
    assert await ids(store, account="demo", until=T0 - 1) == []
    assert await ids(store, since=T0 + 2.5, until=T0 + 2.5) == ["x1"]


async def test_paging_and_counting_agree(store: Store) -> None:
    await _timeline(store)
    assert await ids(store, account="demo", offset=2, limit=3) == ["n3", "n4", "n5"]
    assert await ids(store, account="demo", offset=6, limit=3) == ["n7"]
    assert await ids(store, account="demo", offset=9, limit=3) == []
    assert await ids(store, account="demo", status="SENT", offset=1, limit=1) == ["n2"]
    assert await store.count_notifications(EventQuery(account="demo", offset=5, limit=1)) == 7
    assert await store.count_notifications(EventQuery(account="demo", since=T0 + 1, until=T0 + 3)) == 3


async def test_an_mo_comes_back_as_it_went_in(store: Store) -> None:
    stored = mo("1000000009", text="STOP now", reply_to=None)
    await store.add_mo(stored)
    assert await store.list_mos(EventQuery()) == [stored]


async def test_mos_filter_by_account_keyword_phone_message_and_window(store: Store) -> None:
    await store.add_mo(mo("1000000011", at=0, text="Yes please"))
    await store.add_mo(mo("1000000012", at=1, text="stop", sender="447700900002", reply_to=None))
    await store.add_mo(mo("1000000013", at=2, text="Please STOP it"))
    await store.add_mo(mo("2000000011", at=1.5, account="other", text="stop"))

    async def mo_ids(**filters: object) -> list[str]:
        query = EventQuery(**filters)  # type: ignore[arg-type]
        listed = [m.id for m in await store.list_mos(query)]
        if "offset" not in filters and "limit" not in filters:
            assert await store.count_mos(query) == len(listed)
        return listed

    assert await mo_ids(account="demo") == ["1000000011", "1000000012", "1000000013"]
    assert await mo_ids() == ["1000000011", "1000000012", "2000000011", "1000000013"]
    assert await mo_ids(account="demo", keyword="Stop") == ["1000000012", "1000000013"]
    assert await mo_ids(account="demo", phone="+447700900002") == ["1000000012"]
    assert await mo_ids(account="demo", message_id="1000000001") == ["1000000011", "1000000013"]
    assert await mo_ids(account="demo", since=T0 + 1, until=T0 + 2) == ["1000000012", "1000000013"]
    assert await mo_ids(account="demo", offset=1, limit=1) == ["1000000012"]
    assert await mo_ids(account="other", keyword="please") == []
    assert await store.count_mos(EventQuery(account="demo", keyword="please", limit=1)) == 2


async def test_notifications_filter_by_provider_before_and_after_an_account_mixes_them(store: Store) -> None:
    minutes = 60.0  # apart, so that windows span whole minutes too
    await store.add_notification(notification("l1", at=0 * minutes))
    await store.add_notification(notification("l2", at=1 * minutes, status=S.DELIVERED))
    await store.add_notification(notification("o1", at=2 * minutes, account="other", provider="smsmode"))
    window = {"since": T0, "until": T0 + 10 * minutes}
    assert await ids(store, account="demo", provider="livelink") == ["l1", "l2"]
    assert await ids(store, account="demo", provider="livelink", **window) == ["l1", "l2"]
    assert await ids(store, account="demo", provider="smsmode", **window) == []
    assert await ids(store, account="other", provider="smsmode") == ["o1"]
    await store.add_notification(notification("s1", at=3 * minutes, provider="smsmode"))
    await store.add_notification(notification("s2", at=4 * minutes, status=S.DELIVERED, provider="smsmode"))
    assert await ids(store, account="demo", provider="livelink", **window) == ["l1", "l2"]
    assert await ids(store, account="demo", provider="smsmode", **window) == ["s1", "s2"]
    assert await ids(store, account="demo", provider="smsmode", status="DELIVERED", **window) == ["s2"]
    assert await ids(store, account="demo", provider="mobivate") == []
    assert await ids(store, account="demo", provider="smsmode", offset=1, limit=5) == ["s2"]
    assert await ids(store, provider="smsmode") == ["o1", "s1", "s2"]
    assert await ids(store, account="demo", **window) == ["l1", "l2", "s1", "s2"]


async def test_mos_filter_by_provider(store: Store) -> None:
    await store.add_mo(mo("1000000021", at=0))
    await store.add_mo(mo("1000000022", at=1, provider="textapp"))
    await store.add_mo(mo("2000000021", at=2, account="other", provider="textapp"))
    for account, provider, expected in [
        ("demo", "livelink", ["1000000021"]),
        ("demo", "textapp", ["1000000022"]),
        ("demo", "smsmode", []),
        (None, "textapp", ["1000000022", "2000000021"]),
    ]:
        query = EventQuery(account=account, provider=provider)
        assert [m.id for m in await store.list_mos(query)] == expected, (account, provider)
        assert await store.count_mos(query) == len(expected)


async def test_long_windows_count_and_page_exactly(store: Store) -> None:
    """Windows over many minutes, with partial minutes at both ends, deep pages, and statuses mixed."""
    statuses = [S.SENT, S.DELIVERED, S.FAILED]
    times = [i * 17.0 for i in range(60)]  # 17 minutes, 3 or 4 ACKs a minute, none on a minute boundary but 0
    for i, at in enumerate(times):
        code = "DB62" if statuses[i % 3] is S.FAILED else None
        await store.add_notification(notification(f"n{i:02}", at=at, status=statuses[i % 3], code=code))
    await store.add_notification(notification("x", at=100.0, account="other"))
    windows = [(None, None), (T0 + 5, None), (None, T0 + 900), (T0 + 61, T0 + 839.5), (T0 + 120, T0 + 720)]
    for since, until in windows:
        for status in (None, "SENT", "nok"):
            query = EventQuery(account="demo", since=since, until=until, status=status)
            expected = [
                f"n{i:02}"
                for i, at in enumerate(times)
                if (since is None or T0 + at >= since)
                and (until is None or T0 + at <= until)
                and (status is None or statuses[i % 3] is (S.SENT if status == "SENT" else S.FAILED))
            ]
            assert await store.count_notifications(query) == len(expected), (since, until, status)
            for offset in (0, 3, 7, len(expected) - 2, len(expected)):
                page = await store.list_notifications(replace(query, offset=max(offset, 0), limit=4))
                assert [n.id for n in page] == expected[max(offset, 0) : max(offset, 0) + 4], (since, until, offset)


async def test_counts_follow_purges_and_clearing(store: Store) -> None:
    for i in range(30):
        await store.add_notification(notification(f"n{i:02}", at=i * 30.0))
    query = EventQuery(account="demo", since=T0, until=T0 + 3600)
    assert await store.count_notifications(query) == 30
    while await store.purge(T0 + 299, 4) >= 4:
        pass
    assert await store.count_notifications(query) == 20
    assert [n.id for n in await store.list_notifications(replace(query, offset=10, limit=2))] == ["n20", "n21"]
    await store.clear()
    assert await store.count_notifications(query) == 0
    await store.add_notification(notification("again", at=600))
    assert await store.count_notifications(query) == 1
