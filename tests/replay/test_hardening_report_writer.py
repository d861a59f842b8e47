"""The report writer never crashes on what a client sent, and the price chart shows every fill.

Emails are written with the email package, which refuses a header holding
a line break and text holding a lone surrogate: such an email gets no .eml
and fails the run, saying why. JSON Lines and the page write a lone
surrogate (valid in JSON as `\\ud800`) as that escape. On the chart, a BUY and
a SELL at the same instant and price used to be drawn on the same spot, the
SELL hiding the BUY.
"""
from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from simulator.cli import main
from simulator.engine.clock import parse_instant
from simulator.market.quotes import Market
from simulator.replay.html.charts import FILL_AREA, price_chart
from simulator.replay.html.fills import ALLOCATION, Fill
from simulator.replay.html.market import QuotePoint
from simulator.replay.outcome import RequestRecord, RunResult
from simulator.replay.report import email_failures, write_report
from simulator.service.journal import JournalEntry
from simulator.service.outputs import Email

SENT = parse_instant("2026-03-03T15:00:00Z")
GOOD = Email("acme", "finance@acme.test", "Net settlement 2026-03-03", "Net Settlement,12.50\n", SENT)
SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def result(
    emails: tuple[Email, ...] = (GOOD,), requests: tuple[RequestRecord, ...] = (), events: tuple[JournalEntry, ...] = ()
) -> RunResult:
    return RunResult(
        scenario="hostile",
        source="hostile.yaml",
        seed=1,
        requests=requests,
        events=events,
        files=(),
        emails=emails,
        failures=(),
        market=Market(1, SENT),
        start_ns=SENT,
        end_ns=SENT + 3_600 * 10**9,
        durations={"total": 0.1},
    )


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (replace(GOOD, to="finance@acme.test\r\nBcc: everyone@example.test"), "linefeed or carriage return"),
        (replace(GOOD, subject="Net settlement\nX-Injected: yes"), "linefeed or carriage return"),
        (replace(GOOD, to="fin\ud800@acme.test"), "surrogates not allowed"),
        (replace(GOOD, body="Net Settlement,\udc80\n"), "surrogates not allowed"),
    ],
    ids=["to-crlf", "subject-lf", "to-surrogate", "body-surrogate"],
)
def test_an_email_that_cannot_be_written_fails_the_run_and_the_rest_is_written(
    tmp_path: Path, bad: Email, reason: str
) -> None:
    failures = email_failures((GOOD, bad))
    assert [failure.where for failure in failures] == ["emails/0002-acme.eml"]
    assert failures[0].message.startswith(f"the email to {bad.to!r} cannot be written: ")
    assert reason in failures[0].message
    write_report(result((GOOD, bad)), tmp_path)
    assert sorted(path.name for path in (tmp_path / "emails").iterdir()) == ["0001-acme.eml"]
    assert (tmp_path / "report.html").is_file()


def test_writable_emails_are_no_failure() -> None:
    assert email_failures((GOOD, replace(GOOD, to="ann@example.test", subject="Ünïcode"))) == []


def test_lone_surrogates_are_written_as_their_json_escape(tmp_path: Path) -> None:
    record = RequestRecord("steps[0]", 0, "POST", "/x\ud800", {}, {"k\udc80": "v"}, 404, {"message": "No such path: /x\ud800"})
    envelope = {"event_type": "allocation/batch/1", "message_id": "m", "payload": {"status": "OPEN", "note": "\udc80"}, "timestamp": "t"}
    event = JournalEntry(1, "acme", "allocation/batch/1", "m", json.dumps(envelope))
    write_report(result(requests=(record,), events=(event,)), tmp_path)
    assert json.loads((tmp_path / "requests.jsonl").read_text(encoding="utf-8")) == record.to_json()
    assert json.loads((tmp_path / "events.jsonl").read_text(encoding="utf-8"))["event"]["payload"]["note"] == "\udc80"
    assert '"note":"\\udc80"' in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_a_scenario_sending_a_header_injection_fails_cleanly(tmp_path: Path) -> None:
    """The address reaches no .eml: refused by the API (exit 1 at the step) or, failing that, by the report writer (exit 1)."""
    path = tmp_path / "scenario.yaml"
    path.write_text(
        "version: 1\nname: injection\nstart: '2026-03-02T14:00:00Z'\n"
        "steps:\n"
        "  - control:\n"
        "      method: POST\n"
        "      path: /sandbox/v1/clients\n"
        '      body: {clientId: evil, financeEmails: ["finance@evil.test\\r\\nBcc: everyone@example.test"]}\n'
        "  - advance: {to: '2026-03-03T15:00:01Z'}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    done = CliRunner().invoke(main, ["replay", str(path), "--out", str(out)])
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exception
    assert done.exit_code == 1, done.output
    assert "Traceback" not in done.output
    assert not any(b"Bcc:" in eml.read_bytes() for eml in (out / "emails").iterdir())


def marker_spots(svg: str) -> list[set[tuple[float, float]]]:
    """The positions of the markers of each scatter of the plot (not its legend), in drawing order."""
    root = ElementTree.fromstring(svg)
    axes = next(group for group in root.iter(f"{SVG}g") if group.get("id") == "axes_1")
    legend = next(group for group in axes.iter(f"{SVG}g") if (group.get("id") or "").startswith("legend"))
    in_legend = {id(element) for element in legend.iter()}
    return [
        {(float(use.get("x", "nan")), float(use.get("y", "nan"))) for use in group.iter(f"{SVG}use")}
        for group in axes.iter(f"{SVG}g")
        if re.fullmatch(r"PathCollection_\d+", group.get("id") or "") and id(group) not in in_legend
    ]


def fill(side: str, time_ns: int, price: str) -> Fill:
    return Fill(time_ns, "acme", ALLOCATION, "BTCUSD", side, "0.01", Decimal(price), "INV00001", "t")


def chart(*fills: Fill) -> str:
    """An hour of a flat 42,990 to 43,010 market with these fills."""
    points = [QuotePoint(SENT + step * 600 * 10**9, 43000.0, 42990.0, 43010.0) for step in range(7)]
    return price_chart(points, fills, [], [], (SENT, SENT + 3_600 * 10**9), 2, "t")


def plot_area(svg: str) -> tuple[float, float]:
    """The top and bottom of the plot's background rectangle, in SVG units."""
    root = ElementTree.fromstring(svg)
    background = next(group for group in root.iter(f"{SVG}g") if group.get("id") == "patch_2")
    path = next(background.iter(f"{SVG}path"))
    heights = [float(y) for y in re.findall(r"[ML] [-\d.]+ ([-\d.]+)", path.get("d", ""))]
    return min(heights), max(heights)


def test_a_buy_and_a_sell_at_the_same_instant_and_price_are_both_visible() -> None:
    at = SENT + 1_800 * 10**9
    buys, sells = marker_spots(chart(fill("BUY", at, "43010"), fill("SELL", at, "43010.00")))
    ((buy_x, buy_y),), ((sell_x, sell_y),) = buys, sells
    assert buy_x == pytest.approx(sell_x)
    # SVG y grows downward: the BUY's triangle sits below the price, the SELL's above, tip to tip
    assert buy_y - sell_y == pytest.approx(math.sqrt(FILL_AREA), abs=0.01)


def test_a_fill_outside_the_quotes_widens_the_price_axis() -> None:
    """Markers drawn through a moved transform are left out of matplotlib's autoscaling unless added back."""
    at = SENT + 1_800 * 10**9
    svg = chart(fill("BUY", at, "43100"), fill("SELL", at, "42900"))
    top, bottom = plot_area(svg)
    for (_, y), in marker_spots(svg):
        assert top < y < bottom
