"""The plugin's ``tls=True``: the fixtures serve HTTPS and hand the test the certificate authority to trust."""

from __future__ import annotations

import pytest

# Loaded here, once: pytester's in-process runs forget the modules imported inside them, and cryptography's
# compiled core (under trustme) does not survive being imported a second time in one process.
import trustme  # noqa: F401

from tests.plugin.test_plugin import INI, SEND


def test_the_async_fixture_serves_https_and_hands_over_the_ca_path(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    pytester.makepyfile(helpers=SEND)
    pytester.makepyfile(
        test_https="""
        import ssl

        import aiohttp
        import pytest


        @pytest.mark.mockgateway(tls=True)
        async def test_send_over_https(mockgateway):
            assert mockgateway.url.startswith("https://127.0.0.1:")
            context = ssl.create_default_context(cafile=str(mockgateway.ca_path))
            headers = {"Authorization": f"Bearer {mockgateway.token()}"}
            connector = aiohttp.TCPConnector(ssl=context)
            async with aiohttp.ClientSession(mockgateway.url, connector=connector) as http:
                body = {"destination": ["+447700900123"], "message": "Code 1234"}
                async with http.post("/api/v2/sms", json=body, headers=headers) as response:
                    assert response.status == 200, await response.text()
            await mockgateway.wait_for_message(to="+447700900123", timeout=5)


        async def test_plain_http_without_the_option(mockgateway):
            assert mockgateway.url.startswith("http://") and mockgateway.ca_path is None
        """
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_the_threaded_fixture_serves_https_to_urllib(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    pytester.makepyfile(
        test_https_sync="""
        import json
        import ssl
        import urllib.request

        import pytest


        @pytest.mark.mockgateway(tls=True)
        def test_send_over_https(mockgateway_threaded):
            assert mockgateway_threaded.url.startswith("https://127.0.0.1:")
            context = ssl.create_default_context(cafile=str(mockgateway_threaded.ca_path))
            request = urllib.request.Request(
                mockgateway_threaded.url + "/api/v2/sms",
                data=json.dumps({"destination": ["+447700900124"], "message": "hi"}).encode(),
                headers={"Authorization": "Bearer " + mockgateway_threaded.token(), "Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=10, context=context) as response:
                assert response.status == 200
            mockgateway_threaded.assert_sent(to="+447700900124")
        """
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
