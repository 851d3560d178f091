"""``mockgateway scenarios check``: exit 0 with a summary per file, or exit 1 listing every problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockgateway.cli import main
from tests.scenarios.helpers import LIBRARY, SCHEMA_LINE, write


def test_check_of_the_library_summarises_each_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios", "check", str(LIBRARY)]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert [line.partition(":")[0] for line in lines] == [str(p) for p in sorted(LIBRARY.glob("*.yaml"))]
    assert f"{LIBRARY / 'happy.yaml'}: ok, 1 scenario: happy-path" in lines
    assert err == ""


def test_check_without_a_directory_checks_the_shipped_library(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios", "check"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == len(list(LIBRARY.glob("*.yaml")))


def test_check_of_one_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "one.yaml", f"{SCHEMA_LINE}\nscenarios:\n  - name: a\n  - name: b\n")
    assert main(["scenarios", "check", str(path)]) == 0
    assert capsys.readouterr().out == f"{path}: ok, 2 scenarios: a, b\n"


def test_check_lists_every_problem_of_every_file_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write(tmp_path, "bad.yaml", "scenarios:\n  - name: a\n    steps: [{status: gone, after: soon}]\n")
    worse = write(tmp_path, "worse.yaml", "scenarios: [\n")
    write(tmp_path, "fine.yaml", "scenarios:\n  - name: fine\n")
    assert main(["scenarios", "check", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        f"{bad}:3: scenarios[0].steps[0].status: 'gone' is not one of: sent, retrying, delivered, received, failed",
        f"{bad}:3: scenarios[0].steps[0].after: 'soon' is not a duration "
        "(use e.g. 30s, 5m, 2h, 3d, 1w, a number of seconds, or validity)",
        f"{worse}:2: (top level): not valid YAML: expected the node content, but found '<stream end>'",
        "3 problems in 2 file(s)",
    ]


def test_check_of_a_directory_without_scenario_files_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "notes.txt", "nothing here")
    assert main(["scenarios", "check", str(tmp_path)]) == 1
    assert "no scenario files" in capsys.readouterr().err


def test_scenarios_needs_a_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["scenarios"])
    assert caught.value.code == 2
    assert "check" in capsys.readouterr().err
