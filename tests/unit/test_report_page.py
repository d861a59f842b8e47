"""report.html from a hand-made run: the verdict, the failures, no outside reference, the same bytes twice."""
from __future__ import annotations

import json
import re

from simulator.engine.clock import NS_PER_SECOND, parse_instant
from simulator.market.quotes import Market
from simulator.replay.html.charts import settlement_chart
from simulator.replay.html.page import render_page
from simulator.replay.html.settlement import read_windows
from simulator.replay.outcome import Failure, RequestRecord, RunResult
from simulator.service.journal import JournalEntry
from simulator.service.outputs import StoredFile

START = parse_instant("2026-03-02T14:00:00Z")
COMPLETE = {
    "request": {"batchTransactionId": "b1", "clientTransactionId": "c1", "account": "INV00001", "side": "SELL",
                "symbol": "ETHUSD", "amount": "0.5"},
    "status": "COMPLETE", "price": "2301.15", "quantity": "0.5",
}
SUMMARY = b"From,2026-03-01T15:00:00Z\nTo,2026-03-02T15:00:00Z\nNet Settlement,-1150.58\n\ncoin,firm notional,firm qty,allocation qty,diff qty\nall,0,0,0,0\n"


def run(failures: tuple[Failure, ...] = ()) -> RunResult:
    envelope = {"event_type": "allocation/batch/1", "message_id": "m1", "payload": COMPLETE, "timestamp": "2026-03-02T14:30:00.250000000Z"}
    return RunResult(
        scenario="hand-made <run>",
        source="hand-made.yaml",
        seed=3,
        requests=(RequestRecord("market.ETHUSD", None, "POST", "/sandbox/v1/market/ETHUSD", {}, {"price": "2300"}, 200, {"time": "2026-03-02T14:00:00.000Z"}),),
        events=(JournalEntry(1, "acme", "allocation/batch/1", "m1", json.dumps(envelope)),),
        files=(StoredFile("acme", "b", "eod_settlement/2026-03-02settlement_summary.csv", SUMMARY, START + 3_600 * NS_PER_SECOND),),
        emails=(),
        failures=failures,
        market=Market(3, START),
        start_ns=START,
        end_ns=START + 2 * 3_600 * NS_PER_SECOND,
        durations={"total": 0.1},
    )


def test_a_failed_run_says_so_first_and_lists_each_failure() -> None:
    page = render_page(run((Failure("steps[2].expect", "status: expected 200, actual 400"),)))
    assert '<div class="verdict failed">FAILED</div>' in page
    assert "<code>steps[2].expect</code>" in page and "status: expected 200, actual 400" in page
    assert "hand-made &lt;run&gt;" in page  # names from the run are escaped


def test_a_broken_invariant_is_named_apart_from_the_expectations_as_the_text_summary_does() -> None:
    failures = (Failure("steps[2].expect", "status: expected 200, actual 400"), Failure("invariant:coin-conserved", "acme lost 1 BTC"))
    page = render_page(run(failures))
    heading = '<h3 class="failed-text">1 expectation did not hold; 1 invariant broken (a sandbox bug: please report it)</h3>'
    assert heading in page
    assert "<code>invariant:coin-conserved</code>" in page


def test_the_page_draws_the_traded_symbol_and_the_settlement_and_names_nothing_outside() -> None:
    page = render_page(run())
    assert '<div class="verdict passed">PASSED</div>' in page
    assert "ETHUSD: whole run" in page and "ETHUSD: close-up around the fills" in page
    assert page.count("<svg") == 3  # two price charts and the settlement chart; the batch has no event of its own
    assert "-1150.58" in page
    assert re.findall(r'(?:src|href)="(?:https?:)?//', page) == []
    assert "<script src" not in page and "<link" not in page


def test_the_same_run_gives_the_same_bytes() -> None:
    assert render_page(run()) == render_page(run())


def test_a_month_of_settlement_windows_is_drawn_with_date_ticks_and_the_same_bytes_twice() -> None:
    days = [f"2026-03-{day:02d}" for day in range(1, 31)]
    files = [
        StoredFile("acme", "b", f"eod_settlement/{day}settlement_summary.csv",
                   f"From,x\nTo,{day}T15:00:00Z\nNet Settlement,{index}.00\n\n".encode(), START)
        for index, day in enumerate(days)
    ]
    windows = read_windows(files)
    svg = settlement_chart(windows, "settlement")
    assert svg.startswith("<svg") and ' width="' not in svg.split(">", 1)[0]
    assert svg == settlement_chart(windows, "settlement")
