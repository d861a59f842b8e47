"""The investor's year-end profit and loss statement (CONTRACT section 11).

The statement is read from the client's book: completed allocations, order
executions and gifts of the account, by time then id. The tax year is the
calendar year in Chicago, the sandbox's business calendar. Money is shown to
the cent, quantities exactly.
"""
from __future__ import annotations

from datetime import date, time
from typing import Any

from simulator.domain.bookkeeping import Income, Lot, Sale, profit_and_loss
from simulator.domain.decimals import format_decimal, format_money
from simulator.engine.clock import central_date, central_instant, iso_millis
from simulator.service.state import ClientRecord

FIRST_YEAR = 1970
LAST_YEAR = 9998
"""The statement's year must have a following 1 January the clock can express."""


def year_bounds(year: int) -> tuple[int, int]:
    """[1 January 00:00 CT, the next 1 January 00:00 CT) in ns."""
    return central_instant(date(year, 1, 1), time(0)), central_instant(date(year + 1, 1, 1), time(0))


def _sale(sale: Sale) -> dict[str, Any]:
    return {
        "date": central_date(sale.ns).isoformat(),
        "executedAt": iso_millis(sale.ns),
        "coin": sale.coin,
        "quantity": format_decimal(sale.quantity),
        "proceeds": format_money(sale.proceeds),
        "basis": format_money(sale.basis),
        "gain": format_money(sale.gain),
        "uncoveredQuantity": format_decimal(sale.uncovered_quantity),
        "source": sale.source.value,
        "reference": sale.reference,
    }


def _income(income: Income) -> dict[str, Any]:
    return {
        "date": central_date(income.ns).isoformat(),
        "receivedAt": iso_millis(income.ns),
        "coin": income.coin,
        "quantity": format_decimal(income.quantity),
        "amount": format_money(income.amount),
        "reference": income.reference,
    }


def _lot(lot: Lot) -> dict[str, Any]:
    return {
        "date": central_date(lot.acquired_ns).isoformat(),
        "acquiredAt": iso_millis(lot.acquired_ns),
        "coin": lot.coin,
        "quantity": format_decimal(lot.quantity),
        "basis": format_money(lot.basis),
        "source": lot.source.value,
    }


def statement(client: ClientRecord, account: str, year: int) -> dict[str, Any]:
    """The account's realized gains per sale, gift income and open lots of `year`, with totals."""
    start_ns, end_ns = year_bounds(year)
    report = profit_and_loss(client.book.entries(account), start_ns, end_ns)
    return {
        "clientId": client.client_id,
        "account": account,
        "year": year,
        "sales": [_sale(s) for s in report.sales],
        "giftIncome": [_income(i) for i in report.income],
        "openLots": [_lot(lot) for lot in report.open_lots],
        "totals": {
            "proceeds": format_money(report.proceeds),
            "basis": format_money(report.basis),
            "realizedGain": format_money(report.realized_gain),
            "giftIncome": format_money(report.gift_income),
        },
    }


def render_text(answer: dict[str, Any]) -> str:
    """A statement answer as plain text, for the command line."""
    totals = answer["totals"]
    lines = [
        f"Profit and loss {answer['year']}: client {answer['clientId']}, account {answer['account']} (USD)",
        "",
        "Sales (FIFO):",
        *(
            f"  {s['date']}  {s['coin']} {s['quantity']}  proceeds {s['proceeds']}  basis {s['basis']}  gain {s['gain']}"
            + (f"  (no known lot for {s['uncoveredQuantity']})" if s["uncoveredQuantity"] != "0" else "")
            for s in answer["sales"]
        ),
        "Gift income:",
        *(f"  {i['date']}  {i['coin']} {i['quantity']}  income {i['amount']}" for i in answer["giftIncome"]),
        "Open lots at year end:",
        *(f"  {lot['date']}  {lot['coin']} {lot['quantity']}  basis {lot['basis']}" for lot in answer["openLots"]),
        "",
        f"Total proceeds {totals['proceeds']}, basis {totals['basis']}, realized gain {totals['realizedGain']}, "
        f"gift income {totals['giftIncome']}",
    ]
    return "\n".join(lines) + "\n"
