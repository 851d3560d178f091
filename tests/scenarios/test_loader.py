"""Loading scenario files: the values they give, and a clear problem (file, line, key path) for every mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockgateway.domain.errors import ConfigError
from mockgateway.domain.model import MessageStatus
from mockgateway.scenario.loader import Problem, ScenarioError, load_dir, load_file, scenario_files
from mockgateway.scenario.model import VALIDITY, OnSend, Reply, Step
from tests.scenarios.helpers import SCHEMA_LINE, write

GOOD = f"""{SCHEMA_LINE}
scenarios:
  - name: everything
    description: every key once
    probability: 0.25
    match:
      destination: "+447700900001"
      destination_prefix: 4477009
      destination_regex: "^44"
      text_regex: "(?i)^otp"
      origin: "+447700900500"
      account: demo
      provider: livelink
    steps:
      - {{ status: sent, after: 1.5 }}
      - {{ status: retrying, after: 1m, reason: network_temporary, probability: 0.5 }}
      - {{ status: delivered, after: 500ms, part: 2 }}
      - {{ status: failed, at: validity, reason: validity_expired, code: DB65 }}
      - {{ status: received, after: validity, when: handset_ack }}
    replies:
      - {{ text: STOP, after: 30s, from: 447700900999, probability: 1 }}
    on_send: {{ latency: 2s }}
"""


def problems_of(path: Path) -> tuple[Problem, ...]:
    with pytest.raises(ScenarioError) as caught:
        load_dir(path) if path.is_dir() else load_file(path)
    return caught.value.problems


def test_a_valid_file_gives_scenario_values(tmp_path: Path) -> None:
    [scenario] = load_file(write(tmp_path, "good.yaml", GOOD))
    match = scenario.match
    assert (scenario.name, scenario.description, scenario.probability) == ("everything", "every key once", 0.25)
    assert (match.destination, match.destination_prefix, match.origin) == ("447700900001", "4477009", "+447700900500")
    assert match.destination_regex is not None
    assert match.destination_regex.pattern == "^44"
    assert match.text_regex is not None
    assert match.text_regex.search("OTP 1234")
    assert (match.account, match.provider) == ("demo", "livelink")
    assert scenario.steps == (
        Step(status=MessageStatus.SENT, after=1.5),
        Step(status=MessageStatus.RETRYING, after=60.0, reason="network_temporary", probability=0.5),
        Step(status=MessageStatus.DELIVERED, after=0.5, part=2),
        Step(status=MessageStatus.FAILED, at=VALIDITY, reason="validity_expired", code="DB65"),
        Step(status=MessageStatus.RECEIVED, after=VALIDITY, when="handset_ack"),
    )
    assert scenario.replies == (Reply(text="STOP", after=30.0, sender="447700900999", probability=1),)
    assert scenario.on_send == OnSend(latency=2.0)
    assert scenario.source == "good.yaml"


@pytest.mark.parametrize("respond", [502, 503, 504])
def test_a_send_may_be_answered_by_a_gateway_fault(tmp_path: Path, respond: int) -> None:
    body = f"scenarios:\n  - name: a\n    on_send: {{respond: {respond}, latency: 1s}}\n"
    [scenario] = load_file(write(tmp_path, "a.yaml", body))
    assert scenario.on_send == OnSend(respond=respond, latency=1.0)


def test_a_rate_limit_may_say_how_long_to_wait(tmp_path: Path) -> None:
    body = "scenarios:\n  - name: a\n    on_send: {respond: 429, retry_after: 2m}\n"
    [scenario] = load_file(write(tmp_path, "a.yaml", body))
    assert scenario.on_send == OnSend(respond=429, retry_after=120.0)


def test_numeric_codes_may_be_written_unquoted(tmp_path: Path) -> None:
    body = "scenarios:\n  - name: a\n    steps: [{status: failed, code: 4524}]\n"
    [scenario] = load_file(write(tmp_path, "a.yaml", body))
    assert scenario.steps[0].code == "4524"


def test_a_code_of_the_steps_kind_for_one_provider_is_accepted(tmp_path: Path) -> None:
    """Mobivate's 1 is DELIVERED, smsmode's 1 "in progress": a scenario for any provider may use either."""
    body = "scenarios:\n  - name: a\n    steps: [{status: delivered, code: 1}, {status: sent, code: 1}]\n"
    [scenario] = load_file(write(tmp_path, "a.yaml", body))
    assert [step.code for step in scenario.steps] == ["1", "1"]


def test_an_empty_scenario_list_is_valid(tmp_path: Path) -> None:
    assert load_file(write(tmp_path, "empty.yaml", "scenarios: []\n")) == ()


def test_directory_files_load_in_name_order_and_other_files_are_ignored(tmp_path: Path) -> None:
    for name in ("b.yaml", "a.yaml", "c.yml", ".hidden.yaml"):
        write(tmp_path, name, f"scenarios:\n  - name: from-{name}\n")
    write(tmp_path, "README.md", "not a scenario file")
    assert [p.name for p in scenario_files(tmp_path)] == ["a.yaml", "b.yaml", "c.yml"]
    assert [s.name for s in load_dir(tmp_path)] == ["from-a.yaml", "from-b.yaml", "from-c.yml"]


def test_scenario_error_is_a_config_error_and_says_every_problem_on_its_own_line(tmp_path: Path) -> None:
    body = "scenarios:\n  - name: a\n    colour: red\n  - name: b\n    steps: [{status: sent, after: soon}]\n"
    path = write(tmp_path, "two.yaml", body)
    with pytest.raises(ConfigError) as caught:
        load_file(path)
    assert str(caught.value).splitlines() == [
        f"{path}:3: scenarios[0].colour: unknown key "
        "(expected one of: name, description, probability, match, steps, replies, on_send)",
        f"{path}:5: scenarios[1].steps[0].after: 'soon' is not a duration "
        "(use e.g. 30s, 5m, 2h, 3d, 1w, a number of seconds, or validity)",
    ]


SCENARIO = "scenarios:\n  - name: s\n"

BROKEN = {
    "bad duration": (
        SCENARIO + "    steps:\n      - status: sent\n        after: 5 minutes\n",
        5,
        "scenarios[0].steps[0].after",
        "'5 minutes' is not a duration",
    ),
    "negative duration": (
        SCENARIO + "    replies: [{text: hi, after: -3}]\n",
        3,
        "scenarios[0].replies[0].after",
        "-3 is not a duration",
    ),
    "bad latency": (SCENARIO + "    on_send: {latency: fast}\n", 3, "scenarios[0].on_send.latency", "not a duration"),
    "unknown status": (
        SCENARIO + "    steps: [{status: pending}]\n",
        3,
        "scenarios[0].steps[0].status",
        "'pending' is not one of: sent, retrying, delivered, received, failed",
    ),
    "missing name": ("scenarios:\n  - description: nameless\n", 2, "scenarios[0].name", "required key is missing"),
    "empty name": ("scenarios:\n  - name: ''\n", 2, "scenarios[0].name", "must be a non-empty string"),
    "unknown reason": (
        SCENARIO + "    steps: [{status: failed, reason: timeout}]\n",
        3,
        "scenarios[0].steps[0].reason",
        "unknown reason 'timeout' (known: absent_subscriber,",
    ),
    "unknown code": (
        SCENARIO + "    steps: [{status: failed, code: ZZ99}]\n",
        3,
        "scenarios[0].steps[0].code",
        "unknown code 'ZZ99'",
    ),
    "code of another provider": (
        SCENARIO + "    match: {provider: smsmode}\n    steps: [{status: failed, code: DB62}]\n",
        4,
        "scenarios[0].steps[0].code",
        "unknown code 'DB62' for smsmode (known: ",
    ),
    "code and reason disagree": (
        SCENARIO + "    steps: [{status: failed, code: DB62, reason: no_credit}]\n",
        3,
        "scenarios[0].steps[0].code",
        "code 'DB62' means absent_subscriber or network_temporary, not no_credit",
    ),
    "retry with a final failure's code": (
        SCENARIO + "    steps:\n      - {status: sent}\n      - {status: retrying, code: 512}\n",
        5,
        "scenarios[0].steps[1].code",
        "code '512' is a final negative code of textapp: a retrying step needs a temporary code",
    ),
    "failure with a retry's code": (
        SCENARIO + "    steps: [{status: failed, code: 603}]\n",
        3,
        "scenarios[0].steps[0].code",
        "code '603' is a temporary code of textapp: a failed step needs a final negative code",
    ),
    "sent with the provider's delivered code": (
        SCENARIO + "    match: {provider: mobivate}\n    steps: [{status: sent, code: 1}]\n",
        4,
        "scenarios[0].steps[0].code",
        "code '1' is a final positive code of mobivate: a sent step needs a progress code",
    ),
    "failure without reason": (
        SCENARIO + "    steps:\n      - {status: retrying, after: 1s}\n",
        4,
        "scenarios[0].steps[0]",
        "a failed or retrying step needs a 'reason' or a 'code'",
    ),
    "after and at": (
        SCENARIO + "    steps: [{status: sent, after: 1s, at: 2s}]\n",
        3,
        "scenarios[0].steps[0]",
        "give either 'after' or 'at', not both",
    ),
    "part zero": (SCENARIO + "    steps: [{status: sent, part: 0}]\n", 3, "scenarios[0].steps[0].part", "minimum"),
    "bad regex": (
        SCENARIO + "    match:\n      text_regex: '(unclosed'\n",
        4,
        "scenarios[0].match.text_regex",
        "not a valid regular expression: missing )",
    ),
    "bad destination": (
        SCENARIO + "    match: {destination: '+44 7700 900001'}\n",
        3,
        "scenarios[0].match.destination",
        "must be a phone number",
    ),
    "unknown provider": (SCENARIO + "    match: {provider: twilio}\n", 3, "scenarios[0].match.provider", "'twilio'"),
    "probability above 1": (
        SCENARIO + "    probability: 1.5\n",
        3,
        "scenarios[0].probability",
        "1.5 must be a number from 0 to 1",
    ),
    "negative step probability": (
        SCENARIO + "    steps: [{status: sent, probability: -0.1}]\n",
        3,
        "scenarios[0].steps[0].probability",
        "must be a number from 0 to 1",
    ),
    "unknown key": (SCENARIO + "    colour: red\n", 3, "scenarios[0].colour", "unknown key (expected one of: name,"),
    "bad respond": (
        SCENARIO + "    on_send: {respond: 404}\n",
        3,
        "scenarios[0].on_send.respond",
        "404 is not one of: 201, 401, 403, 429, 500",
    ),
    "retry_after without a wait": (
        SCENARIO + "    on_send: {respond: 500, retry_after: 30s}\n",
        3,
        "scenarios[0].on_send.retry_after",
        "goes with on_send.respond 429 or 503 only",
    ),
    "bad retry_after": (
        SCENARIO + "    on_send: {respond: 429, retry_after: later}\n",
        3,
        "scenarios[0].on_send.retry_after",
        "not a duration",
    ),
    "respond with steps": (
        SCENARIO + "    on_send: {respond: 429}\n    steps: [{status: sent}]\n",
        4,
        "scenarios[0].steps",
        "has no effect: with on_send.respond 429 the message is never sent",
    ),
    "reply without text": (SCENARIO + "    replies: [{after: 1s}]\n", 3, "scenarios[0].replies[0].text", "required"),
    "duplicate key": ("scenarios:\n  - name: a\n    name: b\n", 3, "scenarios[0].name", "duplicate key"),
    "duplicate name": (
        "scenarios:\n  - name: twice\n  - name: once\n  - name: twice\n",
        4,
        "scenarios[2].name",
        "duplicate name 'twice' (first used at ",
    ),
    "scenarios not a list": ("scenarios: {name: a}\n", 1, "scenarios", "is not of type 'array'"),
    "no scenarios key": ("{}\n", 1, "scenarios", "required key is missing"),
    "not YAML": ("scenarios:\n  - name: [unclosed\n", 3, "(top level)", "not valid YAML"),
    "top level not a mapping": (
        "- name: a\n",
        1,
        "(top level)",
        "must be a mapping with a 'scenarios' list, not a list",
    ),
    "empty file": ("", 1, "(top level)", "not an empty file"),
}


@pytest.mark.parametrize(("body", "line", "key_path", "reason"), BROKEN.values(), ids=BROKEN.keys())
def test_broken_file_names_file_line_key_path_and_reason(
    tmp_path: Path, body: str, line: int, key_path: str, reason: str
) -> None:
    path = write(tmp_path, "broken.yaml", body)
    found = problems_of(path)
    assert [(p.file, p.line, p.path) for p in found] == [(str(path), line, key_path)], found
    assert reason in found[0].reason
    assert str(found[0]).startswith(f"{path}:{line}: {key_path}: ")


def test_every_problem_of_a_file_is_listed_once_in_line_order(tmp_path: Path) -> None:
    body = (
        "scenarios:\n"
        "  - name: a\n"
        "    steps: [{status: failed, reason: nope, after: later}]\n"
        "    match: {text_regex: '['}\n"
        "  - probability: 2\n"
    )
    found = problems_of(write(tmp_path, "many.yaml", body))
    assert [(p.line, p.path) for p in found] == [
        (3, "scenarios[0].steps[0].after"),
        (3, "scenarios[0].steps[0].reason"),
        (4, "scenarios[0].match.text_regex"),
        (5, "scenarios[1].name"),
        (5, "scenarios[1].probability"),
    ]


def test_duplicate_names_across_files_point_at_both(tmp_path: Path) -> None:
    first = write(tmp_path, "a.yaml", "scenarios:\n  - name: one\n  - name: shared\n")
    second = write(tmp_path, "b.yaml", "scenarios:\n  - name: shared\n")
    [problem] = problems_of(tmp_path)
    assert (problem.file, problem.line, problem.path) == (str(second), 2, "scenarios[0].name")
    assert problem.reason == f"duplicate name 'shared' (first used at {first}:3)"


def test_problems_of_every_file_are_listed_in_file_order(tmp_path: Path) -> None:
    write(tmp_path, "b.yaml", "scenarios: [{name: b, probability: 7}]\n")
    write(tmp_path, "a.yaml", "# comment\nscenarios: [{name: a, probability: 8}]\n")
    found = problems_of(tmp_path)
    assert [(Path(p.file).name, p.line) for p in found] == [("a.yaml", 2), ("b.yaml", 1)]


def test_a_missing_directory_is_a_problem(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_dir(tmp_path / "absent")
    [problem] = caught.value.problems
    assert str(problem) == f"{tmp_path / 'absent'}: not a directory"


def test_an_unreadable_file_is_a_problem(tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path / "absent.yaml")
    assert problem.file == str(tmp_path / "absent.yaml")
    assert "cannot read" in problem.reason
