"""What report.html shows, read from a run: fills, batch lifecycles, settlement windows, market samples."""
from __future__ import annotations

import csv
import json
from decimal import Decimal
from typing import Any

from simulator.engine.clock import NS_PER_SECOND, parse_instant
from simulator.market.quotes import Market
from simulator.replay.html.events import event_rows, read_events, rows_script
from simulator.replay.html.fills import read_fills
from simulator.replay.html.lifecycles import read_lifecycles
from simulator.replay.html.market import chart_span, market_changes, outage_spans, sample_instants, sample_quotes
from simulator.replay.html.settlement import data_rows, other_files, read_windows
from simulator.replay.html.timefmt import duration_label, utc_label
from simulator.replay.html.view import close_up_span
from simulator.replay.outcome import RequestRecord
from simulator.service.journal import JournalEntry
from simulator.service.outputs import StoredFile

T0 = parse_instant("2026-03-02T15:30:00Z")
BATCH = "a5617bc4-c5e2-48eb-ae0b-6719868c12a2"


def entry(seq: int, event_type: str, payload: dict[str, Any], at: str, client: str = "acme") -> JournalEntry:
    envelope = {"event_type": event_type, "message_id": f"m{seq}", "payload": payload, "timestamp": at}
    return JournalEntry(seq, client, event_type, f"m{seq}", json.dumps(envelope))


def batch(status: str, at: str, batch_id: str = BATCH, **extra: Any) -> dict[str, Any]:
    return {"request": {"batchTransactionId": batch_id, "symbol": "BTCUSD", "type": "NOTIONAL"}, "status": status, **extra}


def allocation(status: str, side: str = "BUY", batch_id: str = BATCH, **extra: Any) -> dict[str, Any]:
    request = {"batchTransactionId": batch_id, "clientTransactionId": f"c-{side}-{status}", "account": "INV00001",
               "side": side, "symbol": "BTCUSD", "amount": "200"}
    return {"request": request, "status": status, **extra}


def order(executions: list[dict[str, str]], status: str = "IN_PROGRESS") -> dict[str, Any]:
    request = {"account": "INV00002", "clientOrderId": "o-1", "side": "BUY", "symbol": "BTCUSD", "quantity": "5"}
    return {"request": request, "executions": executions, "status": status, "cumulativeQuantity": "5"}


def execution(execution_id: str, price: str, at: str) -> dict[str, str]:
    return {"id": execution_id, "price": price, "quantity": "1", "side": "BUY", "symbol": "BTCUSD", "executedAt": at}


BATCH_RUN = read_events(
    [
        entry(1, "allocation/batch/1", batch("OPEN", ""), "2026-03-02T15:30:00.000000000Z"),
        entry(2, "allocation/batch/1", allocation("REJECTED", rejectReason="Invalid account Id"), "2026-03-02T15:30:00Z"),
        entry(3, "allocation/batch/1", allocation("REJECTED", batch_id="unknown"), "2026-03-02T15:30:00Z"),
        entry(4, "allocation/batch/1", batch("CLOSED", ""), "2026-03-02T15:30:00Z"),
        entry(5, "allocation/batch/1", allocation("COMPLETE", price="43021.5", quantity="0.00464884"), "2026-03-02T15:30:00.250Z"),
        entry(6, "allocation/batch/1", allocation("COMPLETE", "SELL", price="43021.5", quantity="0.001"), "2026-03-02T15:30:00.250Z"),
        entry(7, "allocation/batch/1", batch("COMPLETE", ""), "2026-03-02T15:30:00.250Z"),
        entry(8, "allocation/batch/1", batch("REJECTED", "", "other", rejectReason="Invalid symbol"), "2026-03-02T15:31:00Z", "nofirm"),
    ]
)


def test_batch_and_allocation_events_are_told_apart_by_the_client_transaction_id() -> None:
    assert [event.kind for event in BATCH_RUN] == ["batch", "allocation", "allocation", "batch", "allocation", "allocation", "batch", "batch"]


def test_completed_allocations_are_fills_at_their_event_time() -> None:
    fills = read_fills(BATCH_RUN)
    assert [(fill.side, fill.price, fill.time_ns, fill.source) for fill in fills] == [
        ("BUY", Decimal("43021.5"), T0 + 250_000_000, "allocation"),
        ("SELL", Decimal("43021.5"), T0 + 250_000_000, "allocation"),
    ]
    assert fills[0].quantity == "0.00464884" and fills[0].account == "INV00001" and fills[0].symbol == "BTCUSD"


def test_each_order_execution_is_one_fill_though_later_events_repeat_it() -> None:
    first = execution("e1", "43021.5", "2026-03-02T14:00:00.250Z")
    second = execution("e2", "43032.25", "2026-03-02T14:00:00.500Z")
    events = read_events(
        [
            entry(1, "order/1", order([first]), "2026-03-02T14:00:00.250Z"),
            entry(2, "order/1", order([first, second]), "2026-03-02T14:00:00.500Z"),
            entry(3, "order/1", order([first, second], "COMPLETE"), "2026-03-02T14:00:00.500Z"),
        ]
    )
    fills = read_fills(events)
    assert [(fill.price, fill.reference, fill.source) for fill in fills] == [
        (Decimal("43021.5"), "o-1", "order execution"),
        (Decimal("43032.25"), "o-1", "order execution"),
    ]
    assert fills[1].time_ns == parse_instant("2026-03-02T14:00:00.500Z")


def test_a_completed_gift_is_marked_at_its_ask_and_a_rejected_one_is_not() -> None:
    gift = {"request": {"account": "INV00001", "clientTransactionId": "g1", "currency": "BTC", "notional": "5"},
            "status": "COMPLETE", "price": "43021.5", "quantity": "0.00011622"}
    rejected = {"request": {"account": "NOBODY", "clientTransactionId": "g2", "currency": "BTC"}, "status": "REJECTED"}
    events = read_events([entry(1, "allocation/gift/1", gift, "2026-03-02T14:00:00Z"), entry(2, "allocation/gift/1", rejected, "2026-03-02T14:00:00Z")])
    [fill] = read_fills(events)
    assert (fill.side, fill.symbol, fill.price, fill.source) == ("GIFT", "BTCUSD", Decimal("43021.5"), "gift")


def test_a_lifecycle_lists_the_batch_stages_and_counts_its_allocations() -> None:
    completed, rejected_at_open = read_lifecycles(BATCH_RUN)
    assert [(stage.status, stage.time_ns - T0) for stage in completed.stages] == [("OPEN", 0), ("CLOSED", 0), ("COMPLETE", 250_000_000)]
    assert (completed.completed, completed.rejected, completed.prices) == (2, 1, ["43021.5"])
    assert completed.final_status == "COMPLETE" and completed.elapsed_ns(completed.stages[-1]) == 250_000_000
    assert (rejected_at_open.client, rejected_at_open.final_status, rejected_at_open.reject_reason) == ("nofirm", "REJECTED", "Invalid symbol")
    assert (rejected_at_open.completed, rejected_at_open.rejected) == (0, 0)


def summary_file(client: str, day: str, net: str, coins: str = "") -> StoredFile:
    body = f"From,{day}T15:00:00Z\nTo,2026-03-03T15:00:00Z\nNet Settlement,{net}\n\ncoin,firm notional,firm qty,allocation qty,diff qty\nall,0.00,0,0,0\n{coins}"
    return StoredFile(client, f"bakkt-sandbox-{client}", f"eod_settlement/{day}settlement_summary.csv", body.encode(), T0)


def test_settlement_windows_carry_their_net_and_the_detail_rows() -> None:
    detail = StoredFile("acme", "b", "eod_settlement/2026-03-03settlement_detail.csv",
                        b"From,x\nTo,y\nNet Settlement,912.01\n\nAccount ID,Client Order ID\nINV1,a\nINV2,b\n", T0)
    files = [summary_file("acme", "2026-03-03", "912.01", "BTC,912.01,0.02,0.02,0\n"), detail, summary_file("nofirm", "2026-03-03", "0.00")]
    acme, nofirm = read_windows(files)
    assert (acme.net, acme.net_text, acme.executions) == (Decimal("912.01"), "912.01", 2)
    assert acme.coins == (("BTC", "912.01", "0.02", "0.02", "0"),)
    assert acme.to_ns == parse_instant("2026-03-03T15:00:00Z") and acme.window_from == "2026-03-03T15:00:00Z"
    assert (nofirm.net, nofirm.executions, nofirm.coins) == (Decimal("0.00"), None, ())


def test_a_summary_that_does_not_parse_still_shows_as_a_window() -> None:
    broken = StoredFile("acme", "b", "eod_settlement/2026-03-03settlement_summary.csv", b"From,x\nNet Settlement,n/a\n", T0)
    [window] = read_windows([broken])
    assert (window.window_from, window.to_ns, window.net, window.net_text) == ("x", None, None, "n/a")


def test_files_outside_eod_settlement_are_listed_with_their_data_rows() -> None:
    aged = StoredFile("shop", "b", "tpj_aging/2026-03-02-0930aged_tpj.csv", b"Account ID,Amount Due\nINV1,10.00\n", T0)
    empty = StoredFile("shop", "b", "cash/2026-03-02cash_balance.csv", b"Account ID,Unsettled Amount,Settled Amount\n", T0)
    assert [(f.key, f.rows) for f in other_files([aged, empty, summary_file("acme", "2026-03-03", "0.00")])] == [
        ("cash/2026-03-02cash_balance.csv", 0),
        ("tpj_aging/2026-03-02-0930aged_tpj.csv", 1),
    ]


def test_samples_cover_the_span_every_fill_and_never_finer_than_a_quote_refresh() -> None:
    low, high = chart_span(T0, T0)
    assert high - low == 60 * NS_PER_SECOND
    instants = sample_instants(low, high, [T0 + 250_000_000, T0 - NS_PER_SECOND, high + 1])
    assert instants[0] == low and instants[-1] == high and T0 + 250_000_000 in instants
    assert T0 - NS_PER_SECOND not in instants and high + 1 not in instants
    assert len(instants) == 60 + 1 + 1  # one a second, the end, the fill
    week = sample_instants(T0, T0 + 7 * 86_400 * NS_PER_SECOND, [])
    assert len(week) <= 481


def test_an_outage_is_a_span_of_samples_without_quotes() -> None:
    market = Market(5, T0)
    market["BTCUSD"].configure(T0 + 10 * NS_PER_SECOND, outage=True)
    market["BTCUSD"].configure(T0 + 12 * NS_PER_SECOND, outage=False)
    points = sample_quotes(market, "BTCUSD", sample_instants(T0, T0 + 30 * NS_PER_SECOND, []))
    assert outage_spans(points) == ((T0 + 10 * NS_PER_SECOND, T0 + 12 * NS_PER_SECOND),)
    quoted = points[0]
    assert quoted.bid is not None and quoted.ask is not None and quoted.bid < quoted.mid < quoted.ask


def test_market_changes_come_from_accepted_market_settings_at_their_refresh_time() -> None:
    accepted = RequestRecord("steps[3].control", 3, "POST", "/sandbox/v1/market/BTCUSD", {}, {"outage": True}, 200,
                             {"time": "2026-03-02T15:30:01.000Z"})
    refused = RequestRecord("steps[4].control", 4, "POST", "/sandbox/v1/market/FOOUSD", {}, {"outage": True}, 404, {"code": 404})
    [change] = market_changes([accepted, refused])
    assert (change.time_ns, change.symbol, change.settings, change.where) == (T0 + NS_PER_SECOND, "BTCUSD", "outage true", "steps[3].control")


def test_a_close_up_is_drawn_only_when_the_fills_crowd_into_a_sliver_of_the_run() -> None:
    fills = read_fills(BATCH_RUN)
    day = (T0 - 3_600 * NS_PER_SECOND, T0 + 86_400 * NS_PER_SECOND)
    assert close_up_span(fills, day) == (T0 + 250_000_000 - 30 * NS_PER_SECOND, T0 + 250_000_000 + 30 * NS_PER_SECOND)
    assert close_up_span(fills, (T0, T0 + 60 * NS_PER_SECOND)) is None
    assert close_up_span((), day) is None


def test_event_rows_say_what_happened_and_embed_safely_in_a_script() -> None:
    rows = event_rows(BATCH_RUN)
    assert rows[0].time == "2026-03-02 15:30:00.000" and rows[0].status == "OPEN"
    assert rows[1].summary == "BUY BTCUSD amount 200 for INV00001 in batch a5617bc4 — Invalid account Id"
    assert rows[4].summary.endswith(": quantity 0.00464884 @ 43021.5, net money None")
    script = str(rows_script(event_rows(read_events([entry(1, "other/1", {"rejectReason": "</script><b>"}, "t")]))))
    assert "</" not in script and json.loads(script)[0][5] == "</script><b>"
    assert json.loads(script)[0][1] == "t"  # an unreadable timestamp is shown as it is


def test_durations_and_instants_read_as_a_person_writes_them() -> None:
    assert utc_label(T0 + 250_000_000) == "2026-03-02 15:30:00.250"
    assert [duration_label(ns) for ns in (0, 250_000_000, 1_250_000_000, 185 * NS_PER_SECOND, 7_500 * NS_PER_SECOND, 93_600 * NS_PER_SECOND)] == [
        "0 ms", "250 ms", "1.25 s", "3 min 5 s", "2 h 5 min", "1 d 2 h",
    ]
    assert duration_label(3_600 * NS_PER_SECOND) == "1 h"


def test_a_quoted_line_break_stays_in_its_detail_row() -> None:
    body = b'From,x\nTo,y\nNet Settlement,0.00\n\nAccount ID,Client Order ID\n"two\nlines",o-1\nINV1,o-2\n'
    assert data_rows(body) == 2


def test_text_csv_cannot_read_is_counted_by_lines() -> None:
    too_long = "x" * (csv.field_size_limit() + 1)
    assert data_rows(f'h1,h2\n"{too_long}",1\nplain,2\n'.encode()) == 2
