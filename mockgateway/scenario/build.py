"""From YAML data to ``Scenario`` values: the checks a schema cannot make (catalogue, regexes), then the values."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeAlias

from mockgateway.domain.durations import parse_duration
from mockgateway.domain.model import MessageStatus
from mockgateway.domain.reasons import CODES, PROVIDERS, REASONS, STATUS_CLASSES, Code
from mockgateway.scenario.model import RETRY_AFTER_STATUSES, VALIDITY, Match, OnSend, Reply, Scenario, Step

KeyPath: TypeAlias = tuple[str | int, ...]
#: Called with the key path of a problem and what is wrong there.
Report: TypeAlias = Callable[[KeyPath, str], None]


def check_scenario(raw: object, where: KeyPath, report: Report) -> None:
    """Report what the schema cannot see. Runs on unvalidated data, so every value's type is checked first."""
    if not isinstance(raw, dict):
        return
    match: Mapping[str, Any] = raw["match"] if isinstance(raw.get("match"), dict) else {}
    for key in ("destination_regex", "text_regex"):
        _check_regex(match.get(key), (*where, "match", key), report)
    provider = match.get("provider") if match.get("provider") in PROVIDERS else None
    for index, step in _mappings(raw.get("steps")):
        _check_step(step, (*where, "steps", index), report, provider)
    for index, reply in _mappings(raw.get("replies")):
        _check_duration(reply.get("after"), (*where, "replies", index, "after"), report)
    on_send = raw.get("on_send")
    if isinstance(on_send, dict):
        _check_duration(on_send.get("latency"), (*where, "on_send", "latency"), report)
        _check_duration(on_send.get("retry_after"), (*where, "on_send", "retry_after"), report)
        respond = on_send.get("respond")
        if on_send.get("retry_after") is not None and respond not in RETRY_AFTER_STATUSES:
            report((*where, "on_send", "retry_after"), "goes with on_send.respond 429 or 503 only")
        for key in ("steps", "replies") if respond is not None else ():
            if raw.get(key):
                report((*where, key), f"has no effect: with on_send.respond {respond} the message is never sent")


def build_scenario(raw: Mapping[str, Any], source: str) -> Scenario:
    """The value of ``raw``, which passed schema.json and ``check_scenario``."""
    match = raw.get("match") or {}
    on_send = raw.get("on_send")
    return Scenario(
        name=raw["name"],
        description=raw.get("description", ""),
        probability=raw.get("probability"),
        match=Match(
            destination=_number(match.get("destination")),
            destination_prefix=_number(match.get("destination_prefix")),
            destination_regex=_compile(match.get("destination_regex")),
            text_regex=_compile(match.get("text_regex")),
            origin=None if match.get("origin") is None else str(match["origin"]),
            account=match.get("account"),
            provider=match.get("provider"),
        ),
        steps=tuple(_step(step) for step in raw.get("steps", ())),
        replies=tuple(
            Reply(
                text=r["text"],
                after=parse_duration(r.get("after", 0)),
                sender=_number(r.get("from")),
                probability=r.get("probability"),
            )
            for r in raw.get("replies", ())
        ),
        on_send=None if on_send is None else _on_send(on_send),
        source=source,
    )


def _on_send(raw: Mapping[str, Any]) -> OnSend:
    retry_after = raw.get("retry_after")
    return OnSend(
        respond=raw.get("respond"),
        latency=parse_duration(raw.get("latency", 0)),
        retry_after=None if retry_after is None else parse_duration(retry_after),
    )


def _step(raw: Mapping[str, Any]) -> Step:
    return Step(
        status=MessageStatus(str(raw["status"]).upper()),
        after=_delay(raw.get("after", 0)),
        at=None if raw.get("at") is None else _delay(raw["at"]),
        reason=raw.get("reason"),
        code=None if raw.get("code") is None else str(raw["code"]),
        part=raw.get("part"),
        when=raw.get("when"),
        probability=raw.get("probability"),
    )


def _check_step(step: Mapping[str, Any], where: KeyPath, report: Report, provider: str | None) -> None:
    for key in ("after", "at"):
        if step.get(key) != VALIDITY:
            _check_duration(step.get(key), (*where, key), report)
    reason = step.get("reason")
    if isinstance(reason, str) and reason not in REASONS:
        report((*where, "reason"), f"unknown reason {reason!r} (known: {', '.join(sorted(REASONS))})")
    code = step.get("code")
    if isinstance(code, str | int) and not isinstance(code, bool):
        status = MessageStatus.__members__.get(str(step.get("status") or "").upper())  # its names are its values
        problem = _code_problem(str(code), reason if reason in REASONS else None, provider, status)
        if problem:
            report((*where, "code"), problem)


def _code_problem(code: str, reason: str | None, provider: str | None, status: MessageStatus | None) -> str | None:
    providers = (provider,) if provider else PROVIDERS
    rows = [row for row in CODES if row.provider in providers and row.code == code]
    if not rows:
        if provider is None:
            return f"unknown code {code!r} (not a code of {', '.join(PROVIDERS)})"
        known = ", ".join(dict.fromkeys(row.code for row in CODES if row.provider == provider)) or "none"
        return f"unknown code {code!r} for {provider} (known: {known})"
    meanings = sorted({row.reason for row in rows if row.reason is not None})
    if reason is not None and meanings and reason not in meanings:
        return f"code {code!r} means {' or '.join(meanings)}, not {reason}"
    return None if status is None else _class_problem(code, rows, status)


def _class_problem(code: str, rows: list[Code], status: MessageStatus) -> str | None:
    """A code reports one kind of status (progress, temporary, final positive or final negative) and no other."""
    wanted = STATUS_CLASSES[status]
    if any(row.status_class is wanted for row in rows):
        return None
    kinds = " or ".join(sorted({f"a {row.status_class} code of {row.provider}" for row in rows}))
    return f"code {code!r} is {kinds}: a {status.value.lower()} step needs a {wanted} code"


def _check_regex(value: object, where: KeyPath, report: Report) -> None:
    if isinstance(value, str):
        try:
            re.compile(value)
        except re.error as error:
            report(where, f"not a valid regular expression: {error}")


def _check_duration(value: object, where: KeyPath, report: Report) -> None:
    if value is not None:
        try:
            parse_duration(value)
        except ValueError as error:
            report(where, str(error))


def _mappings(value: object) -> Iterator[tuple[int, Mapping[str, Any]]]:
    if isinstance(value, list):
        yield from ((i, item) for i, item in enumerate(value) if isinstance(item, dict))


def _number(value: object) -> str | None:
    return None if value is None else str(value).lstrip("+")


def _compile(value: str | None) -> re.Pattern[str] | None:
    return None if value is None else re.compile(value)


def _delay(value: object) -> float | str:
    return VALIDITY if value == VALIDITY else parse_duration(value)
