"""``/__admin``: health, accounts, messages, and notifications, MOs and callback deliveries (inspection, injection
and replay, and waiting for them).

Each list accepts only its own query parameters: a misspelt filter or an unknown value is a 400 naming it. A list
that ignored what it did not know would answer a typo (``?acount=shop``) with every item, which a test then takes
for a match.

``/__admin/.../wait`` answers as soon as what a test expects exists, or 408 with the closest near misses;
``/__admin/messages/latest`` the newest message to a number, with the one-time code in its text. These routes
come before ``/__admin/messages/{id}`` so that ``wait`` and ``latest`` are not ids.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from mockgateway import __version__
from mockgateway.clock import iso
from mockgateway.domain.durations import is_whole_number
from mockgateway.domain.errors import InvalidRequest, NotFound, StoreUnavailable
from mockgateway.domain.model import DeliveryState, MessageStatus
from mockgateway.domain.queries import EventQuery, MessageQuery
from mockgateway.domain.reasons import PROVIDERS
from mockgateway.http.admin_common import GATEWAY, int_param, json_body, json_response, refuse_unknown
from mockgateway.http.views import account_view, delivery_view, message_view, mo_view, notification_view
from mockgateway.service.gateway import Gateway
from mockgateway.service.waits import SPECS, Spec, one_time_code, wait_for

PAGING = ("offset", "limit")
DEFAULT_WAIT_S = 5.0
MAX_WAIT_S = 60.0


@dataclass(frozen=True, slots=True)
class Filters:
    """What one list endpoint filters on; ``choices`` are the closed sets of values, matched in any case."""

    names: tuple[str, ...]
    choices: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def check(self, query: Mapping[str, str]) -> None:
        refuse_unknown("filter", query, (*self.names, *PAGING))
        for name, choices in self.choices.items():
            value = query.get(name, "")
            if value and value.lower() not in choices:
                expected = ", ".join(sorted(choices))
                raise InvalidRequest(f"{name}: {value!r} is not one of {expected}", field=name)


_NOTIFICATION_STATUSES = frozenset([*(status.value.lower() for status in MessageStatus), "nok", "all"])
_DELIVERY_STATES = frozenset(state.value.lower() for state in DeliveryState)

MESSAGES = Filters(
    names=("account", "destination", "to", "origin", "from", "text", "provider"),
    choices={"provider": frozenset(PROVIDERS)},
)
NOTIFICATIONS = Filters(
    names=("account", "provider", "message", "message_id", "order_id", "orderId", "status", "state"),
    choices={"status": _NOTIFICATION_STATUSES, "state": _NOTIFICATION_STATUSES, "provider": frozenset(PROVIDERS)},
)
MOS = Filters(
    names=("account", "provider", "message", "message_id", "from", "phone", "text", "keyword"),
    choices={"provider": frozenset(PROVIDERS)},
)
CALLBACKS = Filters(
    names=("account", "message", "message_id", "kind", "state", "status"),
    choices={"kind": frozenset({"status", "mo"}), "state": _DELIVERY_STATES, "status": _DELIVERY_STATES},
)

routes = web.RouteTableDef()

#: The views of the kinds shown alike whatever else is known (a notification's is not: see ``_viewer``).
VIEWS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "messages": message_view,
    "mo": mo_view,
    "callbacks": delivery_view,
}


_SECONDS = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")


def _timeout(request: web.Request) -> float:
    raw = request.query.get("timeout", "").strip().removesuffix("s")
    if not raw:
        return DEFAULT_WAIT_S
    if not _SECONDS.fullmatch(raw):  # float() would also read "1_0", "1e1", "inf" and other scripts' digits
        raise InvalidRequest(f"timeout: {raw!r} is not a number of seconds", field="timeout")
    seconds = float(raw)
    if not seconds <= MAX_WAIT_S:
        raise InvalidRequest(f"timeout: must be between 0 and {MAX_WAIT_S:g} seconds", field="timeout")
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
    if found is not None:
        view = await _viewer(gateway, kind, [found])
        return json_response(view(found))
    misses = await spec.near_misses(gateway, wanted)
    view = await _viewer(gateway, kind, [m.item for m in misses])
    body = {
        "error": "timeout",
        "message": f"{spec.describe_none(wanted)} within {timeout:g} s",
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
        raise NotFound(spec.describe_none(wanted), field="to")
    return json_response({**message_view(message), "code": one_time_code(message.text)})


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
        provider=(q.get("provider") or "").lower() or None,
        offset=int_param(request, "offset", 0, maximum=10**9),
        limit=int_param(request, "limit", 50, minimum=1, maximum=1000),
    )


@routes.get("/__admin/messages")
async def list_messages(request: web.Request) -> web.Response:
    page = await request.app[GATEWAY].messages(message_query(request))
    messages = [message_view(m) for m in page.items]
    return json_response({"total": page.total, "offset": page.offset, "limit": page.limit, "messages": messages})


@routes.get("/__admin/messages/{id}")
async def get_message(request: web.Request) -> web.Response:
    return json_response(message_view(await request.app[GATEWAY].message(request.match_info["id"])))


@routes.delete("/__admin/messages")
async def delete_messages(request: web.Request) -> web.Response:
    paging = [name for name in PAGING if name in request.query]
    if paging:  # a page of a delete would read as "these", yet it could only mean every match
        raise InvalidRequest(f"{paging[0]}: a delete takes filters only, not paging", field=paging[0])
    query = message_query(request)
    filtered = any(name in request.query for name in MESSAGES.names)
    deleted = await request.app[GATEWAY].delete_messages(query if filtered else None)
    return json_response({"deleted": deleted})


@routes.get("/__admin/accounts")
async def list_accounts(request: web.Request) -> web.Response:
    return json_response({"accounts": [account_view(a) for a in request.app[GATEWAY].accounts.values()]})


def event_query(request: web.Request, filters: Filters) -> EventQuery:
    q = request.query
    filters.check(q)
    return EventQuery(
        account=q.get("account") or None,
        provider=(q.get("provider") or "").lower() or None,
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
    view = await _viewer(gateway, "notifications", items)
    return json_response({"notifications": [view(n) for n in items]})


@routes.get("/__admin/mo")
async def list_mos(request: web.Request) -> web.Response:
    query = event_query(request, MOS)
    gateway = request.app[GATEWAY]
    items, total = await gateway.mos(query), await gateway.count_mos(query)
    # The total lets a reader of the oldest-first list ask for its newest page.
    return json_response({"total": total, "mo": [mo_view(m) for m in items]})


@routes.post("/__admin/mo")
async def inject_mo(request: web.Request) -> web.Response:
    data = await json_body(request, allowed=("from", "to", "text", "account"))
    values = {}
    for key in ("from", "to", "text"):
        value = data.get(key)
        if not isinstance(value, str) or (key != "text" and not value.strip()):
            raise InvalidRequest(f"{key}: required, a string", field=key)
        values[key] = value.strip() if key != "text" else value
    sender = values["from"].lstrip("+")
    if not is_whole_number(sender) or not 6 <= len(sender) <= 15:
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
