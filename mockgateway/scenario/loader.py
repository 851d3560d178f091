"""Scenario files: YAML in, ``Scenario`` values out. Every problem names its file, line and key path.

Files of a directory are read in name order and their scenarios kept in file order: the first scenario that
matches a message wins (see ``model.ScenarioSet``).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from mockgateway.domain.errors import ConfigError
from mockgateway.scenario.build import KeyPath, Report, build_scenario, check_scenario
from mockgateway.scenario.model import Scenario

if TYPE_CHECKING:
    import jsonschema

SCHEMA_PATH = Path(__file__).with_name("schema.json")
SUFFIXES = (".yaml", ".yml")
TOP = "(top level)"


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int | None  #: 1-based; None when the problem is not at a place in the file
    path: str  #: key path such as ``scenarios[2].steps[0].after``
    reason: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.path}: {self.reason}" if self.path else f"{where}: {self.reason}"


class ScenarioError(ConfigError):
    """One or more scenario files are unusable; the message has one line per problem."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def shipped_dir() -> Path:
    """The library shipped with the package: ``mockgateway/scenarios`` (a link to ``scenarios/`` in a checkout)."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package / "scenarios", package.parent / "scenarios"):
        if candidate.is_dir():
            return candidate.resolve()
    return package / "scenarios"


def scenario_files(directory: Path) -> tuple[Path, ...]:
    """The scenario files of ``directory`` (``*.yaml``, ``*.yml``; hidden files skipped), sorted by name."""
    files = (p for p in directory.iterdir() if p.suffix in SUFFIXES and not p.name.startswith(".") and p.is_file())
    return tuple(sorted(files, key=lambda p: p.name))


def load_dir(path: Path, *, schema: bool = True) -> tuple[Scenario, ...]:
    """Every scenario of every file in ``path``, files in name order. Raises ``ScenarioError`` listing all problems.

    ``schema=False`` skips the JSON Schema check (the scenarios are still checked as they are built)."""
    if not path.is_dir():
        raise ScenarioError([Problem(str(path), None, "", "not a directory")])
    return _load(scenario_files(path), schema=schema)


def load_file(path: Path) -> tuple[Scenario, ...]:
    """The scenarios of one file. Raises ``ScenarioError`` listing all problems."""
    return _load((path,))


def _load(files: Sequence[Path], *, schema: bool = True) -> tuple[Scenario, ...]:
    problems: list[Problem] = []
    scenarios: list[Scenario] = []
    first_use: dict[str, str] = {}  #: scenario name -> where it is first given, as ``file:line``
    for file in files:
        problems += _read(file, schema, scenarios, first_use)
    if problems:
        raise ScenarioError(problems)  # file by file, as read
    return tuple(scenarios)


def _read(file: Path, schema: bool, scenarios: list[Scenario], first_use: dict[str, str]) -> list[Problem]:
    """The problems of ``file``, in line order; without any, its scenarios go to ``scenarios``. ``first_use``
    tells where each name was first given, in this file or one read before, so that a name given twice is a
    problem."""
    name = str(file)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return [Problem(name, None, "", f"cannot read: {error}")]
    try:
        data, root = _parse(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = None if mark is None else mark.line + 1
        return [Problem(name, line, TOP, f"not valid YAML: {error.problem or error}")]
    except yaml.YAMLError as error:
        return [Problem(name, None, TOP, f"not valid YAML: {error}")]
    if not isinstance(data, dict) or root is None:
        kind = "an empty file" if data is None else f"a {type(data).__name__}"
        return [Problem(name, 1, TOP, f"must be a mapping with a 'scenarios' list, not {kind}")]
    problems: list[Problem] = []

    def report(parts: KeyPath, reason: str) -> None:
        problems.append(Problem(name, _line(root, parts), _key_path(parts), reason))

    def report_new(parts: KeyPath, reason: str) -> None:
        # A value the schema already rejected would only be rejected again, less clearly.
        if all(p.path != _key_path(parts) for p in problems):
            report(parts, reason)

    _report_duplicate_keys(root, (), report, set())
    if schema:
        for invalid in _validator().iter_errors(data):
            for extra, reason in _explain(invalid):
                report((*invalid.absolute_path, *extra), reason)
    items = list(enumerate(data["scenarios"])) if isinstance(data.get("scenarios"), list) else []
    for index, raw in items:
        check_scenario(raw, ("scenarios", index), report_new)
    named = {index: raw for index, raw in items if isinstance(raw, dict) and isinstance(raw.get("name"), str)}
    for index, raw in named.items():
        where = ("scenarios", index, "name")
        if raw["name"] in first_use:
            report(where, f"duplicate name {raw['name']!r} (first used at {first_use[raw['name']]})")
        else:
            first_use[raw["name"]] = f"{name}:{_line(root, where)}"
    if not problems:
        scenarios.extend(build_scenario(raw, file.name) for raw in named.values())
    return sorted(problems, key=lambda problem: problem.line or 0)


def _parse(text: str) -> tuple[Any, yaml.Node | None]:
    # libyaml's loader is several times faster (start-up reads every file); a broken file is read again by the
    # pure-Python loader so problems are worded the same on every installation.
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        with contextlib.suppress(yaml.YAMLError):
            return _parse_with(fast, text)
    return _parse_with(yaml.SafeLoader, text)


def _parse_with(loader_class: Any, text: str) -> tuple[Any, yaml.Node | None]:
    loader = loader_class(text)
    try:
        root = loader.get_single_node()
        return (None if root is None else loader.construct_document(root)), root
    finally:
        loader.dispose()


# A lazily loaded constant, not a cache of state: the static schema, compiled once on first use.
@cache
def _validator() -> jsonschema.protocols.Validator:
    import jsonschema  # here: only user scenario files need it (see load_dir)

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def _explain(error: jsonschema.ValidationError) -> list[tuple[KeyPath, str]]:
    schema = error.schema if isinstance(error.schema, dict) else {}
    instance = error.instance
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        allowed = ", ".join(schema.get("properties", {}))
        extra = sorted(str(key) for key in instance if key not in schema.get("properties", {}))
        return [((key,), f"unknown key (expected one of: {allowed})") for key in extra]
    required = error.validator_value
    if error.validator == "required" and isinstance(instance, dict) and isinstance(required, list):
        missing = [str(key) for key in required if key not in instance]
        return [((key,), "required key is missing") for key in missing]
    if "errorMessage" in schema:
        message = str(schema["errorMessage"])
        if isinstance(instance, str | int | float | bool | None):
            message = f"{_show(instance)} {message}"
        return [((), message)]
    if error.validator == "enum" and isinstance(error.validator_value, list):
        return [((), f"{_show(instance)} is not one of: {', '.join(str(v) for v in error.validator_value)}")]
    return [((), error.message)]


def _report_duplicate_keys(node: yaml.Node, parts: KeyPath, report: Report, seen: set[int]) -> None:
    # PyYAML keeps the last of two equal keys without a word; a scenario file should say so.
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        keys: set[str] = set()
        for key, value in node.value:
            label = str(key.value)
            if label in keys:
                report((*parts, label), "duplicate key: only the last value would be used")
            keys.add(label)
            _report_duplicate_keys(value, (*parts, label), report, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _report_duplicate_keys(item, (*parts, index), report, seen)


def _line(root: yaml.Node, parts: KeyPath) -> int:
    """Line of the deepest node of ``parts`` present in the file (a key's own line for mapping entries)."""
    node, line = root, root.start_mark.line + 1
    for part in parts:
        if isinstance(node, yaml.MappingNode):
            # The last of repeated keys is the one YAML keeps.
            entry = next(((k, v) for k, v in reversed(node.value) if str(k.value) == str(part)), None)
            if entry is None:
                break
            line, node = entry[0].start_mark.line + 1, entry[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _key_path(parts: KeyPath) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or TOP


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
