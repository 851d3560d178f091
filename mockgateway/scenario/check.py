"""``mockgateway scenarios check``: validate scenario files and say what they hold, or every problem."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mockgateway.scenario.loader import ScenarioError, load_dir, load_file, scenario_files


@dataclass(frozen=True, slots=True)
class CheckResult:
    ok: bool
    lines: tuple[str, ...]  #: one summary per file when ok, else one line per problem and a total


def check(target: Path) -> CheckResult:
    """Check a directory (every ``*.yaml`` in it, as the gateway loads them) or a single file."""
    if target.is_dir():
        files = scenario_files(target)
        if not files:
            return CheckResult(False, (f"{target}: no scenario files (*.yaml, *.yml)",))
    else:
        files = (target,)
    try:
        scenarios = load_dir(target) if target.is_dir() else load_file(target)
    except ScenarioError as error:
        count = len(error.problems)
        total = f"{count} problem{'s' if count != 1 else ''} in {len({p.file for p in error.problems})} file(s)"
        return CheckResult(False, (*(str(p) for p in error.problems), total))
    lines = []
    for file in files:
        names = [s.name for s in scenarios if s.source == file.name]
        listed = f": {', '.join(names)}" if names else ""
        lines.append(f"{file}: ok, {len(names)} scenario{'s' if len(names) != 1 else ''}{listed}")
    return CheckResult(True, tuple(lines))
