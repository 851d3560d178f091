"""``/__admin``: the clock, scenarios, account callbacks and resetting state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web

from mockgateway.clock import iso
from mockgateway.domain.errors import ConfigError, InvalidRequest, NotFound
from mockgateway.domain.model import CallbackTarget, CallbackTargets, OAuth2Credentials, is_callback_url
from mockgateway.http.admin_common import GATEWAY, SETTINGS, json_body, json_response
from mockgateway.http.views import account_view, scenario_view
from mockgateway.scenario.loader import load_dir, shipped_dir

routes = web.RouteTableDef()


def _clock_view(request: web.Request) -> dict[str, Any]:
    gateway = request.app[GATEWAY]
    now = gateway.now()
    return {"now": iso(now), "epoch": now, "mode": "virtual" if gateway.clock_is_virtual else "real"}


@routes.get("/__admin/clock")
async def get_clock(request: web.Request) -> web.Response:
    return json_response(_clock_view(request))


@routes.post("/__admin/clock/advance")
async def advance_clock(request: web.Request) -> web.Response:
    data = await json_body(request, allowed=("seconds", "to"))
    gateway = request.app[GATEWAY]
    if "to" in data and "seconds" in data:
        raise InvalidRequest('give either "seconds" or "to", not both', field="to")
    if "to" in data:
        await gateway.advance(to=_parse_instant(data["to"]))
    elif "seconds" in data:
        seconds = data["seconds"]
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
            raise InvalidRequest("seconds: must be a non-negative number", field="seconds")
        await gateway.advance(float(seconds))
    else:
        raise InvalidRequest('give {"seconds": N} or {"to": "<ISO-8601 UTC>"}', field="seconds")
    return json_response(_clock_view(request))


def _parse_instant(raw: object) -> float:
    if not isinstance(raw, str):
        raise InvalidRequest("to: must be an ISO-8601 time such as 2026-01-01T12:00:00Z", field="to")
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidRequest(f"to: {raw!r} is not an ISO-8601 time", field="to") from None
    if moment.tzinfo is None:
        raise InvalidRequest("to: must carry a time zone, e.g. a trailing Z for UTC", field="to")
    return moment.timestamp()


@routes.get("/__admin/scenarios")
async def list_scenarios(request: web.Request) -> web.Response:
    return json_response({"scenarios": [scenario_view(s) for s in request.app[GATEWAY].scenarios]})


@routes.post("/__admin/scenarios/reload")
async def reload_scenarios(request: web.Request) -> web.Response:
    """Reload from disk; a broken file leaves the running set as it was."""
    directory = request.app[SETTINGS].scenarios_dir or shipped_dir()
    try:
        scenarios = load_dir(directory)
    except ConfigError as error:
        return json_response({"error": "invalid_scenarios", "message": str(error), "field": "scenarios"}, 400)
    request.app[GATEWAY].scenarios = scenarios
    return json_response({"loaded": len(scenarios), "scenarios": [scenario_view(s) for s in scenarios]})


@routes.delete("/__admin/state")
@routes.post("/__admin/reset")
async def reset_state(request: web.Request) -> web.Response:
    await request.app[GATEWAY].reset()
    return json_response({"status": "reset"})


@routes.put("/__admin/accounts/{name}/callbacks")
@routes.put("/__admin/accounts/{name}/callbacks/{provider}")
async def set_callbacks(request: web.Request) -> web.Response:
    """Like a provider portal's settings: ``{"status_callback": URL|{url, oauth2}|null, "mo_callback": ...}``.

    Under a provider, that provider's own targets, where ``null`` falls back to the account-wide target.
    """
    gateway = request.app[GATEWAY]
    current = gateway.account(request.match_info["name"])
    provider = request.match_info.get("provider")
    if provider is None:
        own = CallbackTargets(status=current.status_callback, mo=current.mo_callback)
    elif provider in current.credentials:
        own = current.provider_callbacks.get(provider, CallbackTargets())
    else:
        known = ", ".join(sorted(current.credentials))
        raise NotFound(
            f"provider: account {current.name!r} has no {provider!r} credentials (it has {known})", field="provider"
        )
    data = await json_body(request, allowed=("status_callback", "mo_callback"))
    status = _target(data, "status_callback") if "status_callback" in data else own.status
    mo = _target(data, "mo_callback") if "mo_callback" in data else own.mo
    account = gateway.set_account_callbacks(current.name, status=status, mo=mo, provider=provider)
    await gateway.saved()  # answered: kept, even if the process is killed right after
    return json_response(account_view(account))


def _target(data: dict[str, Any], key: str) -> CallbackTarget | None:
    raw = data[key]
    if raw is None:
        return None
    if isinstance(raw, str):
        raw = {"url": raw}
    if not isinstance(raw, dict):
        raise InvalidRequest(f"{key}: must be a URL, an object with url, or null", field=key)
    url = raw.get("url")
    if not is_callback_url(url):
        raise InvalidRequest(f"{key}.url: must be an http(s) URL with a host", field=f"{key}.url")
    oauth = raw.get("oauth2")
    if oauth is None:
        return CallbackTarget(url=url)
    if not isinstance(oauth, dict):
        raise InvalidRequest(f"{key}.oauth2: must be an object", field=f"{key}.oauth2")
    values: dict[str, str] = {}
    for name in ("client_id", "client_secret", "token_url"):
        value = oauth.get(name)
        where = f"{key}.oauth2.{name}"
        if not isinstance(value, str) or not value:
            raise InvalidRequest(f"{where}: required, a string", field=where)
        if name == "token_url" and not is_callback_url(value):
            raise InvalidRequest(f"{where}: must be an http(s) URL with a host", field=where)
        values[name] = value
    return CallbackTarget(url=url, oauth2=OAuth2Credentials(**values))
