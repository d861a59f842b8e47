"""Resting LIMIT orders at the venue: the walk's search, the first crossing of a limit,
and the looks a resting order gets (issue 11 item 9).

Every expectation comes from reading the market tick by tick (`BrownianWalk.at`,
`SymbolMarket.book_at`), the slow way the search is there to avoid.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from statistics import NormalDist

import pytest

from simulator.domain.fees import Side
from simulator.domain.instruments import INSTRUMENTS
from simulator.engine.clock import NS_PER_SECOND, parse_instant
from simulator.engine.kernel import Kernel
from simulator.market.quotes import Book, Market, SymbolMarket
from simulator.market.resting import RestingOrders
from simulator.market.walk import BLOCK, SHOCK_BOUND, BrownianWalk, bridge_reaches

ORIGIN = parse_instant("2026-03-02T14:00:00Z")
SECOND = NS_PER_SECOND
WINDOW = range(3 * BLOCK - 1500, 5 * BLOCK + 700)
"""Ticks across two block edges, starting and ending inside blocks."""


# the walk and its search


@pytest.fixture(scope="module")
def walk_values() -> dict[int, float]:
    walk = BrownianWalk(7, "BTCUSD")
    return {tick: walk.at(tick) for tick in range(3 * BLOCK, 5 * BLOCK + 1)} | {t: walk.at(t) for t in WINDOW}


def test_the_walk_reads_as_it_always_has() -> None:
    """Values read before the search shared the bisection with `at`: prices must not move."""
    walk = BrownianWalk(7, "BTCUSD")
    readings = [walk.at(tick) for tick in (1, 4096, 123457, 10**7 + 3)]
    assert readings == [0.48265181704481863, 31.08038205745247, -64.03794753568233, 2029.1332745953193]


def test_no_uniform_a_digest_gives_makes_a_shock_beyond_the_bound() -> None:
    smallest, largest = 0.5 / 2**64, math.nextafter(1.0, 0.0)
    assert -SHOCK_BOUND < NormalDist().inv_cdf(smallest) < -9.15
    assert 8.2 < NormalDist().inv_cdf(largest) < SHOCK_BOUND


def test_the_bridge_reach_is_the_worst_case_of_the_shocks_down_the_bisection() -> None:
    reaches = bridge_reaches()
    assert reaches[1] == 0
    assert reaches[2] == pytest.approx(SHOCK_BOUND * math.sqrt(2) / 2)
    # a quarter of the way along 4 ticks: half the top shock, plus the whole shock of its half
    assert reaches[4] == pytest.approx(SHOCK_BOUND * (math.sqrt(4) / 4 + math.sqrt(2) / 2))
    assert all(reaches[2 * span] > reaches[span] for span in reaches if span < BLOCK)


def test_no_tick_strays_from_the_line_between_its_intervals_ends_beyond_the_reach(
    walk_values: dict[int, float],
) -> None:
    reaches = bridge_reaches()
    for block_start in (3 * BLOCK, 4 * BLOCK):
        span = BLOCK
        while span > 1:
            for low in range(block_start, block_start + BLOCK, span):
                w_low, w_high = walk_values[low], walk_values[low + span]
                for tick in range(low + 1, low + span):
                    line = w_low + (w_high - w_low) * (tick - low) / span
                    assert abs(walk_values[tick] - line) <= reaches[span]
            span //= 2


@pytest.mark.parametrize("below", [True, False])
@pytest.mark.parametrize("quantile", [0.0, 0.02, 0.3, 0.5, 0.9, 1.0])
@pytest.mark.parametrize(("start", "stop"), [(WINDOW.start, WINDOW.stop), (3 * BLOCK, 4 * BLOCK + 1), (4 * BLOCK - 7, 4 * BLOCK + 9)])
def test_the_search_finds_exactly_the_ticks_at_or_beyond_a_threshold(
    walk_values: dict[int, float], below: bool, quantile: float, start: int, stop: int
) -> None:
    ordered = sorted(walk_values[t] for t in WINDOW)
    threshold = ordered[min(len(ordered) - 1, int(quantile * len(ordered)))]
    reaches: Callable[[float], bool] = (lambda w: w <= threshold) if below else (lambda w: w >= threshold)
    expected = [t for t in range(start, stop) if reaches(walk_values[t])]
    found = list(BrownianWalk(7, "BTCUSD").ticks_reaching(threshold, below=below, start=start, stop=stop))
    assert found == expected


class CountingWalk(BrownianWalk):
    midpoints = 0

    def _midpoint(self, base: int, low: int, high: int, w_low: float, w_high: float) -> float:
        self.midpoints += 1
        return super()._midpoint(base, low, high, w_low, w_high)


def test_a_threshold_the_walk_never_nears_costs_a_few_midpoints_a_day() -> None:
    """A day is 86,400 ticks; a threshold far from the walk is settled near the top of each block."""
    walk = CountingWalk(7, "BTCUSD")
    assert list(walk.ticks_reaching(walk.at(0) - 2_000, below=True, start=0, stop=86_400)) == []
    assert walk.midpoints < 100


# the first tick whose BBO crosses a limit


def regimes_market() -> SymbolMarket:
    """BTCUSD walking, then faster, wider, out, back at another price, still, walking again."""
    btc = SymbolMarket(7, INSTRUMENTS["BTCUSD"], ORIGIN)
    btc.configure(ORIGIN + 600 * SECOND + SECOND // 2, volatility=3.0)
    btc.configure(ORIGIN + 1200 * SECOND, spread_bps=40)
    btc.configure(ORIGIN + 1500 * SECOND, outage=True)
    btc.configure(ORIGIN + 1700 * SECOND, outage=False, price=Decimal("42950.00"))
    btc.configure(ORIGIN + 2200 * SECOND, volatility=0)
    btc.configure(ORIGIN + 2500 * SECOND, volatility=0.8)
    return btc


TICKS = range(100, 3100)


@pytest.fixture(scope="module")
def books() -> dict[int, Book]:
    btc = regimes_market()
    return {tick: btc.book_at(ORIGIN + tick * SECOND) for tick in TICKS}


def quoted(books: dict[int, Book], side: Side) -> list[Decimal]:
    """The best ask (BUY) or bid (SELL) of every tick with quotes, sorted."""
    bests = [book.best_ask if side is Side.BUY else book.best_bid for book in books.values()]
    return sorted(q.ask if side is Side.BUY else q.bid for q in bests if q is not None)


def limits_to_try(books: dict[int, Book], side: Side) -> list[Decimal]:
    prices = quoted(books, side)
    picks = [prices[int(q * (len(prices) - 1))] for q in (0, 0.01, 0.1, 0.5, 0.9, 0.99, 1)]
    cent = Decimal("0.01")
    return sorted({*picks, *(p + cent for p in picks), *(p - cent for p in picks)})


@pytest.mark.parametrize("side", list(Side))
@pytest.mark.parametrize("start", [100, 599, 601, 1400, 1650, 2300, 2900])
def test_first_crossing_is_the_first_tick_whose_real_book_crosses(books: dict[int, Book], side: Side, start: int) -> None:
    btc = regimes_market()
    for limit in limits_to_try(books, side):
        expected = next((t for t in range(start, TICKS.stop) if books[t].crosses(side, limit)), None)
        assert btc.first_crossing(side, limit, start, TICKS.stop) == expected, limit


def test_a_sell_limit_at_one_increment_crosses_wherever_there_are_quotes() -> None:
    doge = SymbolMarket(7, INSTRUMENTS["DOGEUSD"], ORIGIN)
    increment = INSTRUMENTS["DOGEUSD"].minimum_price_increment
    assert doge.first_crossing(Side.SELL, increment, 50, 60) == 50
    doge.configure(ORIGIN + 50 * SECOND, outage=True)
    assert doge.first_crossing(Side.SELL, increment, 50, 60) is None


def test_a_book_crosses_a_limit_its_fills_could_use() -> None:
    btc = SymbolMarket(7, INSTRUMENTS["BTCUSD"], ORIGIN)
    btc.configure(ORIGIN, price=Decimal("40000"), volatility=0)
    book = btc.book_at(ORIGIN)  # LP-ALPHA quotes 39980 / 40020 at 10 bps
    assert book.crosses(Side.BUY, Decimal("40020")) and not book.crosses(Side.BUY, Decimal("40019.99"))
    assert book.crosses(Side.SELL, Decimal("39980")) and not book.crosses(Side.SELL, Decimal("39980.01"))
    btc.configure(ORIGIN, outage=True)
    assert not btc.book_at(ORIGIN).crosses(Side.BUY, Decimal("99999"))


# the looks a resting order gets


class Venue:
    """A kernel, a market and the resting orders, with looks recorded as (instant, book tick)."""

    def __init__(self, start: str) -> None:
        self.start_ns = parse_instant(start)
        self.kernel = Kernel(seed=7, start_ns=self.start_ns)
        self.market = Market(7, self.start_ns)
        self.resting = RestingOrders(self.kernel, self.market)
        self.looks: dict[str, list[tuple[int, int]]] = {}

    @property
    def btc(self) -> SymbolMarket:
        return self.market["BTCUSD"]

    def rest(self, name: str, side: Side, limit: str, *, withdraw_on_look: bool = False) -> None:
        looks = self.looks.setdefault(name, [])

        def look(book: Book) -> None:
            looks.append((self.kernel.now, self.btc.tick_of(book.time_ns)))
            if withdraw_on_look:
                self.resting.withdraw(name)

        self.resting.rest(name, "BTCUSD", side, Decimal(limit), look)

    def instant(self, seconds: float) -> int:
        return self.start_ns + round(seconds * SECOND)

    def run_to(self, seconds: float) -> None:
        self.kernel.run_to(self.instant(seconds))


def test_a_resting_order_looks_at_every_crossing_book_outside_maintenance_and_no_other() -> None:
    """From 16:00 to 17:30 CT, refreshes on the 0.4 s: one look per crossing book, at its
    refresh, except that none is in force from 16:30 to 17:05 CT: the book refreshed at
    17:04:59.4 is seen at 17:05:00, when maintenance ends."""
    venue = Venue("2026-03-02T22:00:00.400Z")
    btc = venue.btc
    ticks = range(1, 5400)
    asks = {t: btc.book_at(btc.refreshed_at(t)).best_ask for t in ticks}
    last_before_reopening = asks[3899]
    assert last_before_reopening is not None
    limit = max(sorted(q.ask for q in asks.values() if q is not None)[len(ticks) // 3], last_before_reopening.ask)
    venue.rest("gtc", Side.BUY, str(limit))
    venue.run_to(5400)
    closes, reopens = parse_instant("2026-03-02T22:30:00Z"), parse_instant("2026-03-02T23:05:00Z")
    expected = []
    for tick, best in asks.items():
        refreshed = btc.refreshed_at(tick)
        seen = refreshed if not closes <= refreshed < reopens else reopens if refreshed + SECOND > reopens else None
        if seen is not None and best is not None and best.ask <= limit:
            expected.append((seen, tick))
    assert venue.looks["gtc"] == expected
    assert (reopens, 3899) in expected
    assert len(expected) > 100 and expected[0][0] < closes


def test_a_change_of_settings_is_looked_at_the_instant_it_crosses() -> None:
    venue = Venue("2026-03-02T14:00:00Z")
    venue.btc.configure(venue.instant(0), price=Decimal("40000"), volatility=0)
    venue.rest("buy", Side.BUY, "39900", withdraw_on_look=True)
    venue.run_to(3600.3)
    assert venue.looks["buy"] == []
    venue.btc.configure(venue.kernel.now, price=Decimal("39800"))
    venue.kernel.settle()
    assert venue.looks["buy"] == [(venue.instant(3600.3), 3600)]


def test_settings_changed_within_a_tick_show_that_tick_again() -> None:
    """The book of a tick changes with the settings: an order that saw the old book sees the new."""
    venue = Venue("2026-03-02T14:00:00Z")
    venue.btc.configure(venue.instant(0), price=Decimal("40000"), volatility=0)
    venue.rest("buy", Side.BUY, "40100")
    venue.run_to(2.5)
    assert [tick for _, tick in venue.looks["buy"]] == [1, 2]
    venue.btc.configure(venue.kernel.now, spread_bps=12)
    venue.run_to(3)
    assert venue.looks["buy"] == [(venue.instant(1), 1), (venue.instant(2), 2), (venue.instant(2.5), 2), (venue.instant(3), 3)]


def test_a_withdrawn_order_looks_no_more_and_the_next_limit_leads() -> None:
    venue = Venue("2026-03-02T14:00:00Z")
    venue.btc.configure(venue.instant(0), price=Decimal("40000"), volatility=0)
    venue.rest("near", Side.SELL, "40100")
    venue.rest("far", Side.SELL, "40200")
    venue.run_to(60)
    venue.resting.withdraw("near")
    venue.btc.configure(venue.kernel.now, price=Decimal("40150"))
    venue.run_to(61)
    venue.btc.configure(venue.kernel.now, price=Decimal("40300"))
    venue.run_to(62)
    assert venue.looks["near"] == []
    assert [tick for _, tick in venue.looks["far"]] == [61, 62]


def test_an_order_more_aggressive_than_the_leader_is_looked_at_when_it_crosses() -> None:
    """The leader rests far away; the new order crosses at once: it looks at the next refresh."""
    venue = Venue("2026-03-02T14:00:00Z")
    venue.btc.configure(venue.instant(0), price=Decimal("40000"), volatility=0)
    venue.rest("far", Side.BUY, "30000")
    venue.run_to(10.25)
    venue.rest("through", Side.BUY, "40050", withdraw_on_look=True)
    venue.run_to(12)
    assert venue.looks == {"far": [], "through": [(venue.instant(11), 11)]}


def test_an_order_looks_once_at_each_book_whichever_order_leads() -> None:
    """Two orders crossed at every tick, the second rested mid-tick after its own first look:
    a wake planned for the first at that tick does not show the second the book it saw."""
    venue = Venue("2026-03-02T14:00:00Z")
    venue.btc.configure(venue.instant(0), price=Decimal("40000"), volatility=0)
    venue.rest("first", Side.BUY, "40100")
    venue.run_to(5.5)
    venue.rest("second", Side.BUY, "40050")
    venue.run_to(7)
    assert [tick for _, tick in venue.looks["first"]] == [1, 2, 3, 4, 5, 6, 7]
    assert [tick for _, tick in venue.looks["second"]] == [6, 7]
