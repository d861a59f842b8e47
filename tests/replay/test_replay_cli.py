"""`bakkt-sim replay` end to end: exit codes, messages, and the report folder."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from simulator.cli import main
from simulator.replay import source

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"

VALID_HEAD = """\
version: 1
name: tiny
seed: 1
clients:
  acme: {}
"""


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, ["replay", *map(str, args)], catch_exceptions=False)


def write_scenario(folder: Path, text: str) -> Path:
    path = folder / "case.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ("name: tiny\n", "", "version: required key is missing"),
        ("version: 1\nname: tiny\nseed: seven\n", "seed", "must be a whole number, not a string"),
        ("version: 2\nname: tiny\n", "version", "must be 1"),
        (VALID_HEAD + "steps:\n  - sleep: 5\n", "steps[0]", "unknown step kind (found: sleep)"),
        (
            VALID_HEAD + "steps:\n  - request: {method: PUT, path: /x}\n",
            "steps[0].request.method",
            "must be one of GET, POST",
        ),
        (
            VALID_HEAD + "steps:\n  - as: acne\n    request: {method: GET, path: /x}\n",
            "steps[0].as",
            "unknown client 'acne'; the scenario's clients are: acme",
        ),
        (
            VALID_HEAD + "steps:\n  - request: {method: GET, path: /x}\n    expect: {stauts: 200}\n",
            "steps[0].expect.stauts",
            "unknown key; expected one of body, status",
        ),
        (
            VALID_HEAD + "steps:\n  - request: {method: GET, path: '/x/${batch:b1}'}\n",
            "steps[0].request.path",
            "unknown placeholder ${batch:b1}",
        ),
        (
            VALID_HEAD + "steps:\n  - control: {method: POST, path: /apex-crypto/api/v2/login}\n",
            "steps[0].control.path",
            "must start with /sandbox/v1/",
        ),
        (VALID_HEAD + "steps:\n  - advance: {}\n", "steps[0].advance", "give exactly one of"),
        (
            VALID_HEAD + "steps:\n  - at: 2026-13-40T00:00:00Z\n    request: {method: GET, path: /x}\n",
            "steps[0].at",
            "is not an ISO-8601 instant",
        ),
        (
            VALID_HEAD + "expect:\n  events:\n    - {client: acme, count: -1}\n",
            "expect.events[0].count",
            "must be at least 0",
        ),
    ],
    ids=[
        "missing-version",
        "wrong-type",
        "wrong-version",
        "unknown-step-kind",
        "bad-method",
        "unknown-client",
        "unknown-key",
        "bad-placeholder",
        "control-outside-control-api",
        "empty-advance",
        "bad-instant",
        "negative-count",
    ],
)
def test_an_invalid_scenario_exits_2_naming_the_file_and_the_key(
    tmp_path: Path, text: str, key: str, problem: str
) -> None:
    path = write_scenario(tmp_path, text)
    result = invoke(path, "--out", tmp_path / "report")
    assert result.exit_code == 2
    prefix = f"{path}: {key}: " if key else f"{path}: "
    assert prefix in result.stderr
    assert problem in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "report").exists()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("version: 1\nname: [unclosed\n", "line 3, column 1: YAML syntax error"),
        ("version: 1\nname: a\nname: b\n", "YAML syntax error: duplicate key 'name'"),
        ("", "is empty"),
    ],
    ids=["syntax", "duplicate-key", "empty"],
)
@pytest.mark.parametrize("loaders", [source.LOADERS, [source.StrictLoader]], ids=["as-installed", "without-libyaml"])
def test_unreadable_yaml_exits_2_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, problem: str, loaders: list[type[yaml.SafeLoader]]
) -> None:
    monkeypatch.setattr(source, "LOADERS", loaders)
    path = write_scenario(tmp_path, text)
    result = invoke(path)
    assert result.exit_code == 2
    assert f"{path}: " in result.stderr
    assert problem in result.stderr


@pytest.mark.parametrize("scenario", sorted(SCENARIOS.glob("*.yaml")), ids=lambda path: path.stem)
def test_every_loader_reads_a_scenario_alike(scenario: Path) -> None:
    text = scenario.read_text(encoding="utf-8")
    documents = [yaml.load(text, Loader=loader) for loader in source.LOADERS]
    assert len(source.LOADERS) == 2  # PyYAML's wheels carry libyaml
    assert documents[0] == documents[1]


def test_an_out_folder_that_cannot_be_made_exits_2_naming_it(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = invoke(SCENARIOS / "session-expiry.yaml", "--out", blocker / "report")
    assert result.exit_code == 2
    assert "--out: cannot write the report:" in result.stderr
    assert "Traceback" not in result.output


def test_a_missing_file_exits_2_naming_it(tmp_path: Path) -> None:
    result = invoke(tmp_path / "nowhere.yaml")
    assert result.exit_code == 2
    assert f"{tmp_path / 'nowhere.yaml'}: no such file" in result.stderr


@pytest.mark.parametrize("scenario", sorted(SCENARIOS.glob("*.yaml")), ids=lambda path: path.stem)
def test_every_shipped_scenario_passes(scenario: Path, tmp_path: Path) -> None:
    result = invoke(scenario, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith("PASSED")
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["passed"] is True
    assert summary["failures"] == []
    assert summary["counts"]["requests"] == len((tmp_path / "requests.jsonl").read_text().splitlines())
    assert summary["counts"]["events"] == len((tmp_path / "events.jsonl").read_text().splitlines())


def test_shipped_scenarios_are_found() -> None:
    assert (SCENARIOS / "quickstart.yaml") in SCENARIOS.glob("*.yaml")
    assert len(list(SCENARIOS.glob("*.yaml"))) >= 4


FAILING = VALID_HEAD + """\
market:
  BTCUSD: {price: "43000.00", volatility: 0, spreadBps: 10}
steps:
  - as: acme
    request:
      method: POST
      path: /apex-crypto/api/v2/allocation/trade/batch/open
      body: {batchTransactionId: "${uuid:b}", symbol: BTCUSD, type: NOTIONAL}
    expect: {status: 200, body: {status: CLOSED, allocations: "0.00"}}
  - as: acme
    request: {method: GET, path: "/apex-crypto/api/v2/allocation/trade/batch/${uuid:nope}"}
    expect: {status: 200}
expect:
  events:
    - {client: acme, match: {status: COMPLETE}}
"""


def test_a_failing_expectation_exits_1_showing_expected_beside_actual(tmp_path: Path) -> None:
    result = invoke(write_scenario(tmp_path, FAILING), "--out", tmp_path / "report")
    assert result.exit_code == 1
    assert "FAILED: 3 expectations did not hold" in result.output
    assert (
        "  steps[0].expect\n"
        "    POST /apex-crypto/api/v2/allocation/trade/batch/open\n"
        '    body.status: expected "CLOSED", actual "OPEN"\n'
        "    answer: "
    ) in result.output
    assert "body.allocations" not in result.output  # "0.00" equals 0 by value
    assert "steps[1].expect" in result.output
    assert "status: expected 200, actual 400" in result.output
    assert '"message": "Invalid batchTransactionId"' in result.output
    assert "expect.events[0]" in result.output
    assert 'at least 1 event of acme (any type) matching {"status": "COMPLETE"}, found 0 among 1' in result.output
    assert 'payload.status: expected "COMPLETE", actual "OPEN"' in result.output
    summary = json.loads((tmp_path / "report" / "summary.json").read_text())
    assert summary["passed"] is False
    wheres = [failure["where"] for failure in summary["failures"]]
    assert wheres == ["steps[0].expect", "steps[1].expect", "expect.events[0]"]


def test_seed_option_overrides_the_file_and_changes_the_ids(tmp_path: Path) -> None:
    scenario = SCENARIOS / "count-mismatch.yaml"
    assert invoke(scenario, "--out", tmp_path / "a").exit_code == 0
    assert invoke(scenario, "--seed", "12345", "--out", tmp_path / "b").exit_code == 0
    assert json.loads((tmp_path / "b" / "summary.json").read_text())["seed"] == 12345
    assert (tmp_path / "a" / "events.jsonl").read_bytes() != (tmp_path / "b" / "events.jsonl").read_bytes()


def test_the_report_folder_is_cleared_but_only_when_it_holds_a_report(tmp_path: Path) -> None:
    out = tmp_path / "report"
    out.mkdir()
    (out / "stale.txt").write_text("left over")
    refused = invoke(SCENARIOS / "session-expiry.yaml", "--out", out)
    assert refused.exit_code == 2
    assert "refusing to clear it" in refused.stderr
    assert (out / "stale.txt").exists()
    (out / "summary.json").write_text("{}")
    assert invoke(SCENARIOS / "session-expiry.yaml", "--out", out).exit_code == 0
    assert not (out / "stale.txt").exists()
    assert json.loads((out / "summary.json").read_text())["scenario"] == "session-expiry"


def test_help_explains_the_exit_codes() -> None:
    result = CliRunner().invoke(main, ["replay", "--help"])
    assert result.exit_code == 0
    assert "2  the scenario is invalid" in result.output
    assert "--seed" in result.output and "--out DIR" in result.output
