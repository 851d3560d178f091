"""The README's pytest example is this directory's test, word for word, so it is known to run."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def readme_snippet() -> str:
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## Testing with pytest\n", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def test_the_readme_example_is_the_tested_file() -> None:
    example = (Path(__file__).parent / "test_readme_example.py").read_text(encoding="utf-8")
    assert readme_snippet() == example
