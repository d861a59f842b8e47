"""The year-end profit and loss statement, through the control API and the CLI (CONTRACT section 11)."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from activity import fix_market, give_gift, place_order, run_batch
from click.testing import CliRunner
from sandbox_session import Client, advance, connect, control, expect

from simulator import Sandbox
from simulator.cli import main

GIFTING = Path(__file__).resolve().parents[2] / "scenarios" / "gifting.yaml"
CENT = Decimal("0.01")


@pytest.fixture
def books(sandbox: Sandbox) -> Client:
    """A client whose investors start with no coin, so every lot has a known cost."""
    client = connect(sandbox, "books", accounts={"count": 2, "prefix": "INV", "cash": "100000.00"})
    fix_market(client)
    return client


def statement(client: Client, account: str = "INV00001", status: int = 200, **query: str) -> Any:
    return expect(control(client.sb, "GET", f"/clients/{client.client_id}/accounts/{account}/statement", **query), status)


def money(value: Decimal) -> str:
    return str(value.quantize(CENT))


def test_fifo_sales_gift_income_and_open_lots(books: Client) -> None:
    (bought,) = run_batch(books, "s-buy", [("INV00001", "BUY", "200")])
    order_buy = place_order(books, "s-order-buy", "INV00001", "BUY", "0.01")
    gift = give_gift(books, "s-gift", "INV00001", "5")
    sale = place_order(books, "s-sale", "INV00001", "SELL", bought["quantity"])
    answer = statement(books, year="2026")

    (sold,) = sale["executions"]
    proceeds = Decimal(sold["netMoney"])
    basis = Decimal(bought["netMoney"])
    assert answer["sales"] == [
        {
            "date": "2026-03-02",
            "executedAt": sold["executedAt"],
            "coin": "BTC",
            "quantity": bought["quantity"],
            "proceeds": money(proceeds),
            "basis": money(basis),
            "gain": money(proceeds - basis),
            "uncoveredQuantity": "0",
            "source": "ORDER",
            "reference": sale["id"],
        }
    ]
    assert answer["giftIncome"] == [
        {
            "date": "2026-03-02",
            "receivedAt": gift["createdAt"],
            "coin": "BTC",
            "quantity": gift["quantity"],
            "amount": "5.00",
            "reference": gift["request"]["clientTransactionId"],
        }
    ]
    order_cost = sum((Decimal(e["netMoney"]) for e in order_buy["executions"]), Decimal(0))
    assert [(lot["source"], lot["quantity"], lot["basis"]) for lot in answer["openLots"]] == [
        ("ORDER", "0.01", money(order_cost)),
        ("GIFT", gift["quantity"], "0.00"),
    ]
    assert answer["totals"] == {
        "proceeds": money(proceeds),
        "basis": money(basis),
        "realizedGain": money(proceeds - basis),
        "giftIncome": "5.00",
    }
    assert (answer["clientId"], answer["account"], answer["year"]) == ("books", "INV00001", 2026)


def test_a_sale_across_lots_takes_the_oldest_first_and_keeps_the_basis_whole(books: Client) -> None:
    (first, _) = run_batch(books, "s-lots", [("INV00001", "BUY", "100"), ("INV00002", "BUY", "100")])
    order = place_order(books, "s-lots-buy", "INV00001", "BUY", "0.01")
    (sell,) = run_batch(books, "s-lots-sell", [("INV00001", "SELL", "300")])
    answer = statement(books)
    (sale,) = answer["sales"]
    assert (sale["source"], sale["quantity"], sale["proceeds"]) == ("ALLOCATION", sell["quantity"], money(Decimal(sell["netMoney"])))
    (lot,) = answer["openLots"]
    order_cost = sum((Decimal(e["netMoney"]) for e in order["executions"]), Decimal(0))
    bought = Decimal(first["quantity"]) + Decimal("0.01")
    assert Decimal(lot["quantity"]) == bought - Decimal(sell["quantity"])
    assert Decimal(sale["basis"]) > Decimal(first["netMoney"])
    assert Decimal(sale["basis"]) + Decimal(lot["basis"]) == Decimal(first["netMoney"]) + order_cost.quantize(CENT)
    assert statement(books, "INV00002")["sales"] == []


def test_the_year_selects_what_is_reported(books: Client) -> None:
    run_batch(books, "s-year", [("INV00001", "BUY", "50")])
    assert statement(books, year="2025") == {
        "clientId": "books",
        "account": "INV00001",
        "year": 2025,
        "sales": [],
        "giftIncome": [],
        "openLots": [],
        "totals": {"proceeds": "0.00", "basis": "0.00", "realizedGain": "0.00", "giftIncome": "0.00"},
    }
    assert len(statement(books, year="2027")["openLots"]) == 1
    assert statement(books)["year"] == 2026
    advance(books.sb, to="2027-01-01T06:00:00Z")
    assert statement(books)["year"] == 2027


def test_seeded_coin_sold_without_a_lot_is_reported_uncovered(acme: Client) -> None:
    fix_market(acme)
    (sell,) = run_batch(acme, "s-seeded", [("INV00001", "SELL", "100")])
    (sale,) = statement(acme)["sales"]
    assert (sale["basis"], sale["uncoveredQuantity"]) == ("0.00", sell["quantity"])


@pytest.mark.parametrize(
    ("client_id", "account", "query", "status", "message"),
    [
        ("nobody", "INV00001", {}, 404, "No client nobody"),
        ("books", "INV00099", {}, 400, "Invalid account Id"),
        ("books", "INV00001", {"year": "twenty"}, 400, "year: must be a whole number"),
        ("books", "INV00001", {"year": "1900"}, 400, "year: must be from 1970 to 9998"),
    ],
)
def test_statement_errors(books: Client, client_id: str, account: str, query: dict[str, str], status: int, message: str) -> None:
    answer = expect(control(books.sb, "GET", f"/clients/{client_id}/accounts/{account}/statement", **query), status)
    assert answer == {"code": status, "message": message}


def test_the_cli_replays_a_scenario_and_prints_the_statement() -> None:
    args = ["statement", "--scenario", str(GIFTING), "--client", "acme", "--account", "INV00001", "--year", "2026"]
    text = CliRunner().invoke(main, args)
    assert text.exit_code == 0, text.output
    assert text.output.splitlines() == [
        "Profit and loss 2026: client acme, account INV00001 (USD)",
        "",
        "Sales (FIFO):",
        "Gift income:",
        "  2026-03-02  BTC 0.00011622  income 5.00",
        "Open lots at year end:",
        "  2026-03-02  BTC 0.00011622  basis 0.00",
        "",
        "Total proceeds 0.00, basis 0.00, realized gain 0.00, gift income 5.00",
    ]
    as_json = CliRunner().invoke(main, [*args, "--format", "json"])
    assert json.loads(as_json.output)["totals"]["giftIncome"] == "5.00"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ([], "statement: give exactly one of --scenario or --api"),
        (["--scenario", str(GIFTING), "--api", "http://127.0.0.1:9"], "statement: give exactly one of --scenario or --api"),
        (["--api", "http://127.0.0.1:9"], "statement: cannot reach http://127.0.0.1:9"),
        (["--scenario", str(GIFTING), "--account", "NOBODY"], "statement: 400 Invalid account Id"),
    ],
)
def test_the_cli_names_what_is_wrong(extra: list[str], message: str) -> None:
    args = ["statement", "--client", "acme", "--account", "INV00001", "--year", "2026", *extra]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert message in result.output
