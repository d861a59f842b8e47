"""The simulated market: fills, the price walk, regimes and the BBO (CONTRACT section 4)."""
from __future__ import annotations

import math
from decimal import Decimal

import pytest

from simulator.domain.decimals import EIGHT_PLACES, fits_increment, format_decimal
from simulator.domain.fees import Side
from simulator.domain.instruments import INSTRUMENTS
from simulator.engine.clock import NS_PER_SECOND, parse_instant
from simulator.market.fills import FillResult, ProviderFill, fill_market_order
from simulator.market.quotes import Book, Market, ProviderQuote, SymbolMarket
from simulator.market.walk import BrownianWalk

ORIGIN = parse_instant("2026-03-02T14:00:00Z")
HOUR = 3600 * NS_PER_SECOND


def quote(provider: str, bid: str, ask: str, size: str = "1") -> ProviderQuote:
    return ProviderQuote(provider, Decimal(bid), Decimal(ask), Decimal(size), Decimal(size))


# Listed worst first, so the fill engine has to sort.
BOOK = Book(
    "BTCUSD",
    ORIGIN,
    Decimal("100.25"),
    (
        quote("C", "99.00", "101.00"),
        quote("A", "100.00", "100.50"),
        quote("B", "99.50", "100.75"),
    ),
)
EMPTY_BOOK = Book("BTCUSD", ORIGIN, Decimal("100"), ())


def fill(side: Side, *, sweep: bool = True, quantity: str | None = None, notional: str | None = None) -> FillResult:
    return fill_market_order(
        BOOK,
        side,
        increment=EIGHT_PLACES,
        quantity=None if quantity is None else Decimal(quantity),
        notional=None if notional is None else Decimal(notional),
        sweep_remainder=sweep,
    )


def executions(result: FillResult) -> list[tuple[str, str, str]]:
    return [(f.provider, format_decimal(f.quantity), format_decimal(f.price)) for f in result.fills]


@pytest.mark.parametrize(
    ("side", "quantity", "expected"),
    [
        (Side.BUY, "0.4", [("A", "0.4", "100.5")]),
        (Side.BUY, "1.5", [("A", "1", "100.5"), ("B", "0.5", "100.75")]),
        (Side.BUY, "3", [("A", "1", "100.5"), ("B", "1", "100.75"), ("C", "1", "101")]),
        (Side.SELL, "1.5", [("A", "1", "100"), ("B", "0.5", "99.5")]),
        (Side.SELL, "2.25", [("A", "1", "100"), ("B", "1", "99.5"), ("C", "0.25", "99")]),
    ],
)
def test_orders_walk_the_providers_best_price_first(side: Side, quantity: str, expected: list[tuple[str, str, str]]) -> None:
    result = fill(side, quantity=quantity)
    assert executions(result) == expected
    assert result.reject_reason is None
    assert result.quantity == Decimal(quantity)


@pytest.mark.parametrize(
    ("side", "expected"),
    [
        (Side.BUY, [("A", "1", "100.5"), ("B", "1", "100.75"), ("C", "3", "101")]),
        (Side.SELL, [("A", "1", "100"), ("B", "1", "99.5"), ("C", "3", "99")]),
    ],
)
def test_what_the_book_cannot_cover_sweeps_at_the_worst_price(side: Side, expected: list[tuple[str, str, str]]) -> None:
    result = fill(side, quantity="5")
    assert executions(result) == expected
    assert len({f.provider for f in result.fills}) == len(result.fills)
    assert result.quantity == Decimal("5")


def test_without_sweeping_the_remainder_is_left_unfilled() -> None:
    result = fill(Side.BUY, quantity="5", sweep=False)
    assert result.quantity == Decimal("3")
    assert [f.provider for f in result.fills] == ["A", "B", "C"]


def test_a_notional_order_spends_the_notional() -> None:
    result = fill(Side.BUY, notional="150")
    assert executions(result) == [("A", "1", "100.5"), ("B", "0.49131514", "100.75")]
    spent = sum(f.quantity * f.price for f in result.fills)
    assert abs(spent - Decimal("150")) < Decimal("0.000001")


def test_a_notional_order_beyond_the_book_sweeps_at_the_worst_price() -> None:
    result = fill(Side.BUY, notional="1000")
    # 302.25 USD fit in the book; 697.75 / 101 = 6.90841584 more at C.
    assert executions(result) == [("A", "1", "100.5"), ("B", "1", "100.75"), ("C", "7.90841584", "101")]


@pytest.mark.parametrize("side", [Side.BUY, Side.SELL])
def test_an_empty_book_rejects_with_empty_quotes(side: Side) -> None:
    result = fill_market_order(EMPTY_BOOK, side, increment=EIGHT_PLACES, quantity=Decimal("1"), sweep_remainder=True)
    assert result.reject_reason == "unknown: empty quotes"
    assert result.fills == ()


def test_average_price_is_quantity_weighted() -> None:
    result = FillResult((ProviderFill("A", Decimal("1"), Decimal("100")), ProviderFill("B", Decimal("3"), Decimal("104"))))
    assert result.average_price == Decimal("103")
    assert fill(Side.BUY, quantity="1.5").average_price * 3 == Decimal("100.5") * 2 + Decimal("100.75")


def test_walk_is_deterministic_per_seed_and_name() -> None:
    ticks = [0, 1, 17, 4095, 4096, 99_999]
    values = [BrownianWalk(7, "BTCUSD").at(t) for t in ticks]
    assert values == [BrownianWalk(7, "BTCUSD").at(t) for t in ticks]
    assert values != [BrownianWalk(7, "ETHUSD").at(t) for t in ticks]
    assert values != [BrownianWalk(8, "BTCUSD").at(t) for t in ticks]
    assert values[0] == 0.0


@pytest.mark.parametrize("tick", [1, 2047, 4096, 123_457, 31_557_600])
def test_walk_reading_does_not_depend_on_earlier_readings(tick: int) -> None:
    fresh = BrownianWalk(7, "BTCUSD").at(tick)
    warmed = BrownianWalk(7, "BTCUSD")
    for earlier in (tick * 3, 5, tick + 1, tick - 1, 40_000):
        warmed.at(earlier)
    assert warmed.at(tick) == fresh


def test_walk_reads_a_tick_a_year_away() -> None:
    value = BrownianWalk(3, "SOLUSD").at(366 * 86_400)
    assert math.isfinite(value)


def test_walk_moves() -> None:
    walk = BrownianWalk(7, "BTCUSD")
    assert len({walk.at(t) for t in range(1, 50)}) == 49


def market(symbol: str = "BTCUSD", seed: int = 7) -> SymbolMarket:
    return SymbolMarket(seed, INSTRUMENTS[symbol], ORIGIN)


def test_market_starts_at_the_listed_mid() -> None:
    for symbol, instrument in INSTRUMENTS.items():
        assert market(symbol).mid_at(ORIGIN) == instrument.start_mid


def test_setting_a_price_sets_the_mid_at_that_instant() -> None:
    btc = market()
    now = ORIGIN + 5 * HOUR
    btc.configure(now, price=Decimal("51234.56"))
    assert btc.mid_at(now) == Decimal("51234.56")
    assert btc.mid_at(now + 60 * NS_PER_SECOND) != Decimal("51234.56")


def test_zero_volatility_keeps_the_mid_fixed_for_hours() -> None:
    btc = market()
    now = ORIGIN + HOUR
    btc.configure(now, price=Decimal("40000"), volatility=0)
    assert {btc.mid_at(now + k * HOUR // 4) for k in range(0, 48)} == {Decimal("40000")}


def test_the_price_walks_from_the_start_mid() -> None:
    btc = market()
    mids = {btc.mid_at(ORIGIN + k * HOUR) for k in range(1, 10)}
    assert len(mids) > 1
    assert all(Decimal("20000") < mid < Decimal("90000") for mid in mids)


def test_an_outage_empties_the_book_until_lifted() -> None:
    btc = market()
    now = ORIGIN + HOUR
    btc.configure(now, outage=True)
    book = btc.book_at(now)
    assert book.quotes == ()
    assert book.best_bid is None and book.best_ask is None
    assert btc.book_at(now + HOUR).quotes == ()
    btc.configure(now + HOUR, outage=False)
    assert len(btc.book_at(now + HOUR).quotes) > 0


def test_settings_not_given_carry_over() -> None:
    btc = market()
    now = ORIGIN + HOUR
    btc.configure(now, price=Decimal("40000"), volatility=0)
    btc.configure(now + HOUR, spread_bps=50)
    assert btc.mid_at(now + 3 * HOUR) == Decimal("40000")


@pytest.mark.parametrize("symbol", sorted(INSTRUMENTS))
def test_bbo_bid_is_below_ask_and_on_the_price_increment(symbol: str) -> None:
    instrument = INSTRUMENTS[symbol]
    symbol_market = market(symbol)
    for k in range(0, 200, 7):
        book = symbol_market.book_at(ORIGIN + k * 997 * NS_PER_SECOND)
        bid, ask = book.best_bid, book.best_ask
        assert bid is not None and ask is not None
        assert bid.bid < book.mid < ask.ask
        for price in (bid.bid, ask.ask):
            assert fits_increment(price, instrument.minimum_price_increment)
        assert bid.bid_size > 0 and ask.ask_size > 0


def test_books_are_deterministic_per_seed() -> None:
    instant = ORIGIN + 3 * HOUR + 17 * NS_PER_SECOND
    first = Market(7, ORIGIN).book("ETHUSD", instant)
    assert first == Market(7, ORIGIN).book("ETHUSD", instant)
    assert first != Market(8, ORIGIN).book("ETHUSD", instant)
