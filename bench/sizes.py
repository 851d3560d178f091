#!/usr/bin/env python3
"""``mockgateway serve`` that also writes, every few seconds, the size of every container the gateway holds.

    .venv/bin/python bench/sizes.py OUT.jsonl EVERY_S serve --port ... --config ...
    .venv/bin/python bench/sizes.py --table OUT.jsonl      # the samples side by side: what changed, and the GC

To tell a leak from a heap that settled or a backlog: each line of ``OUT.jsonl`` has the seconds since start,
the RSS, pymalloc's blocks in use and its arenas, glibc's heap (size and bytes in use), the objects the cyclic
GC tracks (in all and for the most common types) and ``sizes``: the ``len()`` of every list, dict, set, deque
and array reachable through the attributes of the gateway and of the application's state, by attribute path
(``[]`` stands for every element of a small container whose elements are the package's own objects; their
sizes are summed). ``bench/soak.py --sizes`` starts the gateway through this script. Bench code only: the walk
reads private attributes.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import json
import os
import re
import sys
import tempfile
import time
import traceback
from array import array
from collections import Counter, deque
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from aiohttp import web

import mockgateway.http.app as app_module
from mockgateway.cli import main
from mockgateway.storage.eventlog import EventLog

CONTAINERS = (dict, list, set, frozenset, deque, array, bytearray)
#: Elements of larger containers are not walked: a store's rows are tuples, not the package's objects.
WALK_ELEMENTS_UP_TO = 2000
STARTED = time.monotonic()


def ours(value: object) -> bool:
    module = type(value).__module__ or ""
    return module.startswith("mockgateway") and not isinstance(value, type)


def attributes(obj: object) -> Iterator[tuple[str, Any]]:
    names = list(getattr(obj, "__dict__", {}))
    for cls in type(obj).__mro__:
        slots = cls.__dict__.get("__slots__", ())
        names += [slots] if isinstance(slots, str) else list(slots)
    for name in names:
        with contextlib.suppress(AttributeError):
            yield name, getattr(obj, name)


def walk(obj: object, path: str, sizes: Counter[str], seen: set[int]) -> None:
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, EventLog):
        sizes[f"{path}.late (of rows no longer kept)"] = stale_late(obj)
    for name, value in attributes(obj):
        visit(value, f"{path}.{name}", sizes, seen)


def visit(value: object, path: str, sizes: Counter[str], seen: set[int]) -> None:
    if isinstance(value, CONTAINERS):
        sizes[path] += len(value)
        if id(value) in seen or len(value) > WALK_ELEMENTS_UP_TO:
            return
        seen.add(id(value))
        elements = value.values() if isinstance(value, dict) else value
        for element in list(elements):
            if ours(element) or isinstance(element, CONTAINERS):
                visit(element, f"{path}[]", sizes, seen)
    elif ours(value):
        walk(value, path, sizes, seen)


def stale_late(log: EventLog[Any]) -> int:
    """Retention starts noted for items the log no longer holds: nothing would ever remove them."""
    items = (item for series in log.accounts.values() for item in series.iterate(series.start, len(series.times)))
    kept = {log.c.id(item) for item in items}
    kept.update(log.held)
    return sum(1 for item_id in log.late if item_id not in kept)


def allocator() -> dict[str, int]:
    """Arenas pymalloc holds and the blocks in use: live objects flat while arenas grow is fragmentation."""
    with tempfile.TemporaryFile(mode="w+") as out:
        saved = os.dup(2)
        sys.stderr.flush()
        os.dup2(out.fileno(), 2)
        try:
            sys._debugmallocstats()  # noqa: SLF001  (the standard library's own allocator report)
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        out.seek(0)
        text = out.read()
    found = {"blocks": sys.getallocatedblocks()}
    for line in text.splitlines():
        label, _, number = line.rpartition("=")
        label = label.strip()
        if label.startswith("# arenas") or label.startswith("# bytes in allocated blocks"):
            found[label.lstrip("# ")] = int(number.strip().replace(",", ""))
    return found


class _Mallinfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost"
    )]  # fmt: skip


def glibc() -> dict[str, int]:
    """glibc's heap (what pymalloc does not hold: objects over 512 bytes, dict tables, arrays): size and in use."""
    try:
        mallinfo2 = ctypes.CDLL("libc.so.6").mallinfo2
    except (OSError, AttributeError):
        return {}
    mallinfo2.restype = _Mallinfo2
    info = mallinfo2()
    return {"glibc heap bytes": info.arena, "glibc mmapped bytes": info.hblkhd, "glibc bytes in use": info.uordblks}


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def sample(app: web.Application) -> dict[str, object]:
    sizes: Counter[str] = Counter()
    seen: set[int] = set()
    for key, value in app.items():
        visit(value, f"app[{key.name if hasattr(key, 'name') else key}]", sizes, seen)
    tracked = Counter(type(o).__qualname__ for o in gc.get_objects())
    return {
        "t": round(time.monotonic() - STARTED, 1),
        "rss_mb": round(rss_mb(), 1),
        **allocator(),
        **glibc(),
        "gc_tracked": sum(tracked.values()),
        "gc_top": dict(tracked.most_common(15)),
        "sizes": dict(sorted(sizes.items())),
    }


def install(out: Path, every: float) -> None:
    original = app_module.create_app

    def create_app(*args: Any, **kwargs: Any) -> web.Application:
        app = original(*args, **kwargs)

        async def sampler(app: web.Application) -> AsyncIterator[None]:
            async def loop() -> None:
                with out.open("a") as sink:
                    while True:
                        await asyncio.sleep(every)
                        try:
                            line = json.dumps(sample(app))
                        except Exception:  # said at once: a sampler that dies quietly leaves an empty file
                            traceback.print_exc()
                            raise
                        sink.write(line + "\n")
                        sink.flush()

            task = asyncio.create_task(loop())
            yield
            task.cancel()

        app.cleanup_ctx.append(sampler)
        return app

    app_module.create_app = create_app


def short(path: str) -> str:
    """``app[<AppKey(mockgateway.http.admin_common.gateway, ...)>].store`` as ``gateway.store``."""
    return re.sub(r"app\[<AppKey\([\w.]*\.(\w+),[^>]*\)>\]", r"\1", path)


def table(samples: list[dict[str, Any]]) -> None:
    """One column a sample: the process's figures, then every size that changed, then the GC's counts."""
    width = 72

    def line(label: str, values: list[Any]) -> None:
        print(f"{label[:width]:{width}}" + "".join(f"{value:>11}" for value in values))

    line("seconds", [s["t"] for s in samples])
    figures = ("rss_mb", "blocks", "bytes in allocated blocks", "arenas allocated current", "glibc heap bytes",
               "glibc mmapped bytes", "glibc bytes in use", "gc_tracked")  # fmt: skip
    for figure in figures:
        line(figure, [s.get(figure, "") for s in samples])
    for path in sorted({path for s in samples for path in s["sizes"]}):
        values = [s["sizes"].get(path, 0) for s in samples]
        if len(set(values)) > 1 or "no longer kept" in path:
            line(short(path), values)
    for kind in sorted({kind for s in samples for kind in s["gc_top"]}):
        line(f"GC-tracked {kind}", [s["gc_top"].get(kind, 0) for s in samples])


if __name__ == "__main__":
    if sys.argv[1] == "--table":
        table([json.loads(text) for text in Path(sys.argv[2]).read_text().splitlines()])
        sys.exit(0)
    install(Path(sys.argv[1]), float(sys.argv[2]))
    sys.exit(main(sys.argv[3:]))
