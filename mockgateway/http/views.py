"""JSON views of core values for the admin API and UI."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from mockgateway.clock import iso
from mockgateway.domain.lifecycle import is_final
from mockgateway.domain.model import Account, CallbackTarget, Delivery, Message, MoMessage, Notification
from mockgateway.scenario.model import Scenario


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
        "provider_callbacks": {
            provider: {"status_callback": target_view(own.status), "mo_callback": target_view(own.mo)}
            for provider, own in sorted(account.provider_callbacks.items())
        },
        "service_number": account.service_number,
    }


def notification_view(n: Notification, *, handset_ack: bool = False) -> dict[str, Any]:
    """``final``: the last status of the part; a DELIVERED waits for RECEIVED when ``handset_ack`` was asked."""
    return {
        "id": n.id,
        "message_id": n.message_id,
        "account": n.account,
        "provider": n.provider,
        "part": n.part_index + 1,
        "part_id": n.part_id,
        "status": n.status.value,
        "final": is_final(n.status, handset_ack),
        "reason": n.reason,
        "code": n.code,
        "retriable": n.retriable,
        "destination": f"+{n.destination}",
        "scenario": n.scenario,
        "created_at": iso(n.created_at),
    }


def mo_view(m: MoMessage) -> dict[str, Any]:
    return {
        "id": m.id,
        "account": m.account,
        "provider": m.provider,
        "from": f"+{m.sender}",
        "to": m.recipient,
        "text": m.text,
        "keyword": m.keyword,
        "in_reply_to": m.in_reply_to,
        "received_at": iso(m.received_at),
    }


def delivery_view(d: Delivery) -> dict[str, Any]:
    return {
        "id": d.id,
        "account": d.account,
        "kind": d.kind,
        "subject_id": d.subject_id,
        "message_id": d.message_id,
        "method": d.call.method,
        "url": d.call.url,
        "oauth2": d.call.oauth2 is not None,
        "body": d.call.body.decode("utf-8", "replace"),
        "state": d.state.value,
        "created_at": iso(d.created_at),
        "next_attempt_at": iso(d.next_attempt_at) if d.next_attempt_at is not None else None,
        "delivered_at": iso(d.delivered_at) if d.delivered_at is not None else None,
        "attempts": [
            {"at": iso(a.at), "status": a.status, "latency_ms": round(a.latency_ms, 3), "error": a.error}
            for a in d.attempts
        ],
    }


def scenario_view(s: Scenario) -> dict[str, Any]:
    return {
        "name": s.name,
        "description": s.description,
        "source": s.source,
        "probability": s.probability,
        "steps": len(s.steps),
        "replies": len(s.replies),
        "on_send": None if s.on_send is None else asdict(s.on_send),  # respond, latency, retry_after
    }
