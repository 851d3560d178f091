"""What no admin route serves is answered in the admin API's own error format, as every provider's unserved
paths are in theirs: a JSON 404, or a JSON 405 with ``Allow``, never aiohttp's plain text."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient


@pytest.mark.parametrize("path", ["/__admin", "/__admin/", "/__admin/nothing-here", "/__admin/messages/x/y/z"])
async def test_an_unserved_admin_path_is_a_json_404_naming_it(client: TestClient[Any, Any], path: str) -> None:
    response = await client.get(path)
    assert response.status == 404
    assert response.content_type == "application/json"
    assert await response.json() == {
        "error": "not_found",
        "message": f"nothing is served at {path}",
        "field": None,
    }


async def test_a_method_an_admin_path_does_not_take_is_a_json_405_with_allow(client: TestClient[Any, Any]) -> None:
    response = await client.delete("/__admin/clock")
    assert response.status == 405
    assert response.headers["Allow"] == "GET, HEAD"
    assert await response.json() == {
        "error": "method_not_allowed",
        "message": "DELETE is not allowed on /__admin/clock (allowed: GET, HEAD)",
        "field": None,
    }


async def test_served_admin_paths_and_paths_outside_the_admin_api_are_untouched(client: TestClient[Any, Any]) -> None:
    assert (await client.get("/__admin/messages")).status == 200
    assert (await client.get("/__admin/health")).status == 200
    assert (await client.get("/__admin/ui/", allow_redirects=False)).status == 200
    outside = await client.get("/__administrator")
    assert outside.status == 404
    assert outside.content_type == "text/plain"
