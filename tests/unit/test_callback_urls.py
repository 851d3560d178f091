"""Where a callback may go: an http(s) URL with a host and, when one is written, a port that exists."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockgateway.domain.model import _PLAIN_CALLBACK_URL, is_callback_url


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


@given(st.from_regex(_PLAIN_CALLBACK_URL, fullmatch=True))
@settings(max_examples=300, deadline=None)
def test_the_quick_check_takes_only_what_urlsplit_takes(url: str) -> None:
    parts = urlsplit(url)
    assert parts.scheme in ("http", "https")
    assert parts.hostname
    assert parts.port != -1  # reading it raises ValueError for a port that is no number or out of range
