"""The catalogue of canonical failure reasons and each provider's code for them — one table, data only."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Reason:
    name: str
    description: str
    retriable: bool  #: may the customer retry the message themselves?
    codes: tuple[tuple[str, str], ...]  #: (provider, code) pairs

    def code_for(self, provider: str) -> str | None:
        for name, code in self.codes:
            if name == provider:
                return code
        return None


def _reason(name: str, description: str, retriable: bool, **codes: str) -> Reason:
    return Reason(name, description, retriable, tuple(codes.items()))


#: Canonical reasons. Live Link's codes are those of its published error-code list.
REASONS: dict[str, Reason] = {
    r.name: r
    for r in (
        _reason("network_temporary", "temporary operator network error", True, livelink="DB62"),
        _reason("validity_expired", "not delivered within the validity period", True, livelink="DB65"),
        _reason("no_credit", "the subscriber has no credit", True, livelink="DB78"),
        _reason("blocked_recipient", "recipient opted out, blacklisted or not supported", False, livelink="4524"),
        _reason("no_operator", "no operator found for the number", False, livelink="4503"),
        _reason("operator_blocked", "the operator blocked the message", False, livelink="DB05"),
        _reason("subscriber_barred", "stop all messages to this number", False, livelink="DB76"),
        _reason("network_final", "final network error", False, livelink="DB52"),
        _reason("unknown_subscriber", "unknown or ported number", False, livelink="DB99"),
    )
}


def reason_for_code(provider: str, code: str) -> Reason | None:
    for reason in REASONS.values():
        if reason.code_for(provider) == code:
            return reason
    return None


def get_reason(name: str) -> Reason:
    try:
        return REASONS[name]
    except KeyError:
        raise KeyError(f"unknown reason {name!r} (known: {', '.join(sorted(REASONS))})") from None
