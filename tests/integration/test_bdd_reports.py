"""`--bakkt-report DIR` on a user's own suite: three reports, each scenario with its outputs attached."""
from __future__ import annotations

import base64
import json
import re
from html import unescape
from pathlib import Path
from xml.etree import ElementTree

import pytest

from simulator.testing import reports, scenario_reports

pytest_plugins = ("pytester",)

FEATURE = """\
Feature: Reports of a user's suite

  Scenario: A batch bought before the cutoff is settled at 09:00 CT
    Given a sandbox with seed 7 at "2026-03-02T14:00:00Z"
    And the market for BTCUSD is fixed at "43000.00" with a spread of 10 bps
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
"""
TESTS = 'from pytest_bdd import scenarios\n\nscenarios("user.feature")\n'
SETTLED = "test_a_batch_bought_before_the_cutoff_is_settled_at_0900_ct"
FAILED = "test_a_batch_just_opened_is_wrongly_expected_closed"
FOLDERS = {name: f"attachments/test_user.py/{name}" for name in (SETTLED, FAILED)}
SUMMARY = "files/acme/eod_settlement/2026-03-02settlement_summary.csv"
DETAIL = "files/acme/eod_settlement/2026-03-02settlement_detail.csv"
PUBLISHED = {
    SETTLED: [
        (1, "acme", "allocation/batch/1", "OPEN"),
        (2, "acme", "allocation/batch/1", "CLOSED"),
        (3, "acme", "allocation/batch/1", "COMPLETE"),  # the allocation
        (4, "acme", "allocation/batch/1", "COMPLETE"),  # the batch
    ],
    FAILED: [(1, "acme", "allocation/batch/1", "OPEN")],
}
ATTACHED = {SETTLED: ["events.jsonl", DETAIL, SUMMARY], FAILED: ["events.jsonl"]}


def test_a_run_writes_three_reports_each_scenario_with_its_attachments(pytester: pytest.Pytester) -> None:
    """One run of a user's suite: one scenario passes across the cutoff, the other fails."""
    pytester.makefile(".feature", user=FEATURE)
    pytester.makepyfile(test_user=TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider", "--bakkt-report", "reports")
    result.assert_outcomes(passed=1, failed=1)
    out = pytester.path / "reports"
    assert sorted(path.name for path in out.iterdir()) == ["attachments", "cucumber.json", "junit.xml", "report.html"]
    check_attachments_folder(out)
    check_cucumber_json(out)
    check_junit_xml(out)
    check_html_report(out)


def published(events_jsonl: bytes) -> list[tuple[int, str, str, str]]:
    """(seq, client, event_type, payload status) of each GET /sandbox/v1/events entry."""
    entries = [json.loads(line) for line in events_jsonl.decode("utf-8").splitlines()]
    return [(e["seq"], e["client"], e["event"]["event_type"], e["event"]["payload"]["status"]) for e in entries]


def check_attachments_folder(out: Path) -> None:
    for name, folder in FOLDERS.items():
        files = sorted(path.relative_to(out / folder).as_posix() for path in (out / folder).rglob("*.*"))
        assert files == sorted(ATTACHED[name])
        assert published((out / folder / "events.jsonl").read_bytes()) == PUBLISHED[name]
    assert "Net Settlement,200.00" in (out / FOLDERS[SETTLED] / SUMMARY).read_text(encoding="utf-8")


def check_cucumber_json(out: Path) -> None:
    """Embeddings ride on the last step; a failed scenario keeps them."""
    [feature] = json.loads((out / "cucumber.json").read_text(encoding="utf-8"))
    elements = {element["id"]: element for element in feature["elements"]}
    assert sorted(elements) == sorted(FOLDERS)
    for name, element in elements.items():
        statuses = {step["result"]["status"] for step in element["steps"]}
        assert statuses == ({"failed", "passed"} if name == FAILED else {"passed"})
        embedded = {e["name"]: e for e in element["steps"][-1]["embeddings"]}
        assert sorted(embedded) == sorted(f"{FOLDERS[name]}/{attachment}" for attachment in ATTACHED[name])
        events = embedded[f"{FOLDERS[name]}/events.jsonl"]
        assert events["mime_type"] == "application/x-ndjson"
        assert published(base64.b64decode(events["data"])) == PUBLISHED[name]
    [summary] = [e for e in elements[SETTLED]["steps"][-1]["embeddings"] if e["name"].endswith(SUMMARY)]
    assert summary["mime_type"] == "text/csv"
    assert base64.b64decode(summary["data"]) == (out / FOLDERS[SETTLED] / SUMMARY).read_bytes()


def check_junit_xml(out: Path) -> None:
    cases = {case.get("name"): case for case in ElementTree.parse(out / "junit.xml").getroot().iter("testcase")}
    assert sorted(cases) == sorted(FOLDERS)
    assert cases[FAILED].find("failure") is not None and cases[SETTLED].find("failure") is None
    for name, case in cases.items():
        paths = [p.get("value") for p in case.iter("property") if p.get("name") == scenario_reports.JUNIT_PROPERTY]
        assert paths == [f"{FOLDERS[name]}/{attachment}" for attachment in ATTACHED[name]]
        assert all((out / str(path)).is_file() for path in paths)


def check_html_report(out: Path) -> None:
    """pytest-html keeps its rows as JSON in the page: links in the Links column, contents inline."""
    page = (out / "report.html").read_text(encoding="utf-8")
    blob = re.search(r'id="data-container" data-jsonblob="([^"]*)"', page)
    assert blob is not None
    tests = json.loads(unescape(blob.group(1)))["tests"]
    for name, folder in FOLDERS.items():
        [row] = tests[f"test_user.py::{name}"]
        assert row["result"] == ("Failed" if name == FAILED else "Passed")
        links = {extra["name"]: extra["content"] for extra in row["extras"] if extra["format_type"] == "url"}
        assert links == {"events.jsonl": f"{folder}/events.jsonl", "attachments": f"{folder}/"}
        [shown] = [extra["content"] for extra in row["extras"] if extra["format_type"] == "html"]
        assert f"events.jsonl</a> ({len(PUBLISHED[name])} event" in shown and "allocation/batch/1" in shown
        assert all(f'href="{folder}/{attachment}"' in shown for attachment in ATTACHED[name])
    [settled] = tests[f"test_user.py::{SETTLED}"]
    assert "Net Settlement,200.00" in next(e["content"] for e in settled["extras"] if e["format_type"] == "html")


def test_without_pytest_html_the_option_says_what_to_install(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reports, "find_spec", lambda module: None)
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:html", "--bakkt-report", "out")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--bakkt-report writes report.html with pytest-html, which is not installed: "
                                 "pip install 'pytest-html>=4.1'"])
    assert not (pytester.path / "out").exists()


def test_a_folder_holding_something_else_is_not_cleared(pytester: pytest.Pytester) -> None:
    kept = pytester.path / "out" / "notes.txt"
    kept.parent.mkdir()
    kept.write_text("mine", encoding="utf-8")
    result = pytester.runpytest("-p", "no:cacheprovider", "--bakkt-report", "out")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*refusing to clear it (pick another folder)"])
    assert kept.read_text(encoding="utf-8") == "mine"
