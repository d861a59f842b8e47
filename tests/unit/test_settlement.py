"""Daily net settlement: amounts, the summary, the window and both files (CONTRACT sections 2 and 9)."""
from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from simulator.domain.decimals import CENT, multiply, round_to
from simulator.domain.fees import Side
from simulator.domain.settlement import (
    CashMovement,
    FirmTrade,
    SettlementEntry,
    SettlementLog,
    SummaryRow,
    net_settlement,
    summarize,
)
from simulator.engine.calendar import SETTLEMENT_CUTOFF
from simulator.engine.clock import NS_PER_SECOND, central_instant, parse_instant
from simulator.service.settlement import DETAIL_HEADER as DETAIL_COLUMNS
from simulator.service.settlement import detail_file, detail_rows, summary_file, window_start

HOUR_NS = 3600 * NS_PER_SECOND
DETAIL_HEADER = (
    "Account ID,Client Order ID,Execution ID,Trade Date,Execution Time,Side,"
    "Symbol,Last Quantity,Last Price,Notional,Fees,Total"
)
SUMMARY_HEADER = "coin,firm notional,firm qty,allocation qty,diff qty"


def at(text: str) -> int:
    return parse_instant(text)


def entry(
    side: Side | CashMovement,
    notional: str,
    fee: str = "0",
    *,
    symbol: str = "BTC",
    quantity: str = "0.001",
    price: str = "10000",
    account: str = "INV00001",
    execution_id: str = "x-1",
    client_order_id: str | None = None,
    executed: str = "2026-03-02T16:00:00Z",
    from_batch: bool = False,
) -> SettlementEntry:
    return SettlementEntry(
        account=account,
        client_order_id=client_order_id or f"c-{execution_id}",
        execution_id=execution_id,
        executed_ns=at(executed),
        side=side,
        symbol=symbol,
        quantity=Decimal(quantity),
        price=Decimal(price),
        notional=Decimal(notional),
        fee=Decimal(fee),
        from_batch=from_batch,
    )


def cash(side: Side | CashMovement, amount: str, **fields: str) -> SettlementEntry:
    return entry(side, amount, symbol="USD", quantity=amount, price="1", **fields)


def trade(coin: str, side: Side, quantity: str, notional: str, executed: str = "2026-03-02T16:00:00Z") -> FirmTrade:
    return FirmTrade(coin, side, Decimal(quantity), Decimal(notional), at(executed))


def rows_of(rows: list[SummaryRow]) -> list[tuple[str, Decimal, Decimal, Decimal, Decimal]]:
    return [(r.coin, r.firm_notional, r.firm_quantity, r.allocation_quantity, r.diff_quantity) for r in rows]


def row(coin: str, notional: str, firm: str, allocated: str, diff: str) -> tuple[str, Decimal, Decimal, Decimal, Decimal]:
    return (coin, Decimal(notional), Decimal(firm), Decimal(allocated), Decimal(diff))


# Totals and the net amount


@pytest.mark.parametrize(
    ("side", "total"),
    [
        (Side.BUY, "110.25"),  # notional + fee
        (Side.SELL, "109.75"),  # notional - fee: the cash that moves, not the seed's Notional + Fees
        (CashMovement.DEPOSIT, "110.00"),
        (CashMovement.WITHDRAWAL, "110.00"),
    ],
)
def test_the_total_of_each_side(side: Side | CashMovement, total: str) -> None:
    fee = "0.25" if side in (Side.BUY, Side.SELL) else "0"
    assert entry(side, "110.00", fee).total == Decimal(total)


@pytest.mark.parametrize(
    ("side", "amount"),
    [
        (Side.BUY, "10.50"),  # the client owes for what it bought, fee included
        (Side.SELL, "-9.50"),  # Bakkt owes the proceeds, fee deducted
        (CashMovement.DEPOSIT, "-10.00"),
        (CashMovement.WITHDRAWAL, "10.00"),
    ],
)
def test_net_settlement_sign_of_each_side(side: Side | CashMovement, amount: str) -> None:
    fee = "0.50" if side in (Side.BUY, Side.SELL) else "0"
    assert net_settlement([entry(side, "10.00", fee)]) == Decimal(amount)


def test_net_settlement_is_buys_minus_sells_minus_deposits_plus_withdrawals() -> None:
    entries = [
        entry(Side.BUY, "200.00", "0.50"),
        entry(Side.BUY, "430.00"),
        entry(Side.SELL, "100.50", "0.25"),
        cash(CashMovement.DEPOSIT, "500.00"),
        cash(CashMovement.WITHDRAWAL, "120.25"),
        cash(CashMovement.DEPOSIT, "0.01"),
    ]
    # 200.50 + 430.00 - 100.25 - 500.00 + 120.25 - 0.01
    assert net_settlement(entries) == Decimal("150.49")


def test_net_settlement_of_an_empty_window_is_zero() -> None:
    assert net_settlement([]) == 0


# The summary


def test_summary_signs_sums_and_coin_order() -> None:
    trades = [
        trade("SOL", Side.SELL, "2.5", "250.00"),
        trade("BTC", Side.BUY, "0.0023128", "99.50"),
        trade("ATOM", Side.BUY, "10", "97.00"),
        trade("BTC", Side.SELL, "0.001", "43.00"),
        trade("SOL", Side.BUY, "0.5", "50.00"),
    ]
    entries = [
        entry(Side.BUY, "200", symbol="BTC", quantity="0.00464884", from_batch=True),
        entry(Side.SELL, "100.50", "0.25", symbol="BTC", quantity="0.00233604", from_batch=True),
        entry(Side.SELL, "250", symbol="SOL", quantity="2.5", from_batch=True),
    ]
    assert rows_of(summarize(entries, trades)) == [
        row("all", "-46.50", "8.0013128", "-2.4976872", "10.499"),
        row("ATOM", "97.00", "10", "0", "10"),
        row("BTC", "56.50", "0.0013128", "0.0023128", "-0.001"),
        row("SOL", "-200.00", "-2", "-2.5", "0.5"),
    ]


def test_allocation_quantity_counts_batch_entries_only() -> None:
    entries = [
        entry(Side.BUY, "5.00", symbol="BTC", quantity="0.00028797"),  # an investor order: firm only
        cash(CashMovement.DEPOSIT, "500.00"),
        cash(CashMovement.WITHDRAWAL, "20.00"),
        entry(Side.BUY, "10.00", symbol="ETH", quantity="0.004", from_batch=True),
    ]
    trades = [trade("BTC", Side.BUY, "0.00028797", "5.00"), trade("ETH", Side.BUY, "0.004", "10.00")]
    rows = summarize(entries, trades)
    assert [r.coin for r in rows] == ["all", "BTC", "ETH"]  # cash adjustments make no USD row
    assert rows[1] == SummaryRow("BTC", Decimal("5.00"), Decimal("0.00028797"), Decimal(0))
    assert rows[1].diff_quantity == Decimal("0.00028797")
    assert rows[2].diff_quantity == 0


def test_an_internal_cross_shows_allocations_without_a_firm_trade() -> None:
    """A net under the minimum order crosses at the mid: nothing reaches the market."""
    entries = [
        entry(Side.BUY, "430.00", symbol="BTC", quantity="0.01", from_batch=True),
        entry(Side.SELL, "429.78", symbol="BTC", quantity="0.009995", from_batch=True),
    ]
    assert rows_of(summarize(entries, [])) == [
        row("all", "0", "0", "0.000005", "-0.000005"),
        row("BTC", "0", "0", "0.000005", "-0.000005"),
    ]


def test_the_all_row_is_the_column_sums() -> None:
    trades = [trade(coin, side, q, n) for coin, side, q, n in [
        ("DOGE", Side.BUY, "43.97507888", "4.00"),
        ("LTC", Side.SELL, "1.5", "105.00"),
        ("ETH", Side.BUY, "0.1", "230.12"),
    ]]  # fmt: skip
    entries = [entry(Side.SELL, "104.99", symbol="LTC", quantity="1.49999999", from_batch=True)]
    total, *coins = summarize(entries, trades)
    assert total.coin == "all"
    assert [r.coin for r in coins] == ["DOGE", "ETH", "LTC"]
    assert total.firm_notional == sum(r.firm_notional for r in coins) == Decimal("129.12")
    assert total.firm_quantity == sum(r.firm_quantity for r in coins)
    assert total.allocation_quantity == Decimal("-1.49999999")
    assert total.diff_quantity == sum(r.diff_quantity for r in coins)


def test_an_empty_window_summarizes_to_a_zero_all_row() -> None:
    assert rows_of(summarize([], [])) == [row("all", "0", "0", "0", "0")]


# The log and its cut


def test_cut_is_half_open_at_the_window_end() -> None:
    end = at("2026-03-03T15:00:00Z")
    log = SettlementLog()
    times = {"early": end - 86_400 * NS_PER_SECOND, "last": end - 1, "at-end": end, "later": end + 1}
    for name, ns in times.items():
        log.entries.append(replace(entry(Side.BUY, "1.00", execution_id=name), executed_ns=ns))
        log.firm_trades.append(FirmTrade(name, Side.BUY, Decimal(1), Decimal(1), ns))
    entries, trades = log.cut(end)
    assert [e.execution_id for e in entries] == ["early", "last"]
    assert [t.coin for t in trades] == ["early", "last"]
    assert [e.execution_id for e in log.entries] == ["at-end", "later"]
    assert [t.coin for t in log.firm_trades] == ["at-end", "later"]
    next_entries, next_trades = log.cut(end + 86_400 * NS_PER_SECOND)
    assert [e.execution_id for e in next_entries] == ["at-end", "later"]
    assert len(next_trades) == 2
    assert log.entries == [] and log.firm_trades == []


# The window


@pytest.mark.parametrize(
    ("end", "start", "hours"),
    [
        ("2026-03-03T15:00:00Z", "2026-03-02T15:00:00Z", 24),  # winter, CST
        ("2026-03-08T14:00:00Z", "2026-03-07T15:00:00Z", 23),  # first cutoff after the spring-forward switch
        ("2026-03-09T14:00:00Z", "2026-03-08T14:00:00Z", 24),
        ("2026-07-06T14:00:00Z", "2026-07-05T14:00:00Z", 24),  # summer, CDT
        ("2026-11-01T15:00:00Z", "2026-10-31T14:00:00Z", 25),  # first cutoff after the fall-back switch
        ("2026-11-02T15:00:00Z", "2026-11-01T15:00:00Z", 24),
        ("2027-01-01T15:00:00Z", "2026-12-31T15:00:00Z", 24),
    ],
)
def test_window_start_is_the_previous_nine_central(end: str, start: str, hours: int) -> None:
    assert window_start(at(end)) == at(start)
    assert at(end) - at(start) == hours * HOUR_NS


def test_2026_has_one_short_and_one_long_window() -> None:
    lengths: dict[int, list[date]] = {}
    day = date(2026, 1, 1)
    while day.year == 2026:
        end = central_instant(day, SETTLEMENT_CUTOFF)
        lengths.setdefault((end - window_start(end)) // HOUR_NS, []).append(day)
        day += timedelta(days=1)
    assert lengths[23] == [date(2026, 3, 8)]
    assert lengths[25] == [date(2026, 11, 1)]
    assert len(lengths[24]) == 363
    assert set(lengths) == {23, 24, 25}


# The files


WINDOW = (at("2026-03-02T15:00:00Z"), at("2026-03-03T15:00:00Z"))
HAND_BUILT = [
    entry(CashMovement.WITHDRAWAL, "120.25", symbol="USD", quantity="120.25", price="1", execution_id="w-1",
          client_order_id="w-1", executed="2026-03-03T02:00:00.007Z"),
    entry(Side.BUY, "200", "0.50", quantity="0.00464884", price="43021.50000000", execution_id="x-2",
          client_order_id="c-1", executed="2026-03-02T16:00:00.250Z", from_batch=True),
    entry(CashMovement.DEPOSIT, "500", symbol="USD", quantity="500", price="1", account="a,b", execution_id="d-1",
          client_order_id="d-1", executed="2026-03-02T20:00:00Z"),
    entry(Side.SELL, "100.5", "0.25", account="INV00002", quantity="0.00233604", price="43021.50000000",
          execution_id="x-1", client_order_id="c-2", executed="2026-03-02T16:00:00.250Z", from_batch=True),
    entry(Side.SELL, "105.00", "0.26", symbol="LTC", account="INV00003", quantity="1.50000000", price="70.00",
          execution_id="x-4", client_order_id="o-2", executed="2026-03-02T18:30:00.100Z"),
    entry(Side.BUY, "230.12", symbol="ETH", account="INV00003", quantity="0.10000000", price="2301.15",
          execution_id="x-3", client_order_id="o-1", executed="2026-03-02T15:00:00Z"),
]  # fmt: skip
HAND_BUILT_TRADES = [
    trade("BTC", Side.BUY, "0.00231280", "99.50", "2026-03-02T16:00:00.250Z"),
    trade("LTC", Side.SELL, "1.5", "105.00", "2026-03-02T18:30:00.100Z"),
    trade("ETH", Side.BUY, "0.1", "230.12", "2026-03-02T15:00:00Z"),
]
# 200.50 + 230.12 - 100.25 - 104.74 - 500.00 + 120.25
PREAMBLE = "From,2026-03-02T15:00:00Z\nTo,2026-03-03T15:00:00Z\nNet Settlement,-154.12\n\n"


def test_detail_file_text() -> None:
    assert detail_file(*WINDOW, HAND_BUILT) == (
        PREAMBLE + DETAIL_HEADER + "\n"
        "INV00003,o-1,x-3,03/02/2026,2026-03-02T15:00:00.000Z,BUY,ETH,0.1,2301.15,230.12,0.00,230.12\n"
        "INV00002,c-2,x-1,03/02/2026,2026-03-02T16:00:00.250Z,SELL,BTC,0.00233604,43021.5,100.50,0.25,100.25\n"
        "INV00001,c-1,x-2,03/02/2026,2026-03-02T16:00:00.250Z,BUY,BTC,0.00464884,43021.5,200.00,0.50,200.50\n"
        "INV00003,o-2,x-4,03/02/2026,2026-03-02T18:30:00.100Z,SELL,LTC,1.5,70,105.00,0.26,104.74\n"
        '"a,b",d-1,d-1,03/02/2026,2026-03-02T20:00:00.000Z,DEPOSIT,USD,500,1,500.00,0.00,500.00\n'
        "INV00001,w-1,w-1,03/03/2026,2026-03-03T02:00:00.007Z,WITHDRAWAL,USD,120.25,1,120.25,0.00,120.25\n"
    )


@pytest.mark.parametrize(
    ("account", "client_order_id"),
    [("a,b", "plain"), ('say "hi"', "o-1"), ("two\nlines", "o-2"), ("cr\r", "o-3"), ("INV1", "x,y"), ("INV2", 'q"')],
)
def test_client_chosen_text_is_quoted_as_csv_writer_quotes_it(account: str, client_order_id: str) -> None:
    entries = [
        entry(Side.BUY, "10", account="INV00001", execution_id="x-1"),
        entry(Side.SELL, "20", account=account, client_order_id=client_order_id, execution_id="x-2"),
    ]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([DETAIL_COLUMNS, *detail_rows(entries)])
    text = detail_file(*WINDOW, entries)
    assert text.endswith(buffer.getvalue())


def test_summary_file_text() -> None:
    assert summary_file(*WINDOW, HAND_BUILT, HAND_BUILT_TRADES) == (
        PREAMBLE + SUMMARY_HEADER + "\n"
        "all,224.62,-1.3976872,0.0023128,-1.4\n"
        "BTC,99.50,0.0023128,0.0023128,0\n"
        "ETH,230.12,0.1,0,0.1\n"
        "LTC,-105.00,-1.5,0,-1.5\n"
    )


def test_files_of_an_empty_window() -> None:
    preamble = "From,2026-03-02T15:00:00Z\nTo,2026-03-03T15:00:00Z\nNet Settlement,0.00\n\n"
    assert detail_file(*WINDOW, []) == preamble + DETAIL_HEADER + "\n"
    assert summary_file(*WINDOW, [], []) == preamble + SUMMARY_HEADER + "\nall,0.00,0,0,0\n"


def test_money_rounds_half_even_to_cents_in_the_files() -> None:
    entries = [entry(Side.BUY, "0.125", "0.005", execution_id="x-1"), entry(Side.BUY, "0.135", execution_id="x-2")]
    rows = detail_file(*WINDOW, entries).splitlines()
    assert rows[2] == "Net Settlement,0.26"  # 0.130 + 0.135 = 0.265
    assert [row.split(",")[-3:] for row in rows[-2:]] == [["0.12", "0.00", "0.13"], ["0.14", "0.00", "0.14"]]


# Seed 004's example, with the boundary at 09:00 CT (15:00 UTC in December), not the seed's 14:00 UTC

SEED_ROWS = [
    # account, client order id, execution id, execution time, coin, quantity, price
    ("xyz123jlp", "3821ad5a-2bf6-406b-aba4-a1d3c79dfd46", "e5a318e0627845df88465f7097aeab7a",
     "2022-12-12T21:33:17Z", "DOGE", "43.97507888", "0.09096061"),
    ("xyz224jlp", "6107b579-d613-4b55-97ec-e2b9321a69bf", "2022346-APEX-1-573-11075",
     "2022-12-12T21:32:44Z", "BTC", "0.00028797", "17362.66666667"),
    ("xyz444klm", "fce6b985-85d3-4ab6-8cdd-d762f840185b", "peak6-wmtord-LJAHACDBNCGLABMEAGAAMBAA-LA",
     "2022-12-12T21:29:50Z", "ATOM", "0.51482266", "9.71208222"),
    ("xyz444klm", "f498b1de-c7a8-4c50-9b9a-63658ce49bff", "2022346-APEX-1-573-11035",
     "2022-12-12T21:29:08Z", "BTC", "0.00028793", "17365.40404045"),
]  # fmt: skip
SEED_END = at("2022-12-13T15:00:00Z")


def seed_window() -> tuple[list[SettlementEntry], list[FirmTrade]]:
    """Investor order executions: each one is also what the market executed."""
    entries: list[SettlementEntry] = []
    trades: list[FirmTrade] = []
    for account, order_id, execution_id, executed, coin, quantity, price in SEED_ROWS:
        notional = round_to(multiply(Decimal(quantity), Decimal(price)), CENT)
        entries.append(
            entry(Side.BUY, str(notional), "0.00", symbol=coin, quantity=quantity, price=price, account=account,
                  execution_id=execution_id, client_order_id=order_id, executed=executed)
        )  # fmt: skip
        trades.append(trade(coin, Side.BUY, quantity, str(notional), executed))
    return entries, trades


SEED_PREAMBLE = "From,2022-12-12T15:00:00Z\nTo,2022-12-13T15:00:00Z\nNet Settlement,19.00\n\n"


def test_seed_004_window_follows_central_time() -> None:
    assert window_start(SEED_END) == at("2022-12-12T15:00:00Z")


def test_seed_004_notionals_and_net() -> None:
    entries, _ = seed_window()
    assert [e.notional for e in entries] == [Decimal("4.00"), Decimal("5.00"), Decimal("5.00"), Decimal("5.00")]
    assert [e.total for e in entries] == [Decimal("4.00"), Decimal("5.00"), Decimal("5.00"), Decimal("5.00")]
    assert net_settlement(entries) == Decimal("19.00")


def test_seed_004_detail_file() -> None:
    entries, _ = seed_window()
    assert detail_file(window_start(SEED_END), SEED_END, entries) == (
        SEED_PREAMBLE + DETAIL_HEADER + "\n"
        "xyz444klm,f498b1de-c7a8-4c50-9b9a-63658ce49bff,2022346-APEX-1-573-11035,12/12/2022,"
        "2022-12-12T21:29:08.000Z,BUY,BTC,0.00028793,17365.40404045,5.00,0.00,5.00\n"
        "xyz444klm,fce6b985-85d3-4ab6-8cdd-d762f840185b,peak6-wmtord-LJAHACDBNCGLABMEAGAAMBAA-LA,12/12/2022,"
        "2022-12-12T21:29:50.000Z,BUY,ATOM,0.51482266,9.71208222,5.00,0.00,5.00\n"
        "xyz224jlp,6107b579-d613-4b55-97ec-e2b9321a69bf,2022346-APEX-1-573-11075,12/12/2022,"
        "2022-12-12T21:32:44.000Z,BUY,BTC,0.00028797,17362.66666667,5.00,0.00,5.00\n"
        "xyz123jlp,3821ad5a-2bf6-406b-aba4-a1d3c79dfd46,e5a318e0627845df88465f7097aeab7a,12/12/2022,"
        "2022-12-12T21:33:17.000Z,BUY,DOGE,43.97507888,0.09096061,4.00,0.00,4.00\n"
    )


def test_seed_004_summary_file() -> None:
    entries, trades = seed_window()
    assert summary_file(window_start(SEED_END), SEED_END, entries, trades) == (
        SEED_PREAMBLE + SUMMARY_HEADER + "\n"
        "all,19.00,44.49047744,0,44.49047744\n"
        "ATOM,5.00,0.51482266,0,0.51482266\n"
        "BTC,10.00,0.0005759,0,0.0005759\n"
        "DOGE,4.00,43.97507888,0,43.97507888\n"
    )
