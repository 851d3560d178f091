"""The repository's Dockerfile and .dockerignore, read so tests can check and repeat the image's steps."""

from __future__ import annotations

import fnmatch
import json
import shlex
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"


@dataclass(frozen=True)
class Instruction:
    keyword: str  #: upper case, e.g. ``COPY``
    args: str  #: the rest of the instruction, continuation lines joined

    def exec_form(self) -> list[str]:
        """Arguments written as a JSON array (``["mockgateway", "serve"]``)."""
        value = json.loads(self.args)
        assert isinstance(value, list), f"{self.keyword} {self.args}: not in exec (JSON array) form"
        assert all(isinstance(item, str) for item in value)
        return value

    def options(self) -> tuple[dict[str, str], str]:
        """Leading ``--name=value`` options, and what follows them."""
        found: dict[str, str] = {}
        rest = self.args
        while rest.startswith("--"):
            option, _, rest = rest.partition(" ")
            name, _, value = option[2:].partition("=")
            found[name] = value
            rest = rest.lstrip()
        return found, rest


def instructions(text: str) -> list[Instruction]:
    found: list[Instruction] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1].rstrip() + " "
            continue
        keyword, _, args = (pending + line).partition(" ")
        found.append(Instruction(keyword.upper(), args.strip()))
        pending = ""
    assert not pending, "the Dockerfile ends inside a continued line"
    return found


class Dockerfile:
    def __init__(self, text: str) -> None:
        self.instructions = instructions(text)

    @classmethod
    def of_repo(cls) -> Dockerfile:
        return cls(DOCKERFILE.read_text(encoding="utf-8"))

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    def one(self, keyword: str) -> Instruction:
        [instruction] = self.all(keyword)
        return instruction

    def env(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for instruction in self.all("ENV"):
            for pair in shlex.split(instruction.args):
                name, sep, value = pair.partition("=")
                assert sep, f"ENV {instruction.args}: use the NAME=value form"
                values[name] = value
        return values

    def copies(self) -> list[tuple[list[str], str]]:
        """``(sources, destination)`` of each COPY."""
        result = []
        for instruction in self.all("COPY"):
            options, rest = instruction.options()
            assert not options, f"COPY {instruction.args}: options are not repeated by the tests"
            *sources, destination = rest.split()
            result.append((sources, destination))
        return result


def ignore_patterns() -> list[str]:
    lines = DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]


def ignored(relative: PurePosixPath, patterns: list[str]) -> bool:
    """Whether Docker leaves ``relative`` (or a folder above it) out of the build context."""
    for pattern in patterns:
        assert not pattern.startswith("!"), "exceptions (!) are not repeated by the tests"
        wanted = PurePosixPath(pattern).parts
        if any(_match(wanted, relative.parts[: i + 1]) for i in range(len(relative.parts))):
            return True
    return False


def _match(pattern: tuple[str, ...], parts: tuple[str, ...]) -> bool:
    # Docker's rules: '*' stays within one path segment, '**' spans any number of them.
    if not pattern:
        return not parts
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        return any(_match(rest, parts[i:]) for i in range(len(parts) + 1))
    return bool(parts) and fnmatch.fnmatchcase(parts[0], head) and _match(rest, parts[1:])
