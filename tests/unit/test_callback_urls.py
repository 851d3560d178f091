"""Where a callback may go: an http(s) URL with a host and, when one is written, a port that exists."""

from __future__ import annotations

import pytest

from mockgateway.domain.model import is_callback_url


@pytest.mark.parametrize(
    "url",
    ["http://acks.example.com", "https://acks.example.com:8443/dlr?x=1", "http://127.0.0.1:9/mo", "http://[::1]/"],
)
def test_a_url_with_a_host_is_a_callback_url(url: str) -> None:
    assert is_callback_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://",
        "https:///dlr",
        "http://:8080/dlr",
        "http://acks.example.com:99999/",
        "http://acks.example.com:port/",
        "http://[::1/",
        "ftp://acks.example.com/",
        "acks.example.com/dlr",
        "",
        None,
        42,
    ],
)
def test_a_url_without_a_reachable_host_is_not(url: object) -> None:
    assert not is_callback_url(url)
