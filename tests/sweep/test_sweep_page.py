"""The sweep's report.html: rendered from sweep.json and runs.jsonl shapes, read in headless chromium.

The realistic page comes from 60 real runs of scenarios/quickstart.yaml
(seeds 1-30, random faults, two volatilities), written by the driver's
own `write_sweep`; the others from synthetic runs: every run passing, an
invariant broken, an interrupted sweep, no --vary, and 10,000 runs. Every
page opened is checked for what it must never do: reach the network, log
an error, or let anything overflow its box.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pytest
from browser_support import open_offline
from playwright.sync_api import Browser, Page

from simulator.replay.source import read_yaml
from simulator.sweep.execute import ScenarioSource, execute
from simulator.sweep.grid import grid_points, run_specs
from simulator.sweep.model import Metric, RunFailure, RunRecord, RunSpec, SweepArguments, Vary
from simulator.sweep.output import write_sweep
from simulator.sweep.page import MAX_SIGNATURES, render_sweep_page

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = "scenarios/quickstart.yaml"
VOLATILITY = "market.BTCUSD.volatility"
KEEP = 3


OVERFLOWS = """() => {
  const found = [];
  for (const element of document.querySelectorAll("body, body *")) {
    if (element instanceof SVGElement && !(element instanceof SVGSVGElement)) continue;
    if (element.clientWidth === 0 || getComputedStyle(element).overflowX !== "visible") continue;
    if (element.scrollWidth > element.clientWidth + 1) {
      found.push(`${element.tagName}.${element.className}: ${element.scrollWidth} > ${element.clientWidth}`);
    }
  }
  const page = document.documentElement;
  if (page.scrollWidth > page.clientWidth) found.push(`the page scrolls sideways: ${page.scrollWidth} > ${page.clientWidth}`);
  return found;
}"""


# the inputs: sweep.json as the driver composes it, runs.jsonl as RunRecord writes it


def sweep_arguments(seeds: range, vary: Mapping[str, tuple[str, ...]], faults: str = "random") -> SweepArguments:
    varies = tuple(Vary(path, values) for path, values in vary.items())
    return SweepArguments(SCENARIO, "quickstart", seeds, faults, varies, KEEP, points=tuple(grid_points(varies)))


def specs(arguments: SweepArguments) -> list[RunSpec]:
    """The runs in run order: seed first, then grid point."""
    return run_specs(arguments.seeds, arguments.points, arguments.faults)


def synthetic(spec: RunSpec, failures: tuple[RunFailure, ...] = ()) -> RunRecord:
    """A run with metrics shaped like the real ones, varying with the seed."""
    seed = spec.seed
    metrics: dict[str, Metric] = {} if any(f.kind == "crash" for f in failures) else {
        "requests": 40 + seed % 9, "status5xx": 0, "rejects": seed % 5, "fills": 2 + seed % 4,
        "fillVsMidBps": [round(5 + (seed * k) % 17 / 4, 2) for k in range(1, 3 + seed % 4)],
        "netSettlement": [0.0, round(900 + seed % 13 * 7.25, 2)],
    }  # fmt: skip
    return RunRecord(spec, failures, metrics)


def write(folder: Path, arguments: SweepArguments, records: Sequence[RunRecord], complete: bool = True) -> Path:
    """The sweep's folder as the driver writes it; returns its report.html."""
    write_sweep(folder, arguments, records, complete)
    return folder / "report.html"


REAL = sweep_arguments(range(1, 31), {VOLATILITY: ("0", "0.5")})
"""60 real runs: seeds 1-30 at volatility 0 and 0.5, faults drawn from each seed."""


@pytest.fixture(scope="module")
def real_records() -> list[RunRecord]:
    source = ScenarioSource(SCENARIO, read_yaml(ROOT / SCENARIO))
    return [execute(source, spec, keep_report=False) for spec in specs(REAL)]


@pytest.fixture(scope="module")
def realistic(real_records: list[RunRecord], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("realistic"), REAL, real_records)


INVARIANT = RunFailure("invariant", "invariant:coin-conserved", "invariant:coin-conserved: BTC: accounts hold 1.5, expected 1.4")
EXPECTATION = RunFailure("expectation", "steps[3].expect.status", "steps[3].expect: POST /x\nstatus: expected 200, actual 400")
CRASH = RunFailure("crash", "crash", "ZeroDivisionError: division by zero")


def mixed_records(arguments: SweepArguments) -> list[RunRecord]:
    """Mostly passing runs; every 7th seed fails an expectation, every 50th an invariant too, seed 13 crashes."""
    records = []
    for spec in specs(arguments):
        seed = spec.seed
        failures = (EXPECTATION,) * (seed % 7 == 0) + (INVARIANT,) * (seed % 50 == 0) + (CRASH,) * (seed == 13)
        records.append(synthetic(spec, failures))
    return records


TWO_VOLATILITIES = {VOLATILITY: ("0.1", "0.5")}


# the browser: the session's chromium (tests/conftest.py), shared with the replay's page tests


def show(browser: Browser, page_file: Path, check: Callable[[Page], None], width: int = 1280, permissions: Sequence[str] = ()) -> None:
    """Open the page, run `check` on it, then require it fits its boxes and stayed clean."""
    with open_offline(browser, page_file, width, permissions) as watched:
        check(watched.page)
        assert watched.page.evaluate(OVERFLOWS) == []
        watched.assert_clean()


def rate(page: Page) -> str:
    return page.locator(".rate b").inner_text()


def test_the_realistic_page_shows_the_pass_rate_and_every_signature_at_two_widths(browser: Browser, realistic: Path) -> None:
    summary = json.loads((realistic.parent / "sweep.json").read_text(encoding="utf-8"))

    def check(page: Page) -> None:
        assert page.locator(".verdict").inner_text() == "FAILED"
        assert page.locator(".rate").is_visible()
        assert rate(page) == f"{100 * summary['totals']['passed'] / 60:.1f}%"
        rows = page.locator("table.signatures tbody tr")
        assert rows.count() == len(summary["failures"]) > 1
        for number, failure in enumerate(summary["failures"]):
            row = rows.nth(number)
            assert row.locator("code").first.inner_text() == failure["signature"]
            assert row.locator(".command code").inner_text() == failure["reproduce"]
            assert row.locator(".command code").is_visible()
        assert page.locator("#metrics figure svg").count() == 6

    for width in (1400, 900):
        show(browser, realistic, check, width)


def test_the_realistic_page_gives_each_volatility_its_runs(browser: Browser, realistic: Path, real_records: list[RunRecord]) -> None:
    def check(page: Page) -> None:
        assert page.locator("#parameters h3").inner_text() == VOLATILITY
        rows = page.locator("#parameters table.values tbody tr")
        for number, value in enumerate(("0", "0.5")):
            passed = sum(1 for r in real_records if r.spec.sets == (f"{VOLATILITY}={value}",) and r.passed)
            cells = rows.nth(number).locator("td").all_inner_texts()
            assert [cells[0], *cells[2:5]] == [value, "30", str(passed), str(30 - passed)]

    show(browser, realistic, check)


def test_the_copy_button_gives_the_reproduction_command(browser: Browser, realistic: Path) -> None:
    def check(page: Page) -> None:
        row = page.locator("table.signatures tbody tr").first
        row.locator("button.copy").click()
        page.wait_for_function("document.querySelector('.command button.copy').textContent !== 'copy'")
        said = row.locator("button.copy").inner_text()
        command = row.locator(".command code").inner_text()
        if said == "copied":
            assert page.evaluate("navigator.clipboard.readText()") == command
        else:
            assert said == "selected: Ctrl+C"
            assert page.evaluate("window.getSelection().toString()") == command

    show(browser, realistic, check, permissions=("clipboard-read", "clipboard-write"))


def test_every_run_passing_with_no_vary_and_one_run(browser: Browser, tmp_path: Path) -> None:
    arguments = sweep_arguments(range(7, 8), {}, faults="none")
    page_file = write(tmp_path, arguments, [synthetic(spec) for spec in specs(arguments)])

    def check(page: Page) -> None:
        assert page.locator(".verdict").inner_text() == "PASSED"
        assert rate(page) == "100.0%"
        assert "1 of 1 runs passed" in page.locator(".rate").inner_text()
        assert page.locator("#failures").get_by_text("No run failed.").is_visible()
        assert page.locator("#parameters").get_by_text("No parameter was varied").is_visible()
        assert page.locator(".bug-note").count() == 0
        assert page.locator(".interrupted").count() == 0
        assert page.locator("#metrics figure svg").count() == 6

    show(browser, page_file, check)


def test_an_invariant_failure_stands_out(browser: Browser, tmp_path: Path) -> None:
    arguments = sweep_arguments(range(1, 101), TWO_VOLATILITIES)
    page_file = write(tmp_path, arguments, mixed_records(arguments))

    def check(page: Page) -> None:
        assert page.locator(".bug-note").is_visible()
        assert "4 runs broke an invariant" in page.locator(".bug-note").inner_text()
        assert page.locator(".tallies li.bug").inner_text().startswith("4 invariant")
        bug = page.locator("table.signatures tr.invariant")
        assert bug.count() == 1
        assert "invariant:coin-conserved" in bug.inner_text()
        assert bug.locator(".kind-invariant").inner_text() == "invariant: sandbox bug"
        assert bug.locator(".folders a").first.get_attribute("href") == "failures/invariant-coin-conserved/50-1/report.html"
        crash = page.locator("table.signatures tr.crash")
        assert crash.locator(".folders a").all_inner_texts() == ["seed 13, point 1", "seed 13, point 2"]
        assert crash.locator(".folders a").first.get_attribute("href") == "failures/crash/13-1/traceback.txt"
        assert "2 runs without metrics" in page.locator("#metrics .note").first.inner_text()

    show(browser, page_file, check)


def test_an_interrupted_sweep_says_so(browser: Browser, tmp_path: Path) -> None:
    arguments = sweep_arguments(range(1, 101), TWO_VOLATILITIES)
    page_file = write(tmp_path, arguments, mixed_records(arguments)[:80], complete=False)

    def check(page: Page) -> None:
        banner = page.locator(".interrupted")
        assert banner.is_visible()
        assert "stopped after 80 of 200 planned runs" in banner.inner_text()
        assert "(interrupted)" in page.title()

    show(browser, page_file, check)


def test_an_interrupted_sweep_before_any_run_finished(browser: Browser, tmp_path: Path) -> None:
    page_file = write(tmp_path, sweep_arguments(range(1, 101), {}), [], complete=False)

    def check(page: Page) -> None:
        assert page.locator(".verdict").inner_text() == "NO RUNS"
        assert page.locator("#failures").get_by_text("No run finished.").is_visible()
        assert page.locator("#metrics").get_by_text("No run recorded metrics.").is_visible()

    show(browser, page_file, check)


def test_ten_thousand_runs_give_a_page_of_bounded_size(browser: Browser, tmp_path: Path) -> None:
    small = sweep_arguments(range(1, 51), TWO_VOLATILITIES)
    large = sweep_arguments(range(1, 5_001), TWO_VOLATILITIES)
    small_page = write(tmp_path / "small", small, mixed_records(small))
    large_page = write(tmp_path / "large", large, mixed_records(large))
    assert len(specs(large)) == 10_000
    assert large_page.stat().st_size < 1.5 * small_page.stat().st_size

    def check(page: Page) -> None:
        assert "10,000 runs" in page.locator("h1").inner_text()
        assert page.locator("table.signatures tbody tr").count() == 3

    show(browser, large_page, check)


def test_signatures_past_the_limit_are_counted_not_listed(tmp_path: Path) -> None:
    arguments = sweep_arguments(range(1, MAX_SIGNATURES + 31), {})
    records = [
        synthetic(spec, (RunFailure("expectation", f"steps[{spec.seed}].expect.status", "status: expected 200, actual 400"),))
        for spec in specs(arguments)
    ]
    html = write(tmp_path, arguments, records).read_text(encoding="utf-8")
    assert html.count('<button type="button" class="copy">') == MAX_SIGNATURES
    assert "30 more signatures, with fewer failing runs, are in" in html


def test_the_same_inputs_give_the_same_bytes(real_records: list[RunRecord], realistic: Path) -> None:
    summary = json.loads((realistic.parent / "sweep.json").read_text(encoding="utf-8"))
    runs = [json.loads(line) for line in (realistic.parent / "runs.jsonl").read_text(encoding="utf-8").splitlines()]
    assert render_sweep_page(summary, runs) == realistic.read_text(encoding="utf-8")
