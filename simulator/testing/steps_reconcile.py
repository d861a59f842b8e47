"""Reconciliation: a client's own ledger against the settlement detail the sandbox wrote.

The ledger is built from the API's answers, as a client's booking system
would build it, and `bakkt-sim reconcile` runs on it and on the detail file
exactly as a user would run it, through the command line.
"""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd import given, then, when

from simulator.testing.context import CONTROL, BakktContext, Resource
from simulator.testing.grammar import phrase, table_rows

# The settlement writer, the CLI and click load in the steps that use them: the
# plugin loads every step module in every pytest process, and loads no sandbox.


@dataclass
class Reconciliation:
    """One scenario's ledger rows (by allocation name) and the last reconcile run."""

    folder: Path
    ledger: dict[str, dict[str, str]] = field(default_factory=dict)
    exit_code: int | None = None
    report: dict[str, Any] = field(default_factory=dict)


@pytest.fixture
def bakkt_reconciliation(tmp_path: Path) -> Reconciliation:
    """Where the reconcile steps keep the ledger and write the two files."""
    return Reconciliation(tmp_path)


@given(phrase('support deposits "{amount:Text}" USD cash to {account:Word} of "{client:Text}"'))
def deposit_cash(bakkt_context: BakktContext, amount: str, account: str, client: str) -> None:
    """A control-API cash adjustment: a DEPOSIT row of the settlement detail, not an execution."""
    body = {"currency": "USD", "quantity": amount}
    bakkt_context.control("POST", f"{CONTROL}/clients/{client}/accounts/{account}/deposit", body).expect(200)


@when(phrase('"{client:Text}" books the allocation "{allocation:Text}" in its ledger'))
def book_allocation(
    bakkt_context: BakktContext, bakkt_reconciliation: Reconciliation, client: str, allocation: str
) -> None:
    """One ledger row from the allocation's GET, as a client books it: clientTransactionId,
    id, side, the coin of the symbol, quantity and price."""
    from simulator.reconcile import LEDGER_HEADER

    answer = bakkt_context.fetch(Resource.ALLOCATION, allocation, client)
    request = answer["request"]
    values = (
        request["clientTransactionId"],
        answer["id"],
        request["side"],
        request["symbol"].removesuffix("USD"),
        answer["quantity"],
        answer["price"],
    )
    bakkt_reconciliation.ledger[allocation] = dict(zip(LEDGER_HEADER, values, strict=True))


@when(phrase('"{client:Text}" drops the allocation "{allocation:Text}" from its ledger'))
def drop_allocation(bakkt_reconciliation: Reconciliation, client: str, allocation: str) -> None:
    """The client never booked it: a break the detail file must reveal."""
    bakkt_reconciliation.ledger.pop(allocation)


@when(phrase('"{client:Text}" sets "{column:Text}" of the allocation "{allocation:Text}" to "{value:Text}" in its ledger'))
def edit_ledger(bakkt_reconciliation: Reconciliation, client: str, column: str, allocation: str, value: str) -> None:
    """Rewrites one column of a booked row (Price, Quantity, Side, Symbol, Client Order ID):
    a booking error, or the same value written another way."""
    row = bakkt_reconciliation.ledger[allocation]
    assert column in row, f'the ledger has no column "{column}": {list(row)}'
    row[column] = value


@when(phrase('"{client:Text}" reconciles its ledger with the settlement detail of "{day:Text}"'))
def reconcile(bakkt_context: BakktContext, bakkt_reconciliation: Reconciliation, client: str, day: str) -> None:
    """`bakkt-sim reconcile --format json` on the detail file the cutoff wrote for that CT date."""
    from click.testing import CliRunner

    from simulator.cli import main
    from simulator.reconcile import LEDGER_HEADER
    from simulator.service.settlement import detail_key

    key = detail_key(day)
    written = {stored.key: stored.body for stored in bakkt_context.sandbox.core.files.list(client)}
    assert key in written, f'"{client}" has no {key}: {sorted(written)}'
    detail = bakkt_reconciliation.folder / "detail.csv"
    detail.write_bytes(written[key])
    ledger = bakkt_reconciliation.folder / "ledger.csv"
    with ledger.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, LEDGER_HEADER, lineterminator="\n")
        writer.writeheader()
        writer.writerows(bakkt_reconciliation.ledger.values())
    arguments = ["reconcile", "--detail", str(detail), "--ledger", str(ledger), "--format", "json"]
    result = CliRunner().invoke(main, arguments, catch_exceptions=False)
    assert result.exit_code in (0, 1), f"reconcile exited {result.exit_code}: {result.output}"
    bakkt_reconciliation.exit_code = result.exit_code
    bakkt_reconciliation.report = json.loads(result.stdout)


@then(phrase("the reconciliation matches {count:d} executions with no break"))
def no_break(bakkt_reconciliation: Reconciliation, count: int) -> None:
    """Exit 0: every execution of the window is in the ledger exactly as the file states it."""
    report = bakkt_reconciliation.report
    observed = (bakkt_reconciliation.exit_code, report["matched"], report["breaks"])
    assert observed == (0, count, []), f"expected exit 0 and {count} matched, got {observed}"


@then(phrase("the reconciliation finds these breaks:"))
def breaks_found(bakkt_context: BakktContext, bakkt_reconciliation: Reconciliation, datatable: list[list[str]]) -> None:
    """Exit 1 and exactly these breaks (columns kind and allocation, the name whose id is the
    Execution ID); ids are not known in advance, so the rows are put in Execution ID order
    as the report is."""
    expected = sorted(
        ((row["kind"], bakkt_context.fetch(Resource.ALLOCATION, row["allocation"])["id"]) for row in table_rows(datatable)),
        key=lambda found: found[1],
    )
    observed = [(b["kind"], b["executionId"]) for b in bakkt_reconciliation.report["breaks"]]
    assert bakkt_reconciliation.exit_code == 1, f"reconcile exited {bakkt_reconciliation.exit_code}"
    assert observed == expected, f"breaks are {observed}, expected {expected}"


@then(phrase("the reconciliation skipped {count:d} cash adjustments"))
@then(phrase("the reconciliation skipped {count:d} cash adjustment"))
def cash_skipped(bakkt_reconciliation: Reconciliation, count: int) -> None:
    """Deposits and withdrawals are detail rows, not executions: counted, never a break."""
    skipped = bakkt_reconciliation.report["detail"]["cashAdjustmentsSkipped"]
    assert skipped == count, f"{skipped} cash adjustments were skipped, expected {count}"
