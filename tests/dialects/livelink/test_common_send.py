"""The common v2 send decoded straight into a struct gives what ``parse_v2`` gives, and leaves every other body
to it."""

from __future__ import annotations

import orjson
import pytest

from mockgateway.dialects.livelink import requests
from mockgateway.domain.errors import InvalidRequest

NUMBER = "447700909001"
LONG = "😀é" * (requests.MAX_MESSAGE_CHARS // 2)  # characters beyond the BMP count one, as in Python

#: Bodies of the common kind, each decoded here exactly as ``parse_v2`` reads it.
COMMON = (
    b'{"destination":["447700909001"],"message":"Hello World!!","callback":"http://127.0.0.1:9999/acks"}',
    b'{"destination":"+447700909001","message":"hi"}',
    b'{"message":"hi","destination":[" 447700909001 ","+447700909002"],"callback":null}',
    b'{"destination":["447700909001"],"message":"hi","callback":""}',
    b'{"destination":["447700909001"],"message":"first","message":"last","callback":"https://example.com/a"}',
    b'  {"destination":["447700909001"],"message":"\\u00e9t\\u00e9 \\ud83d\\ude00"}\n',
    orjson.dumps({"destination": [NUMBER] * requests.MAX_DESTINATIONS, "message": LONG}),
)

#: Bodies it leaves to ``parse_v2``: another field, a wrong type, a bad value, or no object at all.
OTHER = (
    b'{"destination":["447700909001"],"message":"hi","origin":"ACME"}',
    b'{"destination":["447700909001"],"message":"hi","ackType":"MESSAGE"}',
    b'{"destination":["447700909001"],"message":"hi","callback":["http://a.example/1"]}',
    b'{"destination":["447700909001"],"message":"   "}',
    b'{"destination":["447700909001"],"message":null}',
    b'{"destination":["447700909001"]}',
    b'{"destination":[],"message":"hi"}',
    b'{"destination":["0447700909001"],"message":"hi"}',
    b'{"destination":["447700909001",7],"message":"hi"}',
    b'{"destination":"447700909001","message":"hi","callback":"ftp://a.example/1"}',
    b'{"destination":"447700909001","message":"hi","callback":"http://:80/1"}',
    b'{"destination":"447700909001","message":"hi","callback":"http://a.example/' + b"x" * 2048 + b'"}',
    b'{"destination":"447700909001","message":"hi","message":7}',
    orjson.dumps({"destination": [NUMBER] * (requests.MAX_DESTINATIONS + 1), "message": "hi"}),
    orjson.dumps({"destination": [NUMBER], "message": LONG + "é"}),
    b'["447700909001"]',
    b'{"destination":"447700909001","message":"hi"} trailing',
    b"",
)


@pytest.mark.parametrize("body", COMMON)
def test_a_common_send_is_the_request_parse_v2_makes_of_it(body: bytes) -> None:
    common = requests.decode_common(body)
    assert common is not None
    assert requests.common_request(common, "demo") == requests.parse_v2(orjson.loads(body), "demo")
    assert common.destination == orjson.loads(body)["destination"]  # as written, for the answer


@pytest.mark.parametrize("body", OTHER)
def test_any_other_body_is_left_to_parse_v2(body: bytes) -> None:
    common = requests.decode_common(body)
    assert common is None or requests.common_request(common, "demo") is None


def test_parse_v2_gives_the_common_options_to_a_send_that_sets_none() -> None:
    parsed = requests.parse_v2({"destination": NUMBER, "message": "hi"}, "demo")
    assert parsed.options == requests.DEFAULT_OPTIONS


@pytest.mark.parametrize("body", OTHER[3:12])
def test_the_bodies_left_over_with_a_bad_field_are_refused_by_parse_v2(body: bytes) -> None:
    with pytest.raises(InvalidRequest):
        requests.parse_v2(orjson.loads(body), "demo")
