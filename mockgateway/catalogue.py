"""The catalogue as Markdown, for the README: canonical reasons across providers."""

from __future__ import annotations

from mockgateway.domain.reasons import FALLBACK, PROVIDERS, REASONS

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


if __name__ == "__main__":
    print(reasons_table())
