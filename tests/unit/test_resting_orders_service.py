"""Resting LIMIT orders through the order service: when they fill, what a look costs, and
the edges (expiry, cancels, outages, maintenance, partial fills) (issue 11 item 9).

The market is read tick by tick here (`core.market.book`) to know when each book
crosses a limit; `polled_fill_instant` is the retry schedule orders used to follow,
the rule the new one must never be later than.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest

import simulator.service.orders as order_service
from simulator import Sandbox
from simulator.domain.fees import Side
from simulator.engine.calendar import maintenance_end_if_inside
from simulator.engine.clock import NS_PER_SECOND, iso_millis, parse_instant
from simulator.market.fills import fill_market_order
from simulator.market.quotes import Book

START = "2026-03-02T14:00:00Z"
"""A Monday, 08:00 CT."""
LATENCY_NS = 250_000_000
SECOND = NS_PER_SECOND
ORDERS = "/apex-crypto/api/v2/orders"


class Desk:
    """Client acme, INV00001 holding 100 BTC, in an in-process sandbox."""

    def __init__(self, sb: Sandbox) -> None:
        self.sb = sb
        client = sb.call("POST", "/sandbox/v1/clients", {"clientId": "acme"}).json()
        sb.call("POST", "/sandbox/v1/clients/acme/accounts", {"count": 1, "holdings": {"BTC": "100"}})
        self.credentials = {"logonId": client["logonId"], "password": client["password"]}
        self.token = ""
        self.log_in()

    def log_in(self) -> None:
        """A token lives 24 simulated hours."""
        self.token = self.sb.call("POST", "/apex-crypto/api/v2/login", self.credentials).json()["token"]

    def place(self, name: str, side: Side, limit: Decimal, quantity: str = "0.01", **fields: str) -> dict[str, Any]:
        body = {
            "account": "INV00001",
            "clientOrderId": name,
            "symbol": "BTCUSD",
            "side": side.value,
            "type": "LIMIT",
            "timeInForce": "GTC",
            "quantity": quantity,
            "price": str(limit),
        }
        answer = self.sb.call("POST", ORDERS, body | fields, token=self.token)
        assert answer.status == 201, answer.json()
        created: dict[str, Any] = answer.json()
        assert created["working"], created
        return created

    def order(self, name: str) -> dict[str, Any]:
        answer: dict[str, Any] = self.sb.call("GET", f"{ORDERS}/{name}", token=self.token).json()
        return answer

    def market(self, **settings: object) -> None:
        assert self.sb.call("POST", "/sandbox/v1/market/BTCUSD", settings).status == 200

    def book(self, ns: int) -> Book:
        return self.sb.core.market.book("BTCUSD", ns)

    def refreshed_at(self, tick: int) -> int:
        return self.sb.core.market["BTCUSD"].refreshed_at(tick)


@pytest.fixture
def desk() -> Iterator[Desk]:
    with Sandbox(seed=7, start=START) as sb:
        yield Desk(sb)


@pytest.fixture
def looks(monkeypatch: pytest.MonkeyPatch, desk: Desk) -> list[int]:
    """The instants at which the order service asked the fill engine for a fill."""
    instants: list[int] = []

    def counting(*args: Any, **kwargs: Any) -> Any:
        instants.append(desk.sb.core.now)
        return fill_market_order(*args, **kwargs)

    monkeypatch.setattr(order_service, "fill_market_order", counting)
    return instants


def polled_fill_instant(desk: Desk, side: Side, limit: Decimal, created_ns: int, until_ns: int) -> int | None:
    """When the retry schedule (a look every second for a minute, every minute for an
    hour, then every 15 minutes; maintenance defers a look to 17:05 CT) first met a book
    crossing `limit`."""
    look = created_ns + LATENCY_NS
    while look <= until_ns:
        look = maintenance_end_if_inside(look) or look
        if desk.book(look).crosses(side, limit):
            return look
        age = look - created_ns
        look += SECOND if age < 60 * SECOND else 60 * SECOND if age < 3_600 * SECOND else 900 * SECOND
    return None


def execution_instants(order: dict[str, Any]) -> list[str]:
    return [execution["executedAt"] for execution in order["executions"]]


# when a resting order fills


@pytest.mark.parametrize("side", list(Side))
@pytest.mark.parametrize("depth", [0.02, 0.2, 0.5])
def test_a_resting_order_fills_at_the_first_refresh_whose_bbo_crosses_never_after_the_polls(
    desk: Desk, side: Side, depth: float
) -> None:
    """Limits the walk reaches in the next three hours but not in its first minute, crossed
    by 2%, 20% and 50% of the books that go further: the fill is at the first crossing
    refresh, at that book's price, and no later than polling found it, if it did."""
    horizon = 3 * 3_600
    created = parse_instant(START)
    bests = {}
    for tick in range(horizon):
        book = desk.book(desk.refreshed_at(tick))
        best = book.best_ask if side is Side.BUY else book.best_bid
        assert best is not None
        bests[tick] = best.ask if side is Side.BUY else best.bid
    crosses: Callable[[Decimal, Decimal], bool] = Decimal.__le__ if side is Side.BUY else Decimal.__ge__
    first_minute = [bests[tick] for tick in range(61)]
    if side is Side.BUY:
        beyond = sorted(price for price in bests.values() if price < min(first_minute))
    else:
        beyond = sorted((price for price in bests.values() if price > max(first_minute)), reverse=True)
    limit = beyond[int(depth * len(beyond))]
    desk.place("o1", side, limit)
    desk.sb.advance(horizon)
    first = next(t for t in range(horizon) if crosses(bests[t], limit))
    expected = desk.refreshed_at(first)
    filled = desk.order("o1")
    assert execution_instants(filled) == [iso_millis(expected)]
    assert Decimal(filled["executions"][0]["price"]) == bests[first]
    polled = polled_fill_instant(desk, side, limit, created, created + horizon * SECOND)
    assert polled is None or expected <= polled


def test_a_resting_order_looks_only_when_the_market_reaches_it(desk: Desk, looks: list[int]) -> None:
    """A week away from the market costs the first look and nothing else (polling made about
    790 looks); the change of price that crosses it fills it at that instant."""
    desk.market(price="43000.00", volatility=0)
    desk.place("gtc", Side.BUY, Decimal("42000"))
    desk.sb.advance(7 * 86_400)
    assert looks == [parse_instant(START) + LATENCY_NS]
    desk.market(price="41900.00")
    crossed_at = desk.sb.core.now
    desk.log_in()
    order = desk.order("gtc")
    assert (order["status"], order["averagePrice"]) == ("COMPLETE", "41920.95")
    assert execution_instants(order) == [iso_millis(crossed_at)]
    assert looks[1:] == [crossed_at]


def test_an_order_through_the_market_fills_at_every_refresh_until_done(desk: Desk) -> None:
    """Larger than what the quotes at or under its limit hold: each refresh fills more, at
    LP-ALPHA's and LP-BRAVO's asks (LP-CHARLIE's is over the limit), where polling waited
    for the next look a second after the last."""
    desk.market(price="43000.00", volatility=0)
    desk.place("big", Side.BUY, Decimal("43040"), quantity="30")
    desk.sb.advance(60)
    order = desk.order("big")
    assert order["status"] == "COMPLETE"
    instants = sorted(set(execution_instants(order)))
    assert instants[0] == "2026-03-02T14:00:00.250Z"
    assert instants[1:] == [iso_millis(desk.refreshed_at(k)) for k in range(1, len(instants))]
    assert {e["price"] for e in order["executions"]} == {"43021.5", "43032.25"}
    first_book = desk.book(parse_instant(START))
    first_look = sum(q.ask_size for q in first_book.quotes if q.ask <= Decimal("43040"))
    assert sum(Decimal(e["quantity"]) for e in order["executions"][:2]) == first_look


def test_an_order_due_to_expire_at_a_planned_look_expires_without_filling(desk: Desk) -> None:
    """`gtc` plans the look at the first refresh crossing the limit; `gtd`, at the same limit,
    expires at that very instant: it ends unfilled, as its expiry came first under polling."""
    asks = {}
    for tick in range(1, 7_200):
        best = desk.book(desk.refreshed_at(tick)).best_ask
        assert best is not None
        asks[tick] = best.ask
    limit = min(asks.values())
    first = next(t for t, ask in asks.items() if ask <= limit)
    assert first > 10
    expiry = iso_millis(desk.refreshed_at(first))
    desk.place("gtc", Side.BUY, limit)
    desk.sb.advance(1)
    desk.place("gtd", Side.BUY, limit, timeInForce="GTD", expireTime=expiry)
    desk.sb.advance(7_200)
    assert execution_instants(desk.order("gtc")) == [expiry]
    gtd = desk.order("gtd")
    assert (gtd["status"], gtd["executions"], gtd["rejectReason"]) == ("COMPLETE", [], "invalid_argument: live_till Order expired")


def test_a_cancelled_order_looks_no_more(desk: Desk, looks: list[int]) -> None:
    desk.market(price="43000.00", volatility=0)
    desk.place("gtc", Side.SELL, Decimal("44000"))
    desk.sb.advance(60)
    assert desk.sb.call("POST", f"{ORDERS}/gtc/cancel", {"id": "3b241101-e2bb-4255-8caf-4136c566a962"}, token=desk.token).status == 200
    desk.market(price="45000.00")
    desk.sb.advance(3_600)
    order = desk.order("gtc")
    assert (order["status"], order["executions"], len(looks)) == ("COMPLETE", [], 1)


def test_an_outage_holds_a_crossed_order_until_quotes_return(desk: Desk) -> None:
    desk.market(price="43000.00", volatility=0)
    desk.place("gtc", Side.BUY, Decimal("42000"))
    desk.sb.advance(60)
    desk.market(outage=True)
    desk.market(price="41000.00")
    desk.sb.advance(3_600)
    assert desk.order("gtc")["executions"] == []
    desk.sb.advance(0.5)
    desk.market(outage=False)
    assert execution_instants(desk.order("gtc")) == ["2026-03-02T15:01:00.500Z"]


def test_a_crossing_during_maintenance_fills_as_maintenance_ends(desk: Desk) -> None:
    desk.market(price="43000.00", volatility=0)
    desk.place("gtc", Side.BUY, Decimal("42000"))
    desk.sb.advance_to("2026-03-02T22:40:00Z")
    desk.market(price="41900.00")
    desk.sb.advance_to("2026-03-02T23:30:00Z")
    desk.log_in()
    assert execution_instants(desk.order("gtc")) == ["2026-03-02T23:05:00.000Z"]


def test_resting_orders_fill_the_same_way_in_two_runs() -> None:
    """Twenty orders on both sides of a walking market for a day: the same journal twice."""

    def run() -> list[dict[str, Any]]:
        with Sandbox(seed=11, start=START) as sb:
            desk = Desk(sb)
            for n in range(20):
                side = Side.BUY if n % 2 else Side.SELL
                away = Decimal(1 + n // 2) / 400
                limit = (Decimal(43000) * (1 - away if side is Side.BUY else 1 + away)).quantize(Decimal("0.01"))
                desk.place(f"o{n}", side, limit)
            sb.advance(86_400)
            events: list[dict[str, Any]] = sb.call("GET", "/sandbox/v1/events", query={"client": "acme"}).json()["events"]
            return [event["event"] for event in events]

    first = run()
    assert sum(bool(event["payload"]["executions"]) for event in first) > 5
    assert run() == first
