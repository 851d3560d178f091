from __future__ import annotations

import aiohttp
import pytest

from mockgateway.testing import GatewayHandle


@pytest.mark.asyncio  # pytest-asyncio's default, strict mode, runs only the coroutines marked so
async def test_sign_up_texts_a_code(mockgateway: GatewayHandle) -> None:
    async with aiohttp.ClientSession(mockgateway.url) as app:  # stands in for your application
        auth = {"Authorization": f"Bearer {mockgateway.token()}"}
        await app.post("/api/v2/sms", headers=auth, json={"destination": ["+447700900123"], "message": "Code: 4829"})
    message = await mockgateway.wait_for_message(to="+447700900123", text="code")
    assert await mockgateway.latest_code("+447700900123") == "4829"
    await mockgateway.advance(5)  # virtual time: SENT after 1 s, DELIVERED 2 s later
    assert [n.status for n in await mockgateway.notifications(message=message.id)] == ["SENT", "DELIVERED"]
