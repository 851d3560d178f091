"""JSON views of core values for the admin API and UI."""

from __future__ import annotations

from typing import Any

from mockgateway.clock import iso
from mockgateway.domain.model import Account, CallbackTarget, Message


def message_view(m: Message) -> dict[str, Any]:
    return {
        "id": m.id,
        "account": m.account,
        "provider": m.provider,
        "destination": f"+{m.destination}",
        "origin": m.origin,
        "text": m.text,
        "encoding": m.encoding.value,
        "parts": list(m.part_ids),
        "part_count": len(m.part_ids),
        "status": m.status.value,
        "status_at": iso(m.status_at) if m.status_at is not None else None,
        "reason": m.reason,
        "created_at": iso(m.created_at),
        "client_ref": m.client_ref,
        "validity_s": m.validity_s,
        "handset_ack": m.handset_ack,
        "callbacks": [target_view(t) for t in m.callbacks],
        "options": dict(m.options),
        "scenario": m.scenario,
    }


def target_view(target: CallbackTarget | None) -> dict[str, Any] | None:
    if target is None:
        return None
    view: dict[str, Any] = {"url": target.url}
    if target.oauth2:
        view["oauth2"] = {"client_id": target.oauth2.client_id, "token_url": target.oauth2.token_url}
    return view


def account_view(account: Account) -> dict[str, Any]:
    return {
        "name": account.name,
        "providers": sorted(account.credentials),
        "origins": list(account.origins) if account.origins is not None else None,
        "status_callback": target_view(account.status_callback),
        "mo_callback": target_view(account.mo_callback),
    }
