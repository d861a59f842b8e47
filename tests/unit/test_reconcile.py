"""Reconciling a client's ledger with a settlement detail file (issue 5, CONTRACT section 9)."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from simulator.cli import main
from simulator.domain.fees import Side
from simulator.domain.settlement import CashMovement, SettlementEntry
from simulator.engine.clock import parse_instant
from simulator.reconcile import BreakKind, parse_detail
from simulator.service.settlement import detail_file

PREAMBLE = "From,2026-03-02T15:00:00Z\nTo,2026-03-03T15:00:00Z\nNet Settlement,150.00\n\n"
DETAIL_HEADER = (
    "Account ID,Client Order ID,Execution ID,Trade Date,Execution Time,Side,"
    "Symbol,Last Quantity,Last Price,Notional,Fees,Total\n"
)
DETAIL_ROWS = {
    "e-1": "INV00001,o-1,e-1,03/02/2026,2026-03-02T16:00:00.000Z,BUY,BTC,0.00464884,43021.5,200.00,0.00,200.00\n",
    "cash": "INV00001,adj-1,adj-1,03/02/2026,2026-03-02T16:30:00.000Z,DEPOSIT,USD,100,1,100.00,0.00,100.00\n",
    "e-2": "INV00002,o-2,e-2,03/02/2026,2026-03-02T17:00:00.000Z,SELL,ETH,0.5,2300,1150.00,0.00,1150.00\n",
}
LEDGER_HEADER = "Client Order ID,Execution ID,Side,Symbol,Quantity,Price\n"
LEDGER_ROWS = {"e-1": "o-1,e-1,BUY,BTC,0.00464884,43021.5\n", "e-2": "o-2,e-2,SELL,ETH,0.5,2300\n"}


def detail_text(rows: dict[str, str] = DETAIL_ROWS) -> str:
    return PREAMBLE + DETAIL_HEADER + "".join(rows.values())


def ledger_text(rows: dict[str, str] = LEDGER_ROWS) -> str:
    return LEDGER_HEADER + "".join(rows.values())


def run(tmp_path: Path, detail: str, ledger: str, *options: str) -> Result:
    (tmp_path / "detail.csv").write_text(detail, encoding="utf-8")
    (tmp_path / "ledger.csv").write_text(ledger, encoding="utf-8")
    arguments = ["reconcile", "--detail", str(tmp_path / "detail.csv"), "--ledger", str(tmp_path / "ledger.csv")]
    return CliRunner().invoke(main, [*arguments, *options], catch_exceptions=False)


def breaks_of(tmp_path: Path, ledger_rows: dict[str, str]) -> list[tuple[str, str]]:
    """(kind, execution id) of each break, from the JSON output."""
    result = run(tmp_path, detail_text(), ledger_text(ledger_rows), "--format", "json")
    assert result.exit_code == 1, result.output
    return [(b["kind"], b["executionId"]) for b in json.loads(result.stdout)["breaks"]]


def test_a_matching_ledger_has_no_break_and_the_cash_adjustment_is_skipped(tmp_path: Path) -> None:
    result = run(tmp_path, detail_text(), ledger_text())
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"detail  {tmp_path / 'detail.csv'}: 2 executions (1 cash adjustment skipped)",
        f"ledger  {tmp_path / 'ledger.csv'}: 2 executions",
        "2 matched, 0 breaks",
    ]


def test_decimals_compare_by_value(tmp_path: Path) -> None:
    ledger = {"e-1": "o-1,e-1,BUY,BTC,0.004648840,43021.50\n", "e-2": "o-2,e-2,SELL,ETH,0.50,2300.00\n"}
    assert run(tmp_path, detail_text(), ledger_text(ledger)).exit_code == 0


@pytest.mark.parametrize(
    ("row", "kind"),
    [
        ("o-9,e-1,BUY,BTC,0.00464884,43021.5", BreakKind.CLIENT_ORDER_ID_DIFFERS),
        ("o-1,e-1,SELL,BTC,0.00464884,43021.5", BreakKind.SIDE_DIFFERS),
        ("o-1,e-1,BUY,ETH,0.00464884,43021.5", BreakKind.SYMBOL_DIFFERS),
        ("o-1,e-1,BUY,BTC,0.00464885,43021.5", BreakKind.QUANTITY_DIFFERS),
        ("o-1,e-1,BUY,BTC,0.00464884,43021.49", BreakKind.PRICE_DIFFERS),
    ],
)
def test_each_differing_field_is_a_break(tmp_path: Path, row: str, kind: BreakKind) -> None:
    assert breaks_of(tmp_path, LEDGER_ROWS | {"e-1": row + "\n"}) == [(kind.value, "e-1")]


def test_several_fields_of_one_execution_are_several_breaks_in_field_order(tmp_path: Path) -> None:
    found = breaks_of(tmp_path, LEDGER_ROWS | {"e-1": "o-1,e-1,BUY,BTC,1,2\n"})
    assert found == [("quantity_differs", "e-1"), ("price_differs", "e-1")]


def test_missing_on_both_sides_sorted_by_execution_id(tmp_path: Path) -> None:
    ledger = {"e-0": "o-0,e-0,BUY,BTC,1,2\n", "e-2": LEDGER_ROWS["e-2"]}
    assert breaks_of(tmp_path, ledger) == [("missing_in_detail", "e-0"), ("missing_in_ledger", "e-1")]


def test_the_text_shows_each_break_with_both_values_and_their_lines(tmp_path: Path) -> None:
    ledger = {"e-0": "o-0,e-0,BUY,BTC,1,2\n", "e-1": "o-1,e-1,BUY,BTC,0.00464884,43021.49\n"}
    result = run(tmp_path, detail_text(), ledger_text(ledger))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[2:] == [
        "0 matched, 3 breaks",
        "missing in detail        exec e-0  order o-0  detail (none)  ledger BUY 1 BTC at 2 (line 2)",
        "price differs            exec e-1  order o-1  detail 43021.5 (line 6)  ledger 43021.49 (line 3)",
        "missing in ledger        exec e-2  order o-2  detail SELL 0.5 ETH at 2300 (line 8)  ledger (none)",
    ]


def test_the_json_document_is_deterministic_and_complete(tmp_path: Path) -> None:
    ledger = LEDGER_ROWS | {"e-2": "o-2,e-2,SELL,ETH,0.4,2300\n"}
    first = run(tmp_path, detail_text(), ledger_text(ledger), "--format", "json")
    second = run(tmp_path, detail_text(), ledger_text(ledger), "--format", "json")
    assert first.stdout == second.stdout
    assert json.loads(first.stdout) == {
        "detail": {"file": str(tmp_path / "detail.csv"), "executions": 2, "cashAdjustmentsSkipped": 1},
        "ledger": {"file": str(tmp_path / "ledger.csv"), "executions": 2},
        "matched": 1,
        "breakCount": 1,
        "breaks": [
            {
                "kind": "quantity_differs",
                "executionId": "e-2",
                "clientOrderId": "o-2",
                "detail": {"line": 8, "clientOrderId": "o-2", "side": "SELL", "symbol": "ETH", "quantity": "0.5", "price": "2300"},
                "ledger": {"line": 3, "clientOrderId": "o-2", "side": "SELL", "symbol": "ETH", "quantity": "0.4", "price": "2300"},
            }
        ],
    }


def test_the_detail_file_the_sandbox_writes_is_read_back() -> None:
    def entry(execution_id: str, side: Side | CashMovement, symbol: str, quantity: str, price: str) -> SettlementEntry:
        value = Decimal(quantity) * Decimal(price)
        return SettlementEntry("INV00001", f"o-{execution_id}", execution_id, parse_instant("2026-03-02T16:00:00Z"),
                               side, symbol, Decimal(quantity), Decimal(price), value, Decimal(0))  # fmt: skip

    entries = [entry("e-1", Side.BUY, "BTC", "0.00464884", "43021.5"), entry("adj", CashMovement.WITHDRAWAL, "USD", "5", "1")]
    text = detail_file(parse_instant("2026-03-02T15:00:00Z"), parse_instant("2026-03-03T15:00:00Z"), entries)
    loaded = parse_detail("detail.csv", text)
    assert (list(loaded.executions), loaded.cash_adjustments) == (["e-1"], 1)
    assert loaded.executions["e-1"].describe() == "BUY 0.00464884 BTC at 43021.5"


@pytest.mark.parametrize(
    ("detail", "ledger", "message"),
    [
        (None, ledger_text(), "detail.csv: no such file"),
        (detail_text(), None, "ledger.csv: no such file"),
        (detail_text(), "Order,Execution ID\n", 'ledger.csv: line 1, column 1: expected the header "Client Order ID", found "Order"'),
        (detail_text(), "Client Order ID,Execution ID\n", 'ledger.csv: line 1, column 3: expected the header "Side", found nothing'),
        (detail_text(), LEDGER_HEADER.replace("\n", ",Fee\n"), 'ledger.csv: line 1, column 7: unexpected column "Fee"'),
        (detail_text(), ledger_text({"x": "o-1,e-1,BUY,BTC,0.5,4.3e4\n"}), 'ledger.csv: line 2, column 6: Price "4.3e4" is not a decimal'),
        (detail_text(), ledger_text({"x": "o-1,e-1,BUY,BTC,1\n"}), 'ledger.csv: line 2, column 6: missing "Price"'),
        (detail_text(), ledger_text({"x": "o-1,e-1,BUY,BTC,1,2,3\n"}), "ledger.csv: line 2, column 7: one value too many"),
        (detail_text(), ledger_text({"x": "o-1,,BUY,BTC,1,2\n"}), "ledger.csv: line 2, column 2: Execution ID is empty"),
        (detail_text(), ledger_text({"a": "o-1,e-1,BUY,BTC,1,2\n", "b": "o-2,e-1,BUY,BTC,1,2\n"}),
         "ledger.csv: line 3, column 2: Execution ID e-1 repeats line 2"),
        (detail_text(), LEDGER_HEADER + 'o-1,"e-1\n', "ledger.csv: line 2: unexpected end of data"),
        (detail_text({"e-1": DETAIL_ROWS["e-1"].replace("0.00464884", "0,004")}), ledger_text(),
         "detail.csv: line 6, column 13: one value too many"),
        (detail_text({"e-1": DETAIL_ROWS["e-1"].replace(",43021.5,", ",$43021.5,")}), ledger_text(),
         'detail.csv: line 6, column 9: Last Price "$43021.5" is not a decimal'),
        (DETAIL_HEADER, ledger_text(), 'detail.csv: line 1, column 1: expected "From"'),
        (PREAMBLE.rstrip("\n") + "\n" + DETAIL_HEADER, ledger_text(), "detail.csv: line 4, column 1: expected the empty line"),
        (PREAMBLE, ledger_text(), "detail.csv: line 5, column 1: the file ends where the header should be"),
    ],
)
def test_unreadable_input_exits_2_naming_file_line_and_column(
    tmp_path: Path, detail: str | None, ledger: str | None, message: str
) -> None:
    for name, text in (("detail.csv", detail), ("ledger.csv", ledger)):
        if text is not None:
            (tmp_path / name).write_text(text, encoding="utf-8")
    arguments = ["reconcile", "--detail", str(tmp_path / "detail.csv"), "--ledger", str(tmp_path / "ledger.csv")]
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"reconcile: {tmp_path}/"), result.stderr
    assert message in result.stderr
    assert result.stdout == ""
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_the_help_says_cash_adjustments_are_skipped() -> None:
    result = CliRunner().invoke(main, ["reconcile", "--help"])
    assert result.exit_code == 0
    assert "DEPOSIT or WITHDRAWAL" in " ".join(result.output.split())
