"""The pytest plugin, exercised the way a user's suite uses it: inner pytest runs through ``pytester``."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib.metadata import entry_points

import pytest

INI = """
[pytest]
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
"""

SEND = '''
import aiohttp


async def send(gateway, to, text):
    """What the application under test would do: send through Live Link."""
    headers = {"Authorization": f"Bearer {gateway.token()}"}
    async with aiohttp.ClientSession(gateway.url) as http:
        response = await http.post("/api/v2/sms", json={"destination": [to], "message": text}, headers=headers)
        assert response.status == 200, await response.text()
'''


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeini(INI)
    pytester.makepyfile(helpers=SEND)
    return pytester


def test_the_plugin_is_registered_as_a_pytest11_entry_point() -> None:
    [entry] = [e for e in entry_points(group="pytest11") if e.name == "mockgateway"]
    assert entry.value == "mockgateway.testing.plugin"


def test_loading_the_plugin_imports_nothing_heavy() -> None:
    code = "import sys, mockgateway.testing.plugin; print(sorted(m for m in ('aiohttp', 'mockgateway.service.gateway', 'faker', 'yaml') if m in sys.modules))"  # noqa: E501
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_a_passing_test_sends_waits_and_advances(suite: pytest.Pytester) -> None:
    suite.makepyfile(
        test_app="""
        from helpers import send


        async def test_code_is_delivered(mockgateway):
            assert mockgateway.url.startswith("http://127.0.0.1:")
            await send(mockgateway, "+447700900123", "Your code is 482910")
            message = await mockgateway.wait_for_message(to="+447700900123", text="your code", timeout=5)
            assert await mockgateway.latest_code("+447700900123") == "482910"
            assert [n.status for n in await mockgateway.notifications(message=message.id)] == []
            await mockgateway.advance(5)
            statuses = [n.status.value for n in await mockgateway.notifications(message=message.id)]
            assert statuses == ["SENT", "DELIVERED"]
            await mockgateway.assert_sent(to="447700900123")
            await mockgateway.assert_no_message(to="+447700900999")
            reply = await mockgateway.inject_mo("+447700900123", "447700900999", "YES")
            assert [m.id for m in await mockgateway.mos(from_="+447700900123")] == [reply.id]
            assert await mockgateway.callbacks() == []


        async def test_each_test_starts_empty(mockgateway):
            assert await mockgateway.messages() == []
        """
    )
    result = suite.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_a_failing_assertion_lists_the_near_misses(suite: pytest.Pytester) -> None:
    suite.makepyfile(
        test_app="""
        from helpers import send


        async def test_goodbye_was_sent(mockgateway):
            await send(mockgateway, "+447700900001", "Your code is 1234")
            await send(mockgateway, "+447700900002", "Goodbye then")
            await send(mockgateway, "+447700900003", "unrelated")
            await mockgateway.assert_sent(to="+447700900001", text="goodbye")


        async def test_a_wait_times_out(mockgateway):
            await send(mockgateway, "+447700900001", "hello")
            await mockgateway.wait_for_message(to="+447700900001", text="bye", timeout=0)
        """
    )
    result = suite.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "*AssertionError: no message with to='447700900001', text='goodbye' was sent.",
            "*Near misses (closest first):",
            "*message * to +447700900002 *'Goodbye then'* -- matches text; differs in to",
            "*message * to +447700900001 *'Your code is 1234'* -- matches to; differs in text",
            "*WaitTimeout: no message with to='447700900001', text='bye' within 0 s.",
        ]
    )
    assert "'unrelated' (" not in result.stdout.str(), "a message matching no filter is no near miss"


def test_a_bad_filter_name_is_a_clear_error(suite: pytest.Pytester) -> None:
    suite.makepyfile(
        test_app="""
        async def test_typo(mockgateway):
            await mockgateway.messages(tp="+447700900001")
        """
    )
    result = suite.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*TypeError: message filter unknown filter tp (expected to, text, from, *"])


def test_the_marker_picks_scenarios_config_and_seed(suite: pytest.Pytester) -> None:
    suite.mkdir("scenarios").joinpath("always-fail.yaml").write_text(
        """
scenarios:
  - name: always-fail
    match: {}
    steps:
      - { status: sent, after: 1s }
      - { status: failed, after: 1s, reason: no_credit }
""",
        encoding="utf-8",
    )
    suite.makefile(
        ".yaml",
        shop="""
accounts:
  - name: shop
    livelink: {app_key: shop-key, app_secret: shop-secret, client_id: 42}
""",
    )
    suite.makepyfile(
        test_app="""
        import pytest
        from helpers import send


        @pytest.mark.mockgateway(scenarios="scenarios")
        async def test_own_scenarios(mockgateway):
            await send(mockgateway, "+447700900001", "hi")  # the shipped library would deliver this one
            await mockgateway.advance(5)
            assert [n.status.value for n in await mockgateway.notifications()] == ["SENT", "FAILED"]


        @pytest.mark.mockgateway(config="shop.yaml")
        async def test_own_accounts(mockgateway):
            assert mockgateway.token("shop")
            with pytest.raises(Exception, match="no account named 'demo'"):
                mockgateway.token()


        @pytest.mark.mockgateway(seed=5)
        async def test_seed_a(mockgateway):
            await send(mockgateway, "+447700900001", "hi")
            print(f"MSGID={(await mockgateway.messages())[0].id}")


        @pytest.mark.mockgateway(seed=5)
        async def test_seed_b(mockgateway):
            await send(mockgateway, "+447700900001", "hi")
            print(f"MSGID={(await mockgateway.messages())[0].id}")


        @pytest.mark.mockgateway(seed=6)
        async def test_seed_c(mockgateway):
            await send(mockgateway, "+447700900001", "hi")
            print(f"MSGID={(await mockgateway.messages())[0].id}")


        @pytest.mark.mockgateway(scenario="typo")
        async def test_bad_marker(mockgateway):
            pass
        """
    )
    result = suite.runpytest("-p", "no:cacheprovider", "-s")
    result.assert_outcomes(passed=5, errors=1)
    ids = re.findall(r"MSGID=(\d+)", result.stdout.str())
    assert len(ids) == 3
    assert ids[0] == ids[1] != ids[2]
    result.stdout.fnmatch_lines(
        ["*mockgateway takes keyword arguments scenarios, config, seed, clock, tls, admin_token*"]
    )


def test_the_threaded_server_serves_urllib_and_is_reset_per_test(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    pytester.makepyfile(
        test_sync="""
        import json
        import urllib.request

        import pytest


        def send(gateway, to, text):
            request = urllib.request.Request(
                gateway.url + "/api/v2/sms",
                data=json.dumps({"destination": [to], "message": text}).encode(),
                headers={"Authorization": "Bearer " + gateway.token(), "Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status == 200


        def test_first(mockgateway_threaded):
            send(mockgateway_threaded, "+447700900123", "Your code is 9911")
            message = mockgateway_threaded.wait_for_message(to="+447700900123", timeout=5)
            assert mockgateway_threaded.latest_code("+447700900123") == "9911"
            mockgateway_threaded.advance(5)
            assert [n.status.value for n in mockgateway_threaded.notifications(message=message.id)] == [
                "SENT", "DELIVERED"
            ]


        def test_second_starts_empty(mockgateway_threaded, mockgateway_server):
            assert mockgateway_threaded is mockgateway_server  # one server for the session
            assert mockgateway_threaded.messages() == []
            with pytest.raises(AssertionError, match="Nothing came close"):
                mockgateway_threaded.assert_sent(to="+447700900123")


        @pytest.mark.mockgateway(seed=1)
        def test_a_marker_gets_its_own_server(mockgateway_threaded, mockgateway_server):
            assert mockgateway_threaded.url != mockgateway_server.url
            send(mockgateway_threaded, "+447700900124", "hi")
            mockgateway_threaded.assert_sent(to="+447700900124")
            assert mockgateway_server.messages() == []
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)


def test_strict_asyncio_mode_works_with_the_asyncio_marker(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_mode = strict\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(
        test_strict="""
        import pytest


        @pytest.mark.asyncio
        async def test_strict(mockgateway):
            assert await mockgateway.messages() == []
        """
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_the_marker_is_registered(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(
        ["@pytest.mark.mockgateway(scenarios=None, config=None, seed=0, clock='virtual', tls=False, admin_token=*"]
    )


def test_the_marker_sets_an_admin_token_and_the_handle_carries_it(suite: pytest.Pytester) -> None:
    suite.makepyfile(
        test_admin="""
        import aiohttp
        import pytest


        @pytest.mark.mockgateway(admin_token="t0ken")
        async def test_admin_needs_the_token(mockgateway):
            assert mockgateway.admin_headers == {"Authorization": "Bearer t0ken"}
            async with aiohttp.ClientSession(mockgateway.url) as http:
                assert (await http.get("/__admin/messages")).status == 401
                assert (await http.get("/__admin/messages", headers=mockgateway.admin_headers)).status == 200


        async def test_without_a_marker_the_admin_api_is_open(mockgateway):
            assert mockgateway.admin_headers == {}
        """
    )
    suite.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)
