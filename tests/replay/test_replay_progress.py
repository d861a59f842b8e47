"""What a replay shows while it runs: the progress callback, the bar, --quiet and --verbose."""
from __future__ import annotations

import io
import os
import pty
import select
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from simulator.cli import main
from simulator.engine.clock import iso_millis
from simulator.replay import load_scenario, run_scenario
from simulator.replay.progress import ReplayProgress
from simulator.replay.terminal import LABEL_WIDTH, Verbosity, replay_display, running_in_ci, shortened

TINY = """\
version: 1
name: tiny
seed: 1
start: "2026-03-02T14:00:00Z"
clients:
  acme:
    accounts:
      - {count: 1, prefix: INV, holdings: {BTC: "0.25"}}
steps:
  - request: {method: GET, path: /apex-crypto/api/status}
    expect: {status: STATUS}
  - at: "2026-03-02T15:00:00Z"
    as: acme
    request: {method: GET, path: /apex-crypto/api/v2/positions/INV00001}
  - advance: {seconds: 1}
"""

CALL_LOG = """\
2026-03-02T14:00:00.000Z  clients.acme             201  POST /sandbox/v1/clients
2026-03-02T14:00:00.000Z  clients.acme.accounts[0] 201  POST /sandbox/v1/clients/acme/accounts
2026-03-02T14:00:00.000Z  steps[0]                 200  GET /apex-crypto/api/status
2026-03-02T15:00:00.000Z  steps[1].at              200  POST /sandbox/v1/clock/advance
2026-03-02T15:00:00.000Z  steps[1].as              200  POST /apex-crypto/api/v2/login
2026-03-02T15:00:00.000Z  steps[1]                 200  GET /apex-crypto/api/v2/positions/INV00001
2026-03-02T15:00:01.000Z  steps[2].advance         200  POST /sandbox/v1/clock/advance
"""


def tiny(folder: Path, status: int = 200) -> Path:
    path = folder / "tiny.yaml"
    path.write_text(TINY.replace("STATUS", str(status)), encoding="utf-8")
    return path


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, ["replay", *map(str, args)], catch_exceptions=False)


class Terminal(io.StringIO):
    """A stream that says it is a terminal, as stderr does in an interactive shell."""

    def isatty(self) -> bool:
        return True


def test_the_progress_callback_hears_the_setup_then_every_step(tmp_path: Path) -> None:
    heard: list[ReplayProgress] = []
    result = run_scenario(load_scenario(tiny(tmp_path)), progress=heard.append)
    assert [(stage.where, stage.done, stage.total) for stage in heard] == [
        ("setup", 0, 3),
        ("steps[0]", 1, 3),
        ("steps[1]", 2, 3),
        ("steps[2]", 3, 3),
    ]
    assert [iso_millis(stage.now_ns) for stage in heard] == [
        "2026-03-02T14:00:00.000Z",
        "2026-03-02T14:00:00.000Z",
        "2026-03-02T15:00:00.000Z",
        "2026-03-02T15:00:01.000Z",
    ]
    assert [record for stage in heard for record in stage.requests] == list(result.requests)
    assert [record.where for record in heard[2].requests] == ["steps[1].at", "steps[1].as", "steps[1]"]


@pytest.mark.parametrize(
    ("environ", "in_ci"),
    [
        ({}, False),
        ({"CI": ""}, False),
        ({"CI": "false"}, False),
        ({"CI": "FALSE"}, False),
        ({"CI": "0"}, False),
        ({"CI": "true"}, True),
        ({"CI": "1"}, True),
        ({"CI": "yes"}, True),
    ],
    ids=["unset", "empty", "false", "FALSE", "zero", "true", "one", "other"],
)
def test_ci_is_any_non_empty_value_but_false_or_0(environ: dict[str, str], in_ci: bool) -> None:
    assert running_in_ci(environ) is in_ci


def test_on_a_terminal_the_bar_shows_steps_simulated_time_and_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    scenario = load_scenario(tiny(tmp_path))
    terminal = Terminal()
    with replay_display(scenario, Verbosity.NORMAL, terminal, {}) as display:
        run_scenario(scenario, progress=display.progress)
        display.writing_report(tmp_path / "report")
    drawn = terminal.getvalue()
    assert drawn.endswith("\x1b[?25h\n"), "the cursor comes back and the line is kept"
    frames = [frame for frame in drawn.removesuffix("\x1b[?25h\n").split("\r\x1b[?25l") if frame]
    assert len({len(frame) for frame in frames}) == 1, "the bar keeps its width"
    shown = [" ".join(frame.split()) for frame in frames]
    assert shown == [
        "tiny [------------------------------] setting up sim 2026-03-02T14:00:00Z",
        "tiny [------------------------------] set up sim 2026-03-02T14:00:00Z",
        "tiny [##########--------------------] step 1/3 sim 2026-03-02T14:00:00Z",
        "tiny [####################----------] step 2/3 sim 2026-03-02T15:00:00Z",
        "tiny [##############################] step 3/3 sim 2026-03-02T15:00:01Z",
        "tiny [##############################] writing report sim 2026-03-02T15:00:01Z",
        "tiny [##############################] report written sim 2026-03-02T15:00:01Z",
    ]


def test_a_long_scenario_name_is_cut_to_leave_the_bar_room() -> None:
    assert shortened("week-net-settlement") == "week-net-settlement"
    cut = shortened("a-very-long-scenario-name-for-a-regression")
    assert len(cut) == LABEL_WIDTH
    assert cut == "a-very-long-scenario-..."


@pytest.mark.parametrize(
    ("verbosity", "environ"),
    [(Verbosity.QUIET, {}), (Verbosity.NORMAL, {"CI": "true"})],
    ids=["quiet", "ci"],
)
def test_no_bar_on_a_terminal_when_quiet_or_in_ci(tmp_path: Path, verbosity: Verbosity, environ: dict[str, str]) -> None:
    scenario = load_scenario(tiny(tmp_path))
    terminal = Terminal()
    with replay_display(scenario, verbosity, terminal, environ) as display:
        run_scenario(scenario, progress=display.progress)
        display.writing_report(tmp_path / "report")
    assert terminal.getvalue() == ""


def test_without_a_terminal_stderr_stays_empty_and_stdout_has_the_summary(tmp_path: Path) -> None:
    result = invoke(tiny(tmp_path), "--out", tmp_path / "report")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout.startswith("scenario  tiny (")
    assert result.stdout.rstrip().endswith("PASSED")


def test_quiet_prints_nothing_when_the_replay_passes(tmp_path: Path) -> None:
    result = invoke(tiny(tmp_path), "--quiet", "--out", tmp_path / "report")
    assert result.exit_code == 0
    assert result.output == ""
    assert (tmp_path / "report" / "summary.json").is_file()


def test_quiet_prints_the_summary_with_its_failures_when_the_replay_fails(tmp_path: Path) -> None:
    result = invoke(tiny(tmp_path, status=404), "-q", "--out", tmp_path / "report")
    assert result.exit_code == 1
    assert result.stderr == ""
    assert f"report    {tmp_path / 'report'}" in result.stdout
    assert "FAILED: 1 expectation did not hold\n  steps[0].expect\n" in result.stdout
    assert "status: expected 404, actual 200" in result.stdout


def test_quiet_still_reports_an_invalid_scenario(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("version: 1\nname: broken\nseed: seven\n", encoding="utf-8")
    result = invoke(path, "--quiet")
    assert result.exit_code == 2
    assert f"{path}: seed: must be a whole number" in result.stderr


def test_verbose_logs_every_call_to_stderr_and_keeps_the_summary_on_stdout(tmp_path: Path) -> None:
    report = tmp_path / "report"
    result = invoke(tiny(tmp_path), "--verbose", "--out", report)
    assert result.exit_code == 0
    assert result.stderr == CALL_LOG + f"writing the report to {report}\n"
    assert result.stdout == invoke(tiny(tmp_path), "--out", report).stdout


def test_quiet_and_verbose_together_are_a_usage_error(tmp_path: Path) -> None:
    result = invoke(tiny(tmp_path), "-q", "-v", "--out", tmp_path / "report")
    assert result.exit_code == 2
    assert "Error: --quiet and --verbose cannot be used together" in result.stderr
    assert "Usage: main replay [OPTIONS] SCENARIO.yaml" in result.stderr
    assert not (tmp_path / "report").exists()


def test_help_explains_progress_quiet_and_verbose() -> None:
    result = CliRunner().invoke(main, ["replay", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "a progress bar on stderr shows the step reached and its simulated time" in text
    assert "pipes and CI logs (the CI variable set) get none" in text
    assert "-q, --quiet Print nothing when every expectation holds" in text
    assert "-v, --verbose Log each call to stderr as it runs" in text


def replay_on_a_terminal(scenario: Path, out: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, bytes]:
    """Run `bakkt-sim replay` with stderr on a pseudo-terminal: the exit status and what the terminal got."""
    leader, follower = pty.openpty()
    with open(follower, "w", encoding="utf-8") as terminal, monkeypatch.context() as patch:
        assert terminal.isatty()
        patch.setattr(sys, "stderr", terminal)
        status = main.main(["replay", str(scenario), "--out", str(out)], standalone_mode=False)
    drawn = bytearray()
    while select.select([leader], [], [], 0)[0]:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # everything written was read, and the terminal's other end is closed
            break
        drawn += chunk
    os.close(leader)
    return status, bytes(drawn)


def test_a_real_terminal_gets_the_bar_on_stderr_and_ci_true_removes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = tiny(tmp_path)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("COLUMNS", "100")
    status, drawn = replay_on_a_terminal(scenario, tmp_path / "a", monkeypatch)
    assert status == 0
    assert b"tiny  [###" in drawn
    assert b"step 3/3" in drawn
    assert b"report written  sim 2026-03-02T15:00:01Z" in drawn
    stdout = capsys.readouterr().out
    assert stdout.startswith("scenario  tiny (") and stdout.rstrip().endswith("PASSED")

    monkeypatch.setenv("CI", "true")
    status, drawn_in_ci = replay_on_a_terminal(scenario, tmp_path / "b", monkeypatch)
    assert status == 0
    assert drawn_in_ci == b""
    assert capsys.readouterr().out == stdout.replace(str(tmp_path / "a"), str(tmp_path / "b"))
