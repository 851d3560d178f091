"""Part counting with TextApp's sizes: GSM 160 then 153, Unicode 70 then 66; at most 3 parts by default."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mockgateway.dialects.textapp.sendsms import PART_SIZES
from mockgateway.domain.model import Encoding
from mockgateway.domain.queries import MessageQuery
from mockgateway.encoding import segment
from mockgateway.service.gateway import Gateway
from tests.dialects.textapp.conftest import post, send_params

P = pytest.param


@pytest.mark.parametrize(
    ("body", "charset", "parts"),
    [
        P("a" * 160, "2", 1, id="gsm-160"),
        P("a" * 161, "2", 2, id="gsm-161"),
        P("a" * 306, "2", 2, id="gsm-306"),
        P("a" * 307, "2", 3, id="gsm-307"),
        P("a" * 459, "2", 3, id="gsm-459"),
        P("ж" * 70, "1", 1, id="unicode-70"),
        P("ж" * 71, "1", 2, id="unicode-71"),
        P("ж" * 132, "1", 2, id="unicode-132"),
        P("ж" * 133, "1", 3, id="unicode-133"),
        P("ж" * 198, "1", 3, id="unicode-198"),
        P("a" * 71, "1", 2, id="plain-text-as-unicode-71"),
    ],
)
async def test_parts(client: TestClient[Any, Any], gateway: Gateway, body: str, charset: str, parts: int) -> None:
    text = await post(client, send_params(body=body, characterSetID=charset))

    assert "<Code>1</Code><Description>Transaction OK" in text, text
    [message] = (await gateway.messages(MessageQuery(provider="textapp"))).items
    assert len(message.part_ids) == parts
    assert message.encoding is (Encoding.UCS2 if charset == "1" else Encoding.GSM7)


def test_unicode_parts_are_66_characters_after_the_first_part() -> None:
    """67 would be the GSM 03.40 figure; TextApp documents 66."""
    seg = segment("ж" * 133, force_ucs2=True, sizes=PART_SIZES)
    assert [len(part) for part in seg.parts] == [66, 66, 1]


@pytest.mark.parametrize(
    ("body", "charset"),
    [P("a" * 460, "2", id="gsm-460"), P("ж" * 199, "1", id="unicode-199"), P("{" * 230, "2", id="gsm-escapes")],
)
async def test_a_fourth_part_is_too_long(client: TestClient[Any, Any], body: str, charset: str) -> None:
    text = await post(client, send_params(body=body, characterSetID=charset))
    assert "<Code>334</Code><Description>Body too long (body: needs 4 parts" in text, text
