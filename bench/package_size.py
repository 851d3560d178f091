#!/usr/bin/env python3
"""How big a tree of the package is: lines as ``wc -l`` counts them, and code lines (neither blank, nor only a
comment, nor part of a docstring), by folder. The figures of "Size" in ``docs/architecture.md``.

    .venv/bin/python bench/package_size.py [PACKAGE_DIR ...]    # default: mockgateway
    mkdir /tmp/before && git archive 283a73c mockgateway | tar -x -C /tmp/before
    .venv/bin/python bench/package_size.py /tmp/before/mockgateway mockgateway
    .venv/bin/python bench/package_size.py --parts [--show] mockgateway        # the scale-out work apart

``--parts`` counts apart the code of the scale-out work (the Redis store, replicas sharing it, ``serve
--workers``): its own modules, and where it shares a module, the definitions and the lines listed in
``SCALE_OUT``, each of which exists only for processes sharing a store.
"""

from __future__ import annotations

import argparse
import ast
import io
import re
import tokenize
from collections import Counter
from pathlib import Path
from typing import NamedTuple

_NOT_CODE = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
_DOCUMENTED = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def docstring_lines(tree: ast.Module) -> set[int]:
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, _DOCUMENTED) and node.body:
            first = node.body[0]
            value = first.value if isinstance(first, ast.Expr) else None
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                found.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return found


def code_line_set(text: str) -> set[int]:
    docs = docstring_lines(ast.parse(text))
    lines: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type not in _NOT_CODE:
            lines.update(n for n in range(token.start[0], token.end[0] + 1) if n not in docs)
    return lines


def code_lines(text: str) -> int:
    return len(code_line_set(text))


class Share(NamedTuple):
    """Code of the scale-out work in a module it shares: the definition ``scope`` (a dotted name in the module;
    "" for the module's own lines), whole, or only its code lines that ``pattern`` finds."""

    module: str
    scope: str
    pattern: str | None = None


#: Modules of the scale-out work alone.
SCALE_OUT_MODULES = (
    "storage/redis_", "service/cluster_ports.py", "service/work_ports.py", "outages.py", "workers.py",
    "dispatch/records.py",  # attempts kept through a store's outage (only the Redis store has outages)
)  # fmt: skip
_IMPORTS = r"^from mockgateway\.(service\.(cluster|work)_ports|storage\.redis_\w+) import"
SCALE_OUT = (
    # the other processes sharing the store, and the one-process stand-ins of their ports
    Share("service/gateway_state.py", "Replica"),
    Share("service/scheduler.py", "LocalJobs"),
    Share("storage/one_process.py", "NoPeers"),
    Share("storage/one_process.py", "", r"^(def _is_peers|    return peers)|cluster_ports import"),
    Share("storage/one_process.py", "ProcessTallies.find_grant"),
    Share("storage/one_process.py", "ProcessTallies.spend_refresh"),
    Share("storage/memory.py", "InMemoryStore.__init__", r"self\.peers = NoPeers"),
    Share("storage/memory.py", "", r"import InMemoryState, NoPeers"),
    Share("storage/sqlite.py", "SqliteStore.__init__", r"self\.peers = NoPeers"),
    Share("service/ports.py", "", _IMPORTS),
    Share("service/ports.py", "Store.peers"),
    Share("service/state_ports.py", "GrantPort.find_grant"),
    Share("service/state_ports.py", "GrantPort.spend_refresh"),
    # the gateway: leases, peers, takeover
    Share("service/gateway.py", "", _IMPORTS),
    Share("service/gateway.py", "Gateway.__init__", r"leases|self\._peers|self\._replica|jobs: JobQueue"),
    Share("service/gateway.py", "Gateway.heard_everywhere"),
    Share("service/gateway.py", "Gateway._take_over"),
    Share("service/gateway.py", "Gateway.take_over"),
    Share("service/gateway.py", "Gateway.caught_up"),
    Share("service/gateway.py", "Gateway.open", r"_peers\.join|if self\._peers\.shared|_peers\.forward|_leases\.open"),
    Share("service/gateway.py", "Gateway.close", r"_leases\.close|_peers\.leave"),
    # one clock advance across replicas, and events shared with them
    Share("service/timekeeper.py", "Timekeeper.__init__", r"self\._peers"),
    Share("service/timekeeper.py", "Timekeeper.advance", r"_peers|_advance_everywhere|^        else:"),
    Share("service/timekeeper.py", "Timekeeper._advance_everywhere"),
    Share("service/timekeeper.py", "Timekeeper.moved_here"),
    Share("service/timekeeper.py", "Timekeeper.catch_up"),
    Share("service/clock_keeper.py", "ClockKeeper.resume", r"if joining|start_at\(stored\)"),
    Share("service/events.py", "", r"^SHARED_KINDS"),
    Share("service/events.py", "EventHub.__init__", r"self\._(local|forward|announce|interest|others) *[:=]"),
    Share("service/events.py", "EventHub.link"),
    Share("service/events.py", "EventHub.others_listen"),
    Share("service/events.py", "EventHub.deliver"),
    Share("service/events.py", "EventHub.publish", r"self\._local|_forward"),
    Share("service/events.py", "EventHub._changed", r"_announce|_interest|^            return"),
    Share("service/events.py", "EventHub._local_interest"),
    Share("service/directory.py", "Directory.apply_opt_in"),
    # tokens issued by another process
    Share("service/tokens.py", "TokenService.apply"),
    Share("service/tokens.py", "TokenService.refresh", r"spend_refresh"),
    Share("service/tokens.py", "TokenService.authenticate", r"isascii|find_grant|kept_until"),
    Share("domain/errors.py", "ReplicaTimeout"),
    # a store that goes away and comes back (only the Redis store does): 5xx answers, work kept and resumed
    Share("domain/errors.py", "StoreUnavailable"),
    Share("runtime.py", "", r"import StoreUnavailable|import Backoff, OutageLog"),
    Share("runtime.py", "tick_forever", r"OutageLog|StoreUnavailable|outage\.|backoff\."),
    Share("runtime.py", "_guarded", r"StoreUnavailable|^        raise$"),
    Share("service/engine.py", "Engine.run_due", r"except StoreUnavailable|put_back|^                raise$"),
    Share("service/gateway.py", "Gateway.check_store"),
    Share("service/gateway.py", "Gateway.close", r"suppress\(StoreUnavailable"),
    Share("service/ports.py", "Store.ping"),
    Share("http/admin.py", "health", r'check_store|except StoreUnavailable|"unavailable", 503|^    else:$'),
    Share("dialects/mobivate/dialect.py", "", r"isinstance\(error, StoreUnavailable\)"),
    Share("dialects/smsmode/http_api.py", "", r"isinstance\(error, StoreUnavailable\)"),
    Share("http/ui.py", "events", r"heard_everywhere"),
    Share("service/waits.py", "wait_for", r"heard_everywhere"),
    # ids and callbacks of several processes
    Share("service/engine.py", "Engine.restore", r"if not callbacks|_ids\.share|Restored\(jobs=jobs, callbacks=0\)"),
    Share("ids.py", "IdSource.share"),
    Share("ids.py", "SeededIds.share"),
    Share("ids.py", "", r"^SHARED_SLOTS"),
    # serve --workers: the settings, the worker's start, prometheus-client's multiprocess mode
    Share("cli.py", "", r"--redis-prefix|--workers"),
    Share("cli.py", "", r"^    \($|^    \),$"),  # --takeover-after, the one option that takes several lines
    Share("cli.py", "", r'"--takeover-after",$|^        "DURATION",$|on a shared store, when another'),
    Share("cli.py", "main", r"settings\.workers|import serve_workers|return serve_workers"),
    Share("cli.py", "", r"^Ready = "),
    Share("cli.py", "_serve", r"if ready is not None:$|ready\(port\)|^        else:$"),
    Share("config.py", "Settings", r"redis_prefix|takeover_after_s: float|workers: int"),
    Share("config.py", "Settings.validate_together", r"workers"),
    Share("config.py", "is_shared_store"),
    Share("config.py", "workers_problem"),
    Share("config_values.py", "setting_change", r'"workers"'),
    Share("config_values.py", "", r'^    "workers": Rule\('),
    Share("bootstrap.py", "build_store", r"is_shared_store|RedisStore|return redis, redis"),
    Share("bootstrap.py", "build_gateway", r"shared"),
    Share("bootstrap.py", "_shared_store"),
    Share("http/metrics.py", "", r"^(MULTIPROC_DIR|ACCEPTED_FLUSH_S) = |MultiProcessCollector$"),
    Share("http/metrics.py", "multiprocess_dir"),
    Share("http/metrics.py", "Metrics.__init__", r"if multiprocess_dir|self\.requests = Histogram\($|^        else:"),
    Share("http/metrics.py", "Metrics.__init__", r"REQUEST_LATENCY_HELP, _REQUEST_LABELS, buckets=|^            \)$"),
    Share("http/metrics.py", "Metrics.observer", r"histogram|series|nonlocal|observe\(seconds|return observe"),
    Share("http/metrics.py", "Metrics.flush_accepted"),
    Share("http/metrics.py", "Metrics.listening", r"flusher|failure"),
    Share("http/metrics.py", "Metrics.render", r"directory|every_worker|MultiProcessCollector"),
)


#: The whole-state persistence (opt-outs, runtime targets, grants, the clock, pending jobs and the providers' tallies
#: behind ports, kept by every store), counted apart from what it shares with the scale-out work.
PERSISTENCE = (
    *(Share(module, "") for module in ("domain/state.py", "domain/job.py", "service/state_ports.py")),
    *(Share(module, "") for module in ("service/clock_keeper.py", "service/directory.py")),
    *(Share(module, "") for module in ("storage/sqlite_state.py", "storage/clock_writes.py")),
    Share("service/ports.py", "JobJournal"),
    Share("storage/memory.py", "NoJournal"),
    Share("storage/sqlite.py", "SqliteJobJournal"),
    Share("storage/sqlite.py", "SqliteStore.journal"),
    Share("storage/one_process.py", "ProcessTallies"),
    Share("storage/one_process.py", "InMemoryState"),
    *(Share("storage/sqlite_schema.py", name) for name in ("_migrate_from_1", "_rewrite", "_oauth2", "_targets")),
    Share("storage/sqlite_schema.py", "_attempts"),
    *(Share("storage/sqlite_rows.py", f"{value}_to_row") for value in ("opt_out", "override", "grant")),
    *(Share("storage/sqlite_rows.py", f"row_to_{value}") for value in ("opt_out", "override", "grant")),
    Share("storage/sqlite_rows.py", "job_to_record"),
    Share("storage/sqlite_rows.py", "record_to_job"),
    Share("storage/sqlite_rows.py", "", r"^(JOB|OPT_OUT|TARGET|GRANT)_COLUMNS"),
)


def _scope(tree: ast.Module, dotted: str) -> ast.AST | None:
    node: ast.AST = tree
    for name in filter(None, dotted.split(".")):
        found = [n for n in getattr(node, "body", []) if getattr(n, "name", None) == name]
        if not found:
            return None
        node = found[0]
    return node


def part_lines(module: str, text: str, shares: tuple[Share, ...], missing: list[Share]) -> set[int]:
    """The code lines of ``module`` (a path under the package) that ``shares`` name; the entries whose definition
    is not there go to ``missing``."""
    code = code_line_set(text)
    tree = ast.parse(text)
    lines = text.splitlines()
    found: set[int] = set()
    for share in (s for s in shares if s.module == module):
        node = _scope(tree, share.scope)
        if node is None:
            missing.append(share)
            continue
        first, last = (1, len(lines)) if node is tree else (node.lineno, node.end_lineno)  # type: ignore[attr-defined]
        in_scope = {n for n in code if first <= n <= last}
        if share.pattern is None:
            found |= in_scope
        else:
            found |= {n for n in in_scope if re.search(share.pattern, lines[n - 1])}
    return found


def show_scale_out(package: Path) -> None:
    """Every line ``SCALE_OUT`` counts in a shared module, for a reader to check."""
    for module in sorted({share.module for share in SCALE_OUT}):
        text = (package / module).read_text()
        lines = text.splitlines()
        for number in sorted(part_lines(module, text, SCALE_OUT, [])):
            print(f"{module}:{number}: {lines[number - 1].strip()}")


def report_parts(package: Path) -> None:
    total = scale_out = persistence = 0
    missing: list[Share] = []
    for path in sorted(package.rglob("*.py")):
        module, text = str(path.relative_to(package)), path.read_text()
        code = code_line_set(text)
        scaling = code if module.startswith(SCALE_OUT_MODULES) else part_lines(module, text, SCALE_OUT, missing)
        total += len(code)
        scale_out += len(scaling)
        persistence += len(part_lines(module, text, PERSISTENCE, missing) - scaling)
    print(f"{package}: {total:,} code lines")
    print(f"  the scale-out work  {scale_out:6,}")
    print(f"  without it          {total - scale_out:6,}")
    print(f"    of which the whole-state persistence {persistence:,}, and the rest {total - scale_out - persistence:,}")
    for share in missing:  # expected in a tree from before this work; in this one, the tables are stale
        print(f"  not in this tree: {share.module} {share.scope}")


def report(package: Path) -> None:
    lines: Counter[str] = Counter()
    code: Counter[str] = Counter()
    modules = sorted(package.rglob("*.py"))
    for path in modules:
        parts = path.relative_to(package).parts
        folder = parts[0] if len(parts) > 1 else "(top level)"
        text = path.read_text()
        lines[folder] += len(text.splitlines())
        code[folder] += code_lines(text)
    print(f"{package}: {len(modules)} modules, {lines.total():,} lines, {code.total():,} code lines")
    for folder in sorted(lines):
        print(f"  {folder:12} {lines[folder]:6,} lines  {code[folder]:6,} code lines")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("packages", nargs="*", type=Path, default=[Path("mockgateway")])
    parser.add_argument("--parts", action="store_true", help="count the scale-out work apart")
    parser.add_argument("--show", action="store_true", help="with --parts: list the lines it counts in shared modules")
    args = parser.parse_args()
    for package in args.packages:
        (report_parts if args.parts else report)(package)
        if args.parts and args.show:
            show_scale_out(package)


if __name__ == "__main__":
    main()
