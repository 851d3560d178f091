"""Opt-outs: added through the API or by a STOP reply, listed, deleted at both documented paths."""

from __future__ import annotations

import pytest

from mockgateway.domain import limits
from mockgateway.domain.queries import EventQuery
from mockgateway.service.gateway import Gateway
from tests.dialects.mobivate.conftest import SINGLE, Client, assert_golden, call

MOBILE = "440011122233"


async def test_add_list_and_delete(client: Client, gateway: Gateway) -> None:
    await gateway.advance(10)
    added = await call(client, "POST", "/addressbook/optout", {"mobile": MOBILE})
    assert_golden("optout_add.json", added)
    listed = await call(client, "GET", "/addressbook/optout")
    assert_golden("optout_list.json", listed)
    assert gateway.is_opted_out("demo", MOBILE)
    deleted = await call(client, "DELETE", "/addressbook/optout", {"mobile": MOBILE})
    assert deleted == added
    assert await call(client, "GET", "/addressbook/optout") == []
    assert not gateway.is_opted_out("demo", MOBILE)


@pytest.mark.parametrize("path", ["/addressbook/optout", "/optout"])
async def test_delete_works_at_both_paths_and_sending_works_again(client: Client, path: str) -> None:
    await call(client, "POST", "/addressbook/optout", {"mobile": "+44700011122"})
    await call(client, "POST", "/send/single", SINGLE, status=403)
    assert (await call(client, "DELETE", path, {"mobile": "44700011122"}))["mobile"] == "44700011122"
    await call(client, "POST", "/send/single", SINGLE)


async def test_adding_twice_keeps_the_first_entry(client: Client, gateway: Gateway) -> None:
    first = await call(client, "POST", "/addressbook/optout", {"mobile": MOBILE})
    await gateway.advance(60)
    assert await call(client, "POST", "/addressbook/optout", {"mobile": int(MOBILE)}) == first
    assert len(await call(client, "GET", "/addressbook/optout")) == 1


async def test_a_stop_reply_opts_the_sender_out(client: Client, gateway: Gateway) -> None:
    await call(client, "POST", "/send/single", SINGLE)
    await gateway.advance(30)
    await gateway.inject_mo("44700011122", "Test", "STOP")
    listed = await call(client, "GET", "/addressbook/optout")
    assert [(e["mobile"], e["note"], e["created"]) for e in listed] == [("44700011122", "MO", 1767225630000)]
    answer = await call(client, "POST", "/send/single", SINGLE, status=403)
    assert answer == {"code": 403, "message": "Recipient is opted out: 44700011122"}


async def test_the_list_pages_and_filters_by_date(client: Client, gateway: Gateway) -> None:
    for i in range(3):
        await call(client, "POST", "/addressbook/optout", {"mobile": f"44740010000{i}"})
        await gateway.advance(86400)
    listed = await call(client, "GET", "/addressbook/optout")
    assert [e["mobile"] for e in listed] == ["447400100002", "447400100001", "447400100000"]
    assert len({e["id"] for e in listed}) == 3
    paged = await call(client, "GET", "/addressbook/optout?page=2&pageSize=2")
    assert [e["mobile"] for e in paged] == ["447400100000"]
    dated = await call(client, "GET", "/addressbook/optout?startDate=2026-01-02&endDate=2026-01-02")
    assert [e["mobile"] for e in dated] == ["447400100001"]
    endless = await call(client, "GET", "/addressbook/optout?startDate=2026-01-03&endDate=9999-12-31")
    assert [e["mobile"] for e in endless] == ["447400100002"]


@pytest.fixture
def two_numbers_at_most(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_OPT_OUTS", 2)


@pytest.mark.usefixtures("two_numbers_at_most")  # first: the gateway is built with the bound
async def test_a_full_list_refuses_another_number_and_stop_replies_still_arrive(
    client: Client, gateway: Gateway
) -> None:
    for mobile in ("440011122201", "440011122202"):
        await call(client, "POST", "/addressbook/optout", {"mobile": mobile})
    assert await call(client, "POST", "/addressbook/optout", {"mobile": "440011122201"})  # already there: kept
    answer = await call(client, "POST", "/addressbook/optout", {"mobile": "440011122203"}, status=400)
    assert answer == {
        "code": 400,
        "message": "the account's opt-out list holds 2 numbers, the most it keeps: delete some first",
    }
    await gateway.inject_mo("44700011122", "Test", "STOP")  # the reply is kept; its number does not fit
    assert [mo.text for mo in await gateway.mos(EventQuery(account="demo"))] == ["STOP"]
    assert not gateway.is_opted_out("demo", "44700011122")
    await call(client, "DELETE", "/addressbook/optout", {"mobile": "440011122201"})
    await call(client, "POST", "/addressbook/optout", {"mobile": "440011122203"})
