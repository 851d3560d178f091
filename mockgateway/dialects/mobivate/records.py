"""Mobivate's JSON records: send answers, message logs and campaigns."""

from __future__ import annotations

from typing import Any

from mockgateway.dialects.mobivate.requests import Campaign, Outgoing
from mockgateway.dialects.mobivate.wire import hex_id, log_time, uuid_of, wire_status
from mockgateway.domain.model import Message, MessageStatus, MoMessage
from mockgateway.encoding import segment

CURRENCY = "GBP"
#: Mobivate's prices are per account and not public; a flat made-up price per part keeps costs plausible.
PRICE_PER_PART = 0.045


def sent_record(message: Message) -> dict[str, Any]:
    """The answer of ``/send/single``."""
    return {
        "id": uuid_of(message.id),
        "originator": message.origin,
        "recipient": message.destination,
        "body": message.text,
        "routeId": message.option("routeId"),
        "reference": message.client_ref,
        "campaignId": message.option("campaignId"),
    }


def message_record(message: Message, code: str | None = None) -> dict[str, Any]:
    """A message log entry; ``code`` is the provider code last reported for the message's status."""
    parts = len(message.part_ids)
    return {
        "id": hex_id(message.id),
        "created": log_time(message.created_at),
        "modified": log_time(message.status_at or message.created_at),
        "originator": message.origin,
        "recipient": message.destination,
        "body": message.text,
        "status": wire_status(message.status, code, message.reason).name,
        "direction": "MT",
        "inReplyTo": None,
        "routeId": message.option("routeId"),
        "parts": parts,
        "cost": 0 if refused(message) else round(parts * PRICE_PER_PART, 4),
        "currency": CURRENCY,
        "senderReference": message.client_ref,
        "campaignId": message.option("campaignId"),
    }


def refused(message: Message) -> bool:
    """A message to an opted-out or blacklisted recipient: refused before it was sent, so nothing is billed."""
    return message.status is MessageStatus.FAILED and message.reason == "blocked_recipient"


def mo_record(mo: MoMessage) -> dict[str, Any]:
    """An incoming message in the log: received, free of charge."""
    return {
        "id": hex_id(mo.id),
        "created": log_time(mo.received_at),
        "modified": log_time(mo.received_at),
        "originator": mo.sender,
        "recipient": mo.recipient,
        "body": mo.text,
        "status": "DELIVERED",
        "direction": "MO",
        "inReplyTo": hex_id(mo.in_reply_to) if mo.in_reply_to else None,
        "routeId": None,
        "parts": len(segment(mo.text).parts),
        "cost": 0.0,  # a float like every other cost: typed clients read the field as a decimal
        "currency": CURRENCY,
        "senderReference": None,
        "campaignId": None,
    }


def campaign_record(campaign_id: str, campaign: Campaign, accepted: list[Outgoing]) -> dict[str, Any]:
    return {
        "id": campaign_id,
        "name": campaign.name,
        "routeId": campaign.route_id,
        "shortenUrls": campaign.shorten_urls,
        "spreadHours": campaign.spread_hours,
        "excludeOptouts": campaign.exclude_optouts,
        "excludeDuplicates": campaign.exclude_duplicates,
        "scheduleDateTime": campaign.schedule,
        "recipients": [
            {
                "originator": m.originator,
                "recipient": m.recipient,
                "text": m.text,
                "reference": m.reference,
                "routeId": m.own_route_id,
            }
            for m in accepted
        ],
    }
