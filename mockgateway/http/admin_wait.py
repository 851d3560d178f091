"""``/__admin/.../wait``: answer as soon as what a test expects exists, or 408 with the closest near misses.

Also ``/__admin/messages/latest``: the newest message to a number, with the one-time code in its text.
These routes are registered before ``/__admin/messages/{id}`` so that ``wait`` and ``latest`` are not ids.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from aiohttp import web

from mockgateway.domain.errors import InvalidRequest, NotFound
from mockgateway.http.admin_common import GATEWAY, json_response
from mockgateway.http.views import delivery_view, message_view, mo_view, notification_view
from mockgateway.service.gateway import Gateway
from mockgateway.service.waits import SPECS, Spec, one_time_code, wait_for

DEFAULT_TIMEOUT_S = 5.0
MAX_TIMEOUT_S = 60.0

VIEWS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "messages": message_view,
    "notifications": notification_view,
    "mo": mo_view,
    "callbacks": delivery_view,
}

routes = web.RouteTableDef()


def _timeout(request: web.Request) -> float:
    raw = request.query.get("timeout", "").strip().removesuffix("s")
    if not raw:
        return DEFAULT_TIMEOUT_S
    try:
        seconds = float(raw)
    except ValueError:
        raise InvalidRequest(f"timeout: {raw!r} is not a number of seconds", field="timeout") from None
    if not 0 <= seconds <= MAX_TIMEOUT_S:  # also refuses nan
        raise InvalidRequest(f"timeout: must be between 0 and {MAX_TIMEOUT_S:g} seconds", field="timeout")
    return seconds


async def _viewer(gateway: Gateway, kind: str, items: list[Any]) -> Callable[[Any], dict[str, Any]]:
    """How ``items`` of ``kind`` are shown; a notification's ``final`` depends on its message's handset ACK."""
    if kind != "notifications":
        return VIEWS[kind]
    asked = await gateway.asked_handset_ack(n.message_id for n in items)
    return lambda n: notification_view(n, handset_ack=n.message_id in asked)


async def _wait(request: web.Request, kind: str) -> web.Response:
    spec: Spec[Any] = SPECS[kind]
    wanted = spec.parse(request.query, ignore=("timeout",))
    timeout = _timeout(request)
    gateway = request.app[GATEWAY]
    found = await wait_for(gateway, spec, wanted, timeout)
    view = await _viewer(gateway, kind, [] if found is None else [found])
    if found is not None:
        return json_response(view(found))
    misses = await spec.near_misses(gateway, wanted)
    view = await _viewer(gateway, kind, [m.item for m in misses])
    body = {
        "error": "timeout",
        "message": f"no {spec.describe(wanted).removeprefix('a ')} within {timeout:g} s",
        "field": None,
        "near_misses": [
            {"matched": list(m.matched), "mismatched": list(m.mismatched), "item": view(m.item)} for m in misses
        ],
    }
    return json_response(body, status=408)


# ``/__admin/messages/wait``, ``/__admin/notifications/wait``, ``/__admin/mo/wait``, ``/__admin/callbacks/wait``
for _kind in SPECS:
    routes.get(f"/__admin/{_kind}/wait")(functools.partial(_wait, kind=_kind))


@routes.get("/__admin/messages/latest")
async def latest_message(request: web.Request) -> web.Response:
    """The newest message to ``to`` (other message filters allowed), with ``code``: its first 4-8 digit number."""
    spec = SPECS["messages"]
    wanted = spec.parse(request.query)
    if "to" not in wanted:
        raise InvalidRequest("to: required, the handset number", field="to")
    message = await spec.newest(request.app[GATEWAY], wanted)
    if message is None:
        raise NotFound(f"no {spec.describe(wanted).removeprefix('a ')}", field="to")
    return json_response({**message_view(message), "code": one_time_code(message.text)})
