#!/usr/bin/env python3
"""How big a tree of the package is: lines as ``wc -l`` counts them, and code lines (neither blank, nor only a
comment, nor part of a docstring), by folder. The figures of "Size" in ``docs/architecture.md``.

    .venv/bin/python bench/package_size.py [PACKAGE_DIR ...]    # default: mockgateway
    mkdir /tmp/before && git archive 283a73c mockgateway | tar -x -C /tmp/before
    .venv/bin/python bench/package_size.py /tmp/before/mockgateway mockgateway
"""

from __future__ import annotations

import argparse
import ast
import io
import tokenize
from collections import Counter
from pathlib import Path

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


def code_lines(text: str) -> int:
    docs = docstring_lines(ast.parse(text))
    lines: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type not in _NOT_CODE:
            lines.update(n for n in range(token.start[0], token.end[0] + 1) if n not in docs)
    return len(lines)


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
    for package in parser.parse_args().packages:
        report(package)


if __name__ == "__main__":
    main()
