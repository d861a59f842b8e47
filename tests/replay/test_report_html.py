"""report.html in a real browser: it opens offline, raises no console error, and its parts work.

The page is the report of a real replay (scenarios/quickstart.yaml): two
completed batches, two rejected at open, every allocate reject, and two days
of settlement files for two clients. The browser is the session's
(tests/conftest.py) and the page is opened and watched by browser_support,
shared with the sweep's page tests.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import Watched, open_offline
from playwright.sync_api import Browser, Page

from simulator.replay import load_scenario, run_scenario, write_report

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "quickstart.yaml"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("quickstart-report")
    write_report(run_scenario(load_scenario(SCENARIO)), out)
    return out


@pytest.fixture
def opened(browser: Browser, report_dir: Path) -> Iterator[Watched]:
    with open_offline(browser, report_dir / "report.html") as watched:
        yield watched


def visible_rows(page: Page) -> int:
    return page.locator("#event-table tbody tr:visible").count()


def test_the_page_opens_offline_without_console_errors(opened: Watched, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    opened.page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes().startswith(PNG_SIGNATURE)
    assert opened.page.evaluate("document.documentElement.scrollHeight") > 2000
    opened.assert_clean()


def test_the_page_shows_the_verdict_the_charts_and_the_settlement(opened: Watched) -> None:
    page = opened.page
    assert page.locator(".verdict").inner_text() == "PASSED"
    assert page.locator("#market figure svg").count() == 2  # the whole run and the close-up on the fills
    assert page.locator("#batches figure svg").count() == 1
    assert page.locator("#settlement figure svg").count() == 1
    assert page.locator("#fills tbody tr").count() == 7
    assert page.locator("#batches tbody tr").count() == 4
    acme = page.locator("#settlement table").first
    assert "912.01" in acme.inner_text()
    opened.assert_clean()


def test_the_events_table_lists_every_event_and_filters(opened: Watched, report_dir: Path) -> None:
    page = opened.page
    events = (report_dir / "events.jsonl").read_text(encoding="utf-8").splitlines()
    assert visible_rows(page) == len(events) == 27
    assert page.locator("#event-count").inner_text() == "27 of 27 events"

    page.fill("#event-text", "invalid symbol")
    assert visible_rows(page) == 2
    assert all("Invalid symbol" in row for row in page.locator("#event-table tbody tr").all_inner_texts())

    page.fill("#event-text", "")
    page.select_option("select[data-filter=client]", "nofirm")
    assert visible_rows(page) == 2
    page.select_option("select[data-filter=status]", "COMPLETE")
    assert visible_rows(page) == 0
    assert page.locator("#event-count").inner_text() == "0 of 27 events"

    page.click("#event-filters button[type=reset]")
    page.wait_for_function("document.querySelectorAll('#event-table tbody tr').length === 27")
    opened.assert_clean()


def test_a_payload_opens_whole_on_click(opened: Watched, report_dir: Path) -> None:
    first = json.loads((report_dir / "events.jsonl").read_text(encoding="utf-8").splitlines()[0])
    cell = opened.page.locator("#event-table tbody tr").first.locator("td.payload")
    cell.click()
    assert "open" in (cell.get_attribute("class") or "")
    assert json.loads(cell.inner_text()) == first["event"]["payload"]
    opened.assert_clean()


def test_two_replays_with_the_same_seed_write_the_same_page(report_dir: Path, tmp_path: Path) -> None:
    write_report(run_scenario(load_scenario(SCENARIO)), tmp_path / "again")
    assert (tmp_path / "again" / "report.html").read_bytes() == (report_dir / "report.html").read_bytes()
