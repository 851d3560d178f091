"""The catalogue as Markdown, for the README: canonical reasons across providers, and each provider's codes."""

from __future__ import annotations

from mockgateway.domain.reasons import CODES, FALLBACK, PROVIDERS, REASONS

_TITLES = {"livelink": "Live Link 365", "textapp": "TextApp", "mobivate": "Mobivate", "smsmode": "smsmode"}


def reasons_table() -> str:
    """One row per canonical reason: retriable, then each provider's code (``*`` marks its fallback)."""
    lines = [
        "| reason | retriable | " + " | ".join(_TITLES[p] for p in PROVIDERS) + " |",
        "|---|---|" + "---|" * len(PROVIDERS),
    ]
    for reason in REASONS.values():
        own = dict(reason.codes)
        cells = [own.get(p) or f"{FALLBACK[p]}*" for p in PROVIDERS]
        lines.append(f"| `{reason.name}` | {'yes' if reason.retriable else 'no'} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def codes_table(provider: str) -> str:
    lines = ["| code | status | kind | reason | meaning |", "|---|---|---|---|---|"]
    seen: set[str] = set()
    for row in CODES:
        if row.provider != provider or row.code in seen:
            continue
        seen.add(row.code)
        kind = row.status_class.value
        lines.append(f"| `{row.code}` | {row.status.value} | {kind} | {row.reason or ''} | {row.description} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(reasons_table())
