"""`--bakkt-seeds`, `--bakkt-faults random` and pytest-xdist on a user's own suite (CONTRACT section 18).

The longest test comes first, so pytest-xdist hands it out before the short ones."""
from __future__ import annotations

import base64
import json
import re
import shlex
from html import unescape
from pathlib import Path
from xml.etree import ElementTree

import boto3
import pytest

from simulator.engine.clock import iso_nanos
from simulator.engine.streams import seeded_uuid
from simulator.sweep.plan import draw_profile
from simulator.testing.context import CONTROL, BakktContext, SandboxSettings
from simulator.testing.run_faults import RunFaults
from simulator.testing.runs import RunOptions

pytest_plugins = ("pytester",)

FEATURE = """\
Feature: A user's suite over seeds

  Scenario: A batch completes
    Given a sandbox with seed 7 at "2026-03-02T14:00:00Z"
    And a client "acme"
    And client "acme" has investors INV00001 to INV00001
    When "acme" opens a NOTIONAL batch "b1" for BTCUSD
    And "acme" allocates BUY "200" of BTCUSD to INV00001 as "a1" in batch "b1"
    And "acme" closes batch "b1" with 1 allocation
    And the clock advances to "2026-03-02T15:00:00Z"
    Then the batch "b1" is COMPLETE with 1 allocation

  Scenario: A batch just opened is wrongly expected closed
    Given a sandbox with seed 7 at "2026-03-02T14:00:00Z"
    And a client "acme"
    When "acme" opens a NOTIONAL batch "b2" for BTCUSD
    Then the batch "b2" is CLOSED with 0 allocations

  Scenario: No sandbox at all
    Given a step of the suite's own
"""
TESTS = '''\
from pytest_bdd import given, scenarios

from simulator.testing import BakktContext

scenarios("user.feature")


@given("a step of the suite's own")
def own_step() -> None:
    pass


def test_a_fixture_test(bakkt_context: BakktContext) -> None:
    bakkt_context.provision({"clientId": "acme"})


def test_without_the_sandbox() -> None:
    pass
'''
COMPLETES = "test_user.py::test_a_batch_completes"
EXPECTED_CLOSED = "test_user.py::test_a_batch_just_opened_is_wrongly_expected_closed"


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makefile(".feature", user=FEATURE)
    pytester.makepyfile(test_user=TESTS)
    return pytester


def collected(pytester: pytest.Pytester, *args: str) -> list[str]:
    result = pytester.runpytest("-p", "no:cacheprovider", "--collect-only", "-q", *args)
    return [line for line in result.outlines if "::" in line]


def test_xdist_writes_one_report_whatever_the_workers(suite: pytest.Pytester) -> None:
    """Two seeds, one of two scenarios failing: `-n 0` and `-n 2` give the same folder but for
    the timings, with every seeded test twice in each format."""
    folders = {}
    for workers in ("0", "2"):
        result = suite.runpytest("-p", "no:cacheprovider", "-n", workers, "--bakkt-seeds", "2", "--bakkt-faults", "random",
                                 "--bakkt-report", f"out{workers}")
        result.assert_outcomes(passed=6, failed=2)
        folders[workers] = suite.path / f"out{workers}"
    single, spread = folders["0"], folders["2"]
    assert files_of(single) == files_of(spread)
    attachments = [path for path in files_of(single) if path.startswith("attachments/")]
    assert len([path for path in attachments if path.endswith("/run.json")]) == 6
    for path in attachments:
        assert (single / path).read_bytes() == (spread / path).read_bytes(), path
    assert timeless_cucumber(single) == timeless_cucumber(spread)
    assert timeless_junit(single) == timeless_junit(spread)
    assert timeless_html(single) == timeless_html(spread)
    check_two_runs(spread)


ADDRESS = re.compile(r" at 0x[0-9a-f]+")
"""Where pytest's tracebacks print objects, their addresses differ from one run to the next."""


def files_of(folder: Path) -> list[str]:
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file())


def timeless_cucumber(folder: Path) -> str:
    text = ADDRESS.sub("", (folder / "cucumber.json").read_text(encoding="utf-8"))
    return re.sub(r'"duration": \d+', '"duration": 0', text)


def timeless_junit(folder: Path) -> str:
    text = ADDRESS.sub("", (folder / "junit.xml").read_text(encoding="utf-8"))
    return re.sub(r' (time|timestamp|hostname)="[^"]*"', "", text)


def timeless_html(folder: Path) -> tuple[str, object]:
    """The page around pytest-html's data, and the data, without the report's time, the run's
    duration and each row's."""
    page = (folder / "report.html").read_text(encoding="utf-8")
    blob = re.search(r'data-jsonblob="([^"]*)"', page)
    assert blob is not None
    data = json.loads(ADDRESS.sub("", unescape(blob.group(1))))
    for rows in data["tests"].values():
        for row in rows:
            row.pop("duration")
            row["resultsTableRow"] = [cell for cell in row["resultsTableRow"] if "col-duration" not in cell]
    around = page[: blob.start()] + page[blob.end() :]
    around = re.sub(r"Report generated on .* by", "", around)
    return re.sub(r"tests? took [^<]*", "", around), data


def check_two_runs(folder: Path) -> None:
    """Seeds 1 and 2 of each seeded test, in node id order, in each format; attachments embedded."""
    seeded = [COMPLETES, EXPECTED_CLOSED, "test_user.py::test_a_fixture_test"]
    cases = ElementTree.parse(folder / "junit.xml").getroot().iter("testcase")
    names = [f"test_user.py::{case.get('name')}" for case in cases]
    assert [name for name in names if "[bakkt-seed=" in name] == sorted(f"{t}[bakkt-seed={s}]" for t in seeded for s in (1, 2))
    [feature] = json.loads((folder / "cucumber.json").read_text(encoding="utf-8"))
    ids = [element["id"] for element in feature["elements"]]
    assert ids[:4] == [f"{name.split('::')[1]}[bakkt-seed={s}]" for name in seeded[:2] for s in (1, 2)]
    last_step = feature["elements"][0]["steps"][-1]
    run = next(e for e in last_step["embeddings"] if e["name"].endswith("/run.json"))
    assert json.loads(base64.b64decode(run["data"]))["seed"] == 1
    page = (folder / "report.html").read_text(encoding="utf-8")
    blob = re.search(r'data-jsonblob="([^"]*)"', page)
    assert blob is not None
    tests = json.loads(unescape(blob.group(1)))["tests"]
    assert sum("[bakkt-seed=" in test for test in tests) == 6
    assert not any("[gw" in row["log"] for rows in tests.values() for row in rows)


def test_each_test_with_a_sandbox_runs_once_per_seed(suite: pytest.Pytester) -> None:
    """Scenarios whose steps reach the sandbox and fixture tests get a seed each; a scenario of
    the suite's own steps and a test without the sandbox run once."""
    seeded = [COMPLETES, EXPECTED_CLOSED, "test_user.py::test_a_fixture_test"]
    once = ["test_user.py::test_no_sandbox_at_all", "test_user.py::test_without_the_sandbox"]
    expected = [f"{test}[bakkt-seed={seed}]" for test in seeded for seed in (4, 5, 6)] + once
    assert sorted(collected(suite, "--bakkt-seeds", "4-6")) == sorted(expected)
    assert sorted(collected(suite)) == sorted(seeded + once)


@pytest.mark.parametrize(("option", "problem"), [("0", "is not a number of runs"), ("9-3", "ends before it starts"),
                                                  ("x", "is not a range")])
def test_seeds_that_name_no_run_are_a_usage_error(suite: pytest.Pytester, option: str, problem: str) -> None:
    result = suite.runpytest("-p", "no:cacheprovider", "--bakkt-seeds", option)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*--bakkt-seeds {option}: expected N or A-B, such as 20 or 1-200 (*{problem}*"])


def test_the_runs_seed_replaces_the_features_and_the_report_says_so(suite: pytest.Pytester) -> None:
    result = suite.runpytest("-p", "no:cacheprovider", "--bakkt-seeds", "3-3", "--bakkt-report", "out", "-k", "completes")
    result.assert_outcomes(passed=1)
    [folder] = (suite.path / "out" / "attachments" / "test_user.py").iterdir()
    run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert (run["seed"], run["testSeed"], run["faults"]) == (3, 7, "none")
    assert run["summary"] == "seed 3 from --bakkt-seeds, in place of the test's own seed 7; no faults"
    assert run["rerun"] == f"python -m pytest '{COMPLETES}[bakkt-seed=3]'"
    events = [json.loads(line) for line in (folder / "events.jsonl").read_text(encoding="utf-8").splitlines()]
    batch_ids = {event["event"]["payload"]["request"]["batchTransactionId"] for event in events}
    assert batch_ids == {seeded_uuid(3, "b1")}


def test_a_failure_ends_with_the_command_that_reruns_just_it(suite: pytest.Pytester) -> None:
    result = suite.runpytest("-p", "no:cacheprovider", "--bakkt-seeds", "2", "--bakkt-faults", "random")
    result.assert_outcomes(passed=6, failed=2)
    command = f"python -m pytest '{EXPECTED_CLOSED}[bakkt-seed=2]' --bakkt-faults random"
    result.stdout.fnmatch_lines([
        "*bakkt run: rerun just this test with*",
        "seed 2 from --bakkt-seeds, in place of the test's own seed 7; random faults drawn from the seed",
        command,
    ])
    words = shlex.split(command)
    assert words[:3] == ["python", "-m", "pytest"]
    again = suite.runpytest("-p", "no:cacheprovider", *words[3:])
    again.assert_outcomes(failed=1)
    again.stdout.fnmatch_lines(["collected 1 item", command, "*short test summary info*",
                                f"FAILED {EXPECTED_CLOSED}[[]bakkt-seed=2[]]*"])


def test_random_faults_are_the_sweeps_profile_of_the_seed(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_faults='''
from simulator.sweep.plan import draw_profile
from simulator.domain.instruments import INSTRUMENTS


def test_profile(bakkt_sandbox, bakkt_run) -> None:
    profile = draw_profile(bakkt_run.seed, INSTRUMENTS)
    faults = bakkt_sandbox.core.faults
    assert (faults.fill_latency_ms, faults.fail_puts) == (profile.latency_ms, profile.fail_puts)
''')
    result = suite.runpytest("-p", "no:cacheprovider", "test_faults.py", "--bakkt-seeds", "1-3", "--bakkt-faults", "random")
    result.assert_outcomes(passed=3)


def test_the_clock_steps_make_each_outage_at_its_instant() -> None:
    """An advance through a window stops at both edges: the market has no quotes inside it and
    quotes again after it."""
    seed = next(seed for seed in range(1, 50) if any(w.symbol == "BTCUSD" for w in draw_profile(seed, ["BTCUSD"]).outages))
    start = "2026-03-02T14:00:00Z"
    opens, closes, *_ = [change for change in RunFaults.draw(seed, start).pending if change.path.endswith("/BTCUSD")]
    assert (opens.body, closes.body) == ({"outage": True}, {"outage": False})
    aws = boto3.session.Session(aws_access_key_id="sandbox", aws_secret_access_key="sandbox", region_name="us-east-1")
    context = BakktContext(SandboxSettings(seed, start), aws, RunOptions(faults="random"))
    try:
        context.advance({"to": iso_nanos(opens.at_ns + 1_000_000_000)}).expect(200)
        assert context.control("GET", f"{CONTROL}/market/BTCUSD").expect(200)["providers"] == []
        context.advance({"to": iso_nanos(closes.at_ns + 1_000_000_000)}).expect(200)
        assert context.control("GET", f"{CONTROL}/market/BTCUSD").expect(200)["providers"] != []
    finally:
        context.close()
