"""``/__admin``: notifications, MOs and callback deliveries — inspection, injection and replay."""

from __future__ import annotations

from aiohttp import web

from mockgateway.domain.errors import InvalidRequest
from mockgateway.domain.queries import EventQuery
from mockgateway.http.admin_common import int_param, json_body, json_response
from mockgateway.http.admin_filters import CALLBACKS, MOS, NOTIFICATIONS, Filters
from mockgateway.http.keys import GATEWAY
from mockgateway.http.views import delivery_view, mo_view, notification_view

routes = web.RouteTableDef()


def event_query(request: web.Request, filters: Filters) -> EventQuery:
    q = request.query
    filters.check(q)
    return EventQuery(
        account=q.get("account") or None,
        message_id=q.get("message") or q.get("message_id") or None,
        part_id=q.get("order_id") or q.get("orderId") or None,
        status=q.get("status") or q.get("state") or None,
        kind=q.get("kind", "").lower() or None,
        phone=(q.get("from") or q.get("phone") or "").strip().lstrip("+") or None,
        keyword=q.get("text") or q.get("keyword") or None,
        offset=int_param(request, "offset", 0, maximum=10**9),
        limit=int_param(request, "limit", 100, minimum=1, maximum=10_000),
    )


@routes.get("/__admin/notifications")
async def list_notifications(request: web.Request) -> web.Response:
    gateway = request.app[GATEWAY]
    items = await gateway.notifications(event_query(request, NOTIFICATIONS))
    asked = await gateway.asked_handset_ack(n.message_id for n in items)
    return json_response({"notifications": [notification_view(n, handset_ack=n.message_id in asked) for n in items]})


@routes.get("/__admin/mo")
async def list_mos(request: web.Request) -> web.Response:
    items = await request.app[GATEWAY].mos(event_query(request, MOS))
    return json_response({"mo": [mo_view(m) for m in items]})


@routes.post("/__admin/mo")
async def inject_mo(request: web.Request) -> web.Response:
    data = await json_body(request)
    values = {}
    for key in ("from", "to", "text"):
        value = data.get(key)
        if not isinstance(value, str) or (key != "text" and not value.strip()):
            raise InvalidRequest(f"{key}: required, a string", field=key)
        values[key] = value.strip() if key != "text" else value
    sender = values["from"].lstrip("+")
    if not sender.isdigit() or not 6 <= len(sender) <= 15:
        raise InvalidRequest("from: must be an international phone number", field="from")
    account = data.get("account")
    if account is not None and not isinstance(account, str):
        raise InvalidRequest("account: must be a string", field="account")
    mo = await request.app[GATEWAY].inject_mo(sender, values["to"], values["text"], account=account)
    return json_response(mo_view(mo), status=201)


@routes.get("/__admin/callbacks")
async def list_callbacks(request: web.Request) -> web.Response:
    items = await request.app[GATEWAY].deliveries(event_query(request, CALLBACKS))
    return json_response({"callbacks": [delivery_view(d) for d in items]})


@routes.get("/__admin/callbacks/{id}")
async def get_callback(request: web.Request) -> web.Response:
    return json_response(delivery_view(await request.app[GATEWAY].delivery(request.match_info["id"])))


@routes.post("/__admin/callbacks/{id}/replay")
async def replay_callback(request: web.Request) -> web.Response:
    return json_response(delivery_view(await request.app[GATEWAY].replay(request.match_info["id"])))
