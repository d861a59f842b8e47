"""FIFO lots, realized gains, gift income and the book (CONTRACT section 11)."""
from __future__ import annotations

from decimal import Decimal

from simulator.domain.batches import Allocation, Completion
from simulator.domain.bookkeeping import (
    Book,
    BookEntry,
    EntryKind,
    Lot,
    Receipt,
    Source,
    allocation_entry,
    profit_and_loss,
)
from simulator.domain.fees import Side
from simulator.engine.clock import NS_PER_SECOND, parse_instant

D = Decimal
YEAR_START = parse_instant("2026-01-01T06:00:00Z")
YEAR_END = parse_instant("2027-01-01T06:00:00Z")


def trade(
    kind: EntryKind,
    quantity: str,
    notional: str,
    fee: str = "0",
    *,
    at: str = "2026-03-02T15:00:00Z",
    entry_id: str = "e",
    coin: str = "BTC",
) -> BookEntry:
    source = Source.GIFT if kind is Receipt.GIFT else Source.ALLOCATION
    q, n = Decimal(quantity), Decimal(notional)
    return BookEntry(parse_instant(at), entry_id, "INV00001", kind, coin, q, n / q, n, Decimal(fee), source, f"ref-{entry_id}")


def test_a_sale_consumes_the_oldest_lot_first_and_fees_count_on_both_sides() -> None:
    entries = [
        trade(Side.BUY, "1", "100", "1", at="2026-02-01T15:00:00Z", entry_id="a"),
        trade(Side.BUY, "1", "200", "2", at="2026-02-02T15:00:00Z", entry_id="b"),
        trade(Side.SELL, "1", "300", "3", at="2026-02-03T15:00:00Z", entry_id="c"),
    ]
    report = profit_and_loss(entries, YEAR_START, YEAR_END)
    (sale,) = report.sales
    assert (sale.proceeds, sale.basis, sale.gain, sale.uncovered_quantity) == (D(297), D(101), D(196), D(0))
    assert [(lot.id, lot.quantity, lot.basis) for lot in report.open_lots] == [("b", D(1), D(202))]


def test_a_partly_sold_lot_gives_up_its_basis_in_proportion_and_keeps_the_rest() -> None:
    entries = [
        trade(Side.BUY, "3", "100", "0", entry_id="a", at="2026-02-01T15:00:00Z"),
        trade(Side.SELL, "1", "50", "0", entry_id="b", at="2026-02-02T15:00:00Z"),
        trade(Side.SELL, "2", "90", "0", entry_id="c", at="2026-02-03T15:00:00Z"),
    ]
    report = profit_and_loss(entries, YEAR_START, YEAR_END)
    assert [s.basis for s in report.sales] == [Decimal("33.33"), Decimal("66.67")]
    assert report.basis == D(100)
    assert report.open_lots == ()


def test_a_gift_is_income_at_its_notional_and_a_lot_with_zero_basis() -> None:
    entries = [
        trade(Receipt.GIFT, "0.001", "43.02", entry_id="g", at="2026-02-01T15:00:00Z"),
        trade(Side.SELL, "0.001", "50", "0.5", entry_id="s", at="2026-02-02T15:00:00Z"),
    ]
    report = profit_and_loss(entries, YEAR_START, YEAR_END)
    assert [(i.amount, i.quantity, i.reference) for i in report.income] == [(Decimal("43.02"), Decimal("0.001"), "ref-g")]
    assert report.gift_income == Decimal("43.02")
    (sale,) = report.sales
    assert (sale.basis, sale.gain) == (D(0), D("49.5"))


def test_coin_sold_beyond_the_known_lots_is_uncovered_at_a_basis_of_zero() -> None:
    entries = [
        trade(Side.BUY, "0.5", "50", entry_id="a", at="2026-02-01T15:00:00Z"),
        trade(Side.SELL, "2", "400", entry_id="b", at="2026-02-02T15:00:00Z"),
    ]
    (sale,) = profit_and_loss(entries, YEAR_START, YEAR_END).sales
    assert (sale.basis, sale.uncovered_quantity, sale.gain) == (D(50), D("1.5"), D(350))


def test_earlier_years_build_lots_later_ones_are_ignored() -> None:
    entries = [
        trade(Side.BUY, "2", "100", entry_id="a", at="2025-06-01T15:00:00Z"),
        trade(Side.SELL, "1", "80", entry_id="b", at="2025-07-01T15:00:00Z"),
        trade(Receipt.GIFT, "1", "70", entry_id="c", at="2025-08-01T15:00:00Z"),
        trade(Side.SELL, "1", "90", entry_id="d", at="2026-03-01T15:00:00Z"),
        trade(Side.SELL, "1", "95", entry_id="e", at="2027-03-01T15:00:00Z"),
    ]
    report = profit_and_loss(entries, YEAR_START, YEAR_END)
    assert [(s.id, s.basis, s.gain) for s in report.sales] == [("d", D(50), D(40))]
    assert report.income == ()
    assert [(lot.id, lot.quantity, lot.basis) for lot in report.open_lots] == [("c", D(1), D(0))]


def test_coins_keep_separate_lots() -> None:
    entries = [
        trade(Side.BUY, "1", "100", entry_id="a", coin="BTC", at="2026-02-01T15:00:00Z"),
        trade(Side.BUY, "1", "10", entry_id="b", coin="ETH", at="2026-02-02T15:00:00Z"),
        trade(Side.SELL, "1", "12", entry_id="c", coin="ETH", at="2026-02-03T15:00:00Z"),
    ]
    report = profit_and_loss(entries, YEAR_START, YEAR_END)
    assert [(s.coin, s.basis) for s in report.sales] == [("ETH", D(10))]
    assert report.open_lots == (Lot(entries[0].ns, "a", "BTC", Decimal(1), Decimal(100), Source.ALLOCATION),)


def completed_allocation(allocation_id: str, account: str, completed_ns: int) -> Allocation:
    request = {"clientTransactionId": f"ct-{allocation_id}", "symbol": "BTCUSD"}
    allocation = Allocation(allocation_id, "", request, f"ct-{allocation_id}", "BTCUSD", account, Side.SELL, Decimal("25"), None, None)
    allocation.complete(Completion(Decimal("50000"), Decimal("0.0005"), Decimal("25"), Decimal("0.1"), Decimal("24.9")), completed_ns)
    return allocation


def test_a_completed_allocation_is_a_trade_of_its_coin() -> None:
    entry = allocation_entry(completed_allocation("x", "INV00002", 7))
    assert entry == BookEntry(
        7, "x", "INV00002", Side.SELL, "BTC", Decimal("0.0005"), Decimal("50000"), Decimal("25"),
        Decimal("0.1"), Source.ALLOCATION, "ct-x",
    )  # fmt: skip
    assert entry.net_money == Decimal("24.9")


def test_the_book_reads_by_time_then_id_and_summarizes_each_record_once() -> None:
    book = Book()
    noon = parse_instant("2026-03-02T18:00:00Z")
    book.add_allocations([completed_allocation("b", "INV00001", noon), completed_allocation("a", "INV00002", noon)])
    later = trade(Receipt.GIFT, "1", "5", entry_id="g", at="2026-03-02T23:10:00Z")
    book.add(later)
    assert [e.id for e in book.entries()] == ["a", "b", "g"]
    assert [e.id for e in book.entries("INV00001")] == ["b", "g"]
    cutoff = parse_instant("2026-03-02T23:05:00Z")
    assert [e.id for e in book.take_unsummarized(cutoff)] == ["a", "b"]
    assert book.take_unsummarized(cutoff) == []
    assert [e.id for e in book.take_unsummarized(cutoff + 86_400 * NS_PER_SECOND)] == ["g"]
