"""``/__admin``: health, messages and accounts."""

from __future__ import annotations

from aiohttp import web

from mockgateway import __version__
from mockgateway.clock import iso
from mockgateway.domain.errors import StoreUnavailable
from mockgateway.domain.queries import MessageQuery
from mockgateway.http.admin_common import int_param, json_response
from mockgateway.http.admin_filters import MESSAGES
from mockgateway.http.keys import GATEWAY
from mockgateway.http.views import account_view, message_view

routes = web.RouteTableDef()


@routes.get("/__admin/health")
async def health(request: web.Request) -> web.Response:
    """503 while the store cannot be reached, so that a load balancer sends the traffic to another replica."""
    gateway = request.app[GATEWAY]
    try:
        await gateway.check_store()
    except StoreUnavailable:
        store, status = "unavailable", 503
    else:
        store, status = "ok", 200
    body = {
        "status": store,
        "store": store,
        "version": __version__,
        "time": iso(gateway.now()),
        "clock": "virtual" if gateway.clock_is_virtual else "real",
    }
    return json_response(body, status)


def message_query(request: web.Request) -> MessageQuery:
    q = request.query
    MESSAGES.check(q)
    return MessageQuery(
        account=q.get("account") or None,
        # An unencoded '+' (``?to=+4477...``) arrives as a space; either way the number is meant.
        destination=(q.get("destination") or q.get("to") or "").strip() or None,
        origin=q.get("origin") or q.get("from") or None,
        text=q.get("text") or None,
        provider=q.get("provider") or None,
        offset=int_param(request, "offset", 0, maximum=10**9),
        limit=int_param(request, "limit", 50, minimum=1, maximum=1000),
    )


@routes.get("/__admin/messages")
async def list_messages(request: web.Request) -> web.Response:
    page = await request.app[GATEWAY].messages(message_query(request))
    return json_response(
        {
            "total": page.total,
            "offset": page.offset,
            "limit": page.limit,
            "messages": [message_view(m) for m in page.items],
        }
    )


@routes.get("/__admin/messages/{id}")
async def get_message(request: web.Request) -> web.Response:
    message = await request.app[GATEWAY].message(request.match_info["id"])
    return json_response(message_view(message))


@routes.delete("/__admin/messages")
async def delete_messages(request: web.Request) -> web.Response:
    query = message_query(request)
    filtered = any(name in request.query for name in MESSAGES.names)
    deleted = await request.app[GATEWAY].delete_messages(query if filtered else None)
    return json_response({"deleted": deleted})


@routes.get("/__admin/accounts")
async def list_accounts(request: web.Request) -> web.Response:
    accounts = request.app[GATEWAY].accounts.values()
    return json_response({"accounts": [account_view(a) for a in accounts]})
