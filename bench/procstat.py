"""CPU time from /proc, for the benchmarks that report what other processes used meanwhile."""

from __future__ import annotations

import os
from pathlib import Path

CLK_TCK = os.sysconf("SC_CLK_TCK")


def machine_busy_ticks() -> int:
    """CPU ticks the whole machine has used so far: user, nice, system, irq, softirq and steal."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    return sum(int(fields[i]) for i in (0, 1, 2, 5, 6, 7))


def process_ticks(pid: int) -> int:
    """CPU ticks (user + system) process ``pid`` has used so far; 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])
