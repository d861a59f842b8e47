"""Investor orders end to end through `requests`: fills, rejects, idempotency, cancels, expiry,
events read from SQS, the trade confirmation and the settlement detail (CONTRACT sections 4, 7,
8, 9, 10 and 13).

Expected fills come from this module's own walk of the quotes that
`GET /sandbox/v1/market/{symbol}` shows, never from the sandbox's fill engine.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import boto3
import pytest
import requests
from sandbox_session import (
    API,
    REGION,
    START,
    UNAUTHORIZED,
    Client,
    advance,
    connect,
    control,
    drain_queue,
    expect,
    journal_envelopes,
    list_emails,
    login,
    s3_text,
    uid,
)

import simulator.service.orders as order_service
from simulator import Sandbox

ORDERS = "/orders"
MINIMUM = "invalid_argument: quantity order notional must be more than $1.00 unless selling out entire position"
EXCEEDS = "unknown: trade quantity exceeds position side"
COLLAR = "price too far through market"
EXPIRED = "invalid_argument: live_till Order expired"
EMPTY_QUOTES = "unknown: empty quotes"
NOT_OPEN = "Order is not open"
NOT_FOUND = {"code": 404, "message": "Order not found"}
DUPLICATE = {"code": 400, "message": "Duplicate clientOrderId with different details"}
EIGHT_PLACES = Decimal("0.00000001")
CENT = Decimal("0.01")
NANOS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$")
PLAIN_DECIMAL = re.compile(r"^-?[0-9]+(\.[0-9]*[1-9])?$")
FIXED = {"price": "43000.00", "volatility": 0, "spreadBps": 10}
"""Mid 43000: the best ask 43021.50 and the best bid 42978.50, at every instant."""
ORDER_KEYS = {"createdAt", "cumulativeQuantity", "executions", "id", "leavesQuantity", "request", "status", "working"}
EXECUTION_KEYS = {"commission", "executedAt", "id", "netMoney", "price", "quantity", "side", "symbol", "tradeDate"}
WEEK = 7 * 86_400


# the client's side of the conversation


def order_body(name: str, *, account: str = "INV00001", side: str = "BUY", **fields: Any) -> dict[str, Any]:
    """A MARKET IOC BTCUSD order unless `fields` say otherwise; its clientOrderId is the name's UUID."""
    body = {"account": account, "clientOrderId": uid(name), "symbol": "BTCUSD", "side": side}
    return body | {"type": "MARKET", "timeInForce": "IOC"} | fields


def place(client: Client, name: str, status: int = 201, **fields: Any) -> dict[str, Any]:
    answer: dict[str, Any] = expect(client.post(ORDERS, order_body(name, **fields)), status)
    return answer


def get_order(client: Client, name: str) -> dict[str, Any]:
    answer: dict[str, Any] = expect(client.get(f"{ORDERS}/{uid(name)}"), 200)
    return answer


def cancel(client: Client, name: str, request_name: str) -> requests.Response:
    return client.post(f"{ORDERS}/{uid(name)}/cancel", {"id": uid(request_name)})


def relogin(client: Client) -> None:
    """Tokens live 24 simulated hours; long advances need a new one."""
    credentials = client.provisioning["logonId"], client.provisioning["password"]
    client.token = expect(login(client.sb, *credentials), 200)["token"]


def order_events(client: Client) -> list[dict[str, Any]]:
    """The order/1 payloads of the client's journal, oldest first."""
    return [e["payload"] for e in journal_envelopes(client.sb, client.client_id) if e["event_type"] == "order/1"]


def trade_confirmations(client: Client) -> list[dict[str, Any]]:
    return [e for e in list_emails(client.sb, client.client_id) if e["subject"].startswith("Trade confirmation")]


def owner_address(client: Client, account: str) -> str:
    address: str = expect(client.get(f"/accounts/{account}"), 200)["request"]["owners"][0]["emailAddress"]
    return address


# the test's own oracle


@dataclass(frozen=True)
class Fill:
    price: Decimal
    quantity: Decimal

    @property
    def notional(self) -> Decimal:
        return (self.price * self.quantity).quantize(CENT, ROUND_HALF_EVEN)


def book(sb: Sandbox, symbol: str = "BTCUSD") -> dict[str, Any]:
    answer: dict[str, Any] = expect(control(sb, "GET", f"/market/{symbol}"), 200)
    return answer


def walk(quotes: dict[str, Any], side: str, quantity: Decimal, limit: Decimal | None = None) -> list[Fill]:
    """Best price first, each provider's whole size at its own price, until the quantity is
    met; a limit stops at the first price worse than it."""
    price_key, size_key = ("ask", "askSize") if side == "BUY" else ("bid", "bidSize")
    ladder = sorted(quotes["providers"], key=lambda q: Decimal(q[price_key]), reverse=side == "SELL")
    fills, remaining = [], quantity
    for quote in ladder:
        price = Decimal(quote[price_key])
        if remaining <= 0 or (limit is not None and (price > limit if side == "BUY" else price < limit)):
            break
        take = min(remaining, Decimal(quote[size_key]))
        fills.append(Fill(price, take))
        remaining -= take
    return fills


def plain(value: Decimal) -> str:
    """A decimal as the API writes it: no trailing zeros, never an exponent."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def average(fills: list[Fill]) -> Decimal:
    total = sum((f.quantity for f in fills), Decimal(0))
    return (sum((f.price * f.quantity for f in fills), Decimal(0)) / total).quantize(EIGHT_PLACES, ROUND_HALF_EVEN)


def executed(order: dict[str, Any]) -> list[Fill]:
    return [Fill(Decimal(e["price"]), Decimal(e["quantity"])) for e in order["executions"]]


# fixtures


@pytest.fixture
def trader(sandbox: Sandbox, acme: Client) -> Client:
    """acme (INV00001..3 holding 0.5 BTC each) in a market fixed at mid 43000, 10 bps."""
    expect(control(sandbox, "POST", "/market/BTCUSD", FIXED), 200)
    return acme


@pytest.fixture
def quotes(sandbox: Sandbox, trader: Client) -> dict[str, Any]:
    """The providers' quotes at the start instant: what an order placed then fills against."""
    return book(sandbox)


# fills


def test_a_market_order_fills_across_providers_best_price_first(trader: Client, quotes: dict[str, Any]) -> None:
    alpha = Decimal(quotes["providers"][0]["askSize"])
    quantity = alpha + Decimal("1.5")
    body = order_body("o1", quantity=str(quantity))
    created = expect(trader.post(ORDERS, body), 201)
    assert set(created) == ORDER_KEYS
    assert (created["status"], created["working"], created["executions"]) == ("IN_PROGRESS", True, [])
    assert (created["request"], created["id"], created["createdAt"]) == (body, uid("o1"), "2026-03-02T14:00:00.000Z")
    assert (created["cumulativeQuantity"], created["leavesQuantity"]) == ("0", str(quantity))

    advance(trader.sb, seconds=1)
    order = get_order(trader, "o1")
    expected = walk(quotes, "BUY", quantity)
    assert [(f.price, f.quantity) for f in expected] == [
        (Decimal("43021.5"), alpha),
        (Decimal("43032.25"), Decimal("1.5")),
    ]
    assert executed(order) == expected
    assert (order["status"], order["working"], order["leavesQuantity"]) == ("COMPLETE", False, "0")
    assert order["cumulativeQuantity"] == str(quantity)
    assert order["averagePrice"] == plain(average(expected))
    for execution, fill in zip(order["executions"], expected, strict=True):
        assert set(execution) == EXECUTION_KEYS
        assert (execution["side"], execution["symbol"], execution["commission"]) == ("BUY", "BTCUSD", "0")
        assert (execution["executedAt"], execution["tradeDate"]) == ("2026-03-02T14:00:00.250Z", "2026-03-02")
        assert execution["netMoney"] == plain(fill.notional)
        for field in ("price", "quantity", "netMoney", "commission"):
            assert PLAIN_DECIMAL.match(execution[field]), (field, execution[field])
    assert len({e["id"] for e in order["executions"]}) == 2
    assert trader.holdings("INV00001") == {"BTC": str(quantity + Decimal("0.5"))}


def test_every_execution_and_the_completion_is_an_order_event_on_sqs(trader: Client) -> None:
    place(trader, "o1", quantity="5")
    advance(trader.sb, seconds=1)
    order = get_order(trader, "o1")
    envelopes = drain_queue(trader.queue_url)
    assert envelopes == journal_envelopes(trader.sb, "acme")
    assert [e["event_type"] for e in envelopes] == ["order/1"] * 3
    payloads = [e["payload"] for e in envelopes]
    assert [(p["status"], p["working"], len(p["executions"])) for p in payloads] == [
        ("IN_PROGRESS", True, 1),
        ("IN_PROGRESS", True, 2),
        ("COMPLETE", False, 2),
    ]
    assert payloads[0]["executions"] == order["executions"][:1]
    assert payloads[-1] == order
    assert len({e["message_id"] for e in envelopes}) == 3
    assert all(NANOS.match(e["timestamp"]) for e in envelopes)
    assert {e["timestamp"] for e in envelopes} == {"2026-03-02T14:00:00.250000000Z"}


def test_an_ioc_order_beyond_the_quotes_fills_what_is_quoted_and_cancels_the_rest(
    trader: Client, quotes: dict[str, Any]
) -> None:
    place(trader, "big", quantity="1000")
    advance(trader.sb, seconds=1)
    order = get_order(trader, "big")
    expected = walk(quotes, "BUY", Decimal(1000))
    assert len(expected) == 3 and executed(order) == expected
    assert Decimal(order["cumulativeQuantity"]) == sum(Decimal(q["askSize"]) for q in quotes["providers"])
    assert (order["status"], order["working"], order["leavesQuantity"]) == ("COMPLETE", False, "0")
    assert "rejectReason" not in order
    assert order["averagePrice"] == plain(average(expected))


def test_a_day_market_order_beyond_the_quotes_keeps_working_until_filled(
    trader: Client, quotes: dict[str, Any]
) -> None:
    place(trader, "big", quantity="100", timeInForce="DAY")
    advance(trader.sb, seconds=1)
    first = walk(quotes, "BUY", Decimal(100))
    order = get_order(trader, "big")
    filled = sum((f.quantity for f in first), Decimal(0))
    assert (order["status"], order["working"]) == ("IN_PROGRESS", True)
    assert (Decimal(order["cumulativeQuantity"]), Decimal(order["leavesQuantity"])) == (filled, 100 - filled)
    assert trade_confirmations(trader) == []
    second_look = book(trader.sb)  # the quotes of 14:00:01, which the look at 14:00:01.250 meets
    advance(trader.sb, seconds=1)
    order = get_order(trader, "big")
    expected = first + walk(second_look, "BUY", 100 - filled)
    assert executed(order) == expected
    assert (order["status"], order["cumulativeQuantity"], order["leavesQuantity"]) == ("COMPLETE", "100", "0")
    assert order["averagePrice"] == plain(average(expected))
    assert {e["executedAt"] for e in order["executions"]} == {"2026-03-02T14:00:00.250Z", "2026-03-02T14:00:01.250Z"}
    assert len(trade_confirmations(trader)) == 1


@pytest.mark.parametrize("side", ["BUY", "SELL"])
def test_a_limit_order_takes_only_the_quotes_at_or_better_than_its_price(
    sandbox: Sandbox, trader: Client, quotes: dict[str, Any], side: str
) -> None:
    """The limit is LP-BRAVO's price: LP-ALPHA and LP-BRAVO fill whole, LP-CHARLIE not at all."""
    whale = {"accounts": [{"id": "WHALE", "holdings": {"BTC": "100"}}]}
    expect(control(sandbox, "POST", "/clients/acme/accounts", whale), 201)
    limit = Decimal(quotes["providers"][1]["ask" if side == "BUY" else "bid"])
    place(trader, "l1", account="WHALE", side=side, type="LIMIT", quantity="60", price=str(limit))
    advance(sandbox, seconds=1)
    order = get_order(trader, "l1")
    expected = walk(quotes, side, Decimal(60), limit)
    assert len(expected) == 2 and executed(order) == expected
    assert (order["status"], order["leavesQuantity"]) == ("COMPLETE", "0")
    assert Decimal(order["cumulativeQuantity"]) < 60


def test_a_notional_limit_order_leaves_its_open_usd_at_the_limit_price(trader: Client) -> None:
    created = place(trader, "n1", type="LIMIT", timeInForce="GTC", notional="1000", price="42000")
    assert created["leavesQuantity"] == "0.02380952"  # 1000 / 42000 = 0.0238095238...
    advance(trader.sb, seconds=5)
    assert get_order(trader, "n1")["leavesQuantity"] == "0.02380952"
    market = place(trader, "n2", notional="1000")
    assert market["leavesQuantity"] == "0.02324419"  # at the ask when placed: 1000 / 43021.50 = 0.0232441919...


def test_a_markup_client_moves_every_execution_price(sandbox: Sandbox) -> None:
    expect(control(sandbox, "POST", "/market/BTCUSD", FIXED), 200)
    client = connect(sandbox, "mark", accounts={"count": 1, "prefix": "INV"}, commission={"model": "MARKUP", "bps": 25})
    quotes = book(sandbox)
    place(client, "o1", quantity="5")
    place(client, "o2", quantity="5", bpsCommission=0)
    advance(sandbox, seconds=1)
    market = walk(quotes, "BUY", Decimal(5))
    marked = [Fill((f.price * Decimal("1.0025")).quantize(EIGHT_PLACES, ROUND_HALF_EVEN), f.quantity) for f in market]
    assert executed(get_order(client, "o1")) == marked
    assert get_order(client, "o1")["averagePrice"] == plain(average(marked))
    assert all(e["commission"] == "0" for e in get_order(client, "o1")["executions"])
    assert executed(get_order(client, "o2")) == market


# looks, expiry and maintenance


def test_a_gtc_order_resting_a_week_looks_only_when_the_market_reaches_it(
    trader: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A resting LIMIT order looks at the book only when a book crossing its limit comes into
    force: a week away from the market costs its first look alone (polling made about 790),
    and the change of price that crosses it fills it at that very instant."""
    looks: list[int] = []
    real_fill: Callable[..., Any] = order_service.fill_market_order

    def counting_fill(*args: Any, **kwargs: Any) -> Any:
        looks.append(trader.sb.core.now)
        return real_fill(*args, **kwargs)

    monkeypatch.setattr(order_service, "fill_market_order", counting_fill)
    place(trader, "gtc", type="LIMIT", timeInForce="GTC", quantity="0.01", price="42000")
    advance(trader.sb, seconds=WEEK)
    relogin(trader)
    resting = get_order(trader, "gtc")
    assert (resting["status"], resting["working"], resting["executions"]) == ("IN_PROGRESS", True, [])
    assert len(looks) == 1, looks
    assert order_events(trader) == []
    expect(control(trader.sb, "POST", "/market/BTCUSD", {"price": "41900.00"}), 200)
    order = get_order(trader, "gtc")
    assert (order["status"], order["cumulativeQuantity"], order["averagePrice"]) == ("COMPLETE", "0.01", "41920.95")
    assert order["executions"][0]["executedAt"] == "2026-03-09T14:00:00.000Z"
    assert [p["status"] for p in order_events(trader)] == ["IN_PROGRESS", "COMPLETE"]
    assert len(looks) == 2


def test_a_gtc_order_expires_after_90_days(trader: Client) -> None:
    place(trader, "gtc", type="LIMIT", timeInForce="GTC", quantity="0.01", price="42000")
    advance(trader.sb, to="2026-05-31T13:59:59Z")  # 90 days less a second
    relogin(trader)
    assert get_order(trader, "gtc")["working"] is True
    advance(trader.sb, to="2026-05-31T14:15:00Z")
    order = get_order(trader, "gtc")
    assert (order["status"], order["working"], order.get("rejectReason")) == ("COMPLETE", False, EXPIRED)
    assert [(p["status"], p.get("rejectReason")) for p in order_events(trader)] == [("COMPLETE", EXPIRED)]


def test_a_gtd_order_expires_at_its_expire_time(trader: Client) -> None:
    """Design notes: GTD orders expire at `expireTime`; an advance includes its target instant."""
    expire_time = "2026-03-02T16:30:07Z"
    place(trader, "gtd", type="LIMIT", timeInForce="GTD", quantity="0.01", price="42000", expireTime=expire_time)
    advance(trader.sb, to="2026-03-02T16:30:06.999Z")
    assert get_order(trader, "gtd")["working"] is True
    advance(trader.sb, to=expire_time)
    order = get_order(trader, "gtd")
    assert (order["status"], order["working"], order.get("rejectReason")) == ("COMPLETE", False, EXPIRED)
    (event,) = [e for e in journal_envelopes(trader.sb, "acme") if e["event_type"] == "order/1"]
    assert event["timestamp"] == "2026-03-02T16:30:07.000000000Z"


def test_day_orders_expire_at_1630_ct_and_gtc_orders_rest(trader: Client) -> None:
    place(trader, "day", type="LIMIT", timeInForce="DAY", quantity="0.01", price="42000")
    place(trader, "gtc", type="LIMIT", timeInForce="GTC", quantity="0.01", price="42000")
    advance(trader.sb, to="2026-03-02T22:30:00Z")
    day, gtc = get_order(trader, "day"), get_order(trader, "gtc")
    assert (day["status"], day["working"], day["rejectReason"]) == ("COMPLETE", False, EXPIRED)
    assert day["leavesQuantity"] == "0"
    assert (gtc["status"], gtc["working"], gtc["leavesQuantity"]) == ("IN_PROGRESS", True, "0.01")
    (event,) = journal_envelopes(trader.sb, "acme")
    assert (event["payload"], event["timestamp"]) == (day, "2026-03-02T22:30:00.000000000Z")


@pytest.mark.parametrize(
    ("instant", "accepted"),
    [
        ("2026-03-02T22:29:59.999Z", True),
        ("2026-03-02T22:30:00Z", False),
        ("2026-03-02T23:04:59.999Z", False),
        ("2026-03-02T23:05:00Z", True),
        ("2026-07-01T21:30:00Z", False),  # 16:30 CDT: the window follows daylight saving
        ("2026-07-01T22:05:00Z", True),
    ],
)
def test_new_orders_are_rejected_during_maintenance(trader: Client, instant: str, accepted: bool) -> None:
    advance(trader.sb, to=instant)
    relogin(trader)
    answer = place(trader, "m1", type="LIMIT", timeInForce="GTC", quantity="0.01", price="42000")
    expected = ("IN_PROGRESS", None) if accepted else ("COMPLETE", EXPIRED)
    assert (answer["status"], answer.get("rejectReason")) == expected


def test_a_gtc_order_does_not_fill_during_maintenance(trader: Client) -> None:
    """GTC orders rest through the window (CONTRACT 7): the market crossing at 16:40 CT fills
    the order only once maintenance ends at 17:05 CT."""
    place(trader, "gtc", type="LIMIT", timeInForce="GTC", quantity="0.01", price="42000")
    advance(trader.sb, to="2026-03-02T22:40:00Z")
    expect(control(trader.sb, "POST", "/market/BTCUSD", {"price": "41900.00"}), 200)
    advance(trader.sb, to="2026-03-02T23:30:00Z")
    order = get_order(trader, "gtc")
    assert (order["status"], order["cumulativeQuantity"]) == ("COMPLETE", "0.01")
    (execution,) = order["executions"]
    assert execution["executedAt"] >= "2026-03-02T23:05:00.000Z", execution


# pre-trade rejects and the outage


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"notional": "0.99"}, MINIMUM),
        ({"quantity": "0.00002324"}, MINIMUM),  # 0.99981966 at the ask
        ({"side": "SELL", "quantity": "0.00002325"}, MINIMUM),  # 0.99925013 at the bid
        ({"type": "LIMIT", "quantity": "0.01", "price": "47323.66"}, COLLAR),
        ({"side": "SELL", "type": "LIMIT", "quantity": "0.01", "price": "38680.64"}, COLLAR),
        ({"side": "SELL", "quantity": "0.50000001"}, EXCEEDS),
        ({"side": "SELL", "notional": "21489.26"}, EXCEEDS),  # 0.5 BTC is 21489.25 at the bid
    ],
    ids=[
        "notional", "buy-quantity", "sell-quantity", "buy-collar", "sell-collar",
        "sell-above-holding", "sell-notional-above-holding",
    ],  # fmt: skip
)
def test_a_pre_trade_reject_is_a_complete_order_in_the_create_answer(
    trader: Client, fields: dict[str, str], reason: str
) -> None:
    answer = place(trader, "x1", **fields)
    assert set(answer) == ORDER_KEYS | {"rejectReason"}
    assert (answer["status"], answer["working"], answer["rejectReason"]) == ("COMPLETE", False, reason)
    assert (answer["cumulativeQuantity"], answer["leavesQuantity"], answer["executions"]) == ("0", "0", [])
    assert [e["payload"] for e in drain_queue(trader.queue_url)] == [answer]
    advance(trader.sb, seconds=1)
    assert get_order(trader, "x1") == answer
    assert trader.holdings("INV00001") == {"BTC": "0.5"}
    assert trade_confirmations(trader) == []


def test_working_sell_orders_count_against_the_position(trader: Client) -> None:
    place(trader, "s1", side="SELL", type="LIMIT", timeInForce="GTC", quantity="0.3", price="45000")
    place(trader, "s2", side="SELL", type="LIMIT", timeInForce="DAY", quantity="0.15", price="45000")
    (position,) = expect(trader.get("/positions/INV00001"), 200)["positions"]
    assert (position["current"], position["tradable"], position["settled"]) == ("0.5", "0.05", "0.5")
    assert place(trader, "s3", side="SELL", quantity="0.05000001")["rejectReason"] == EXCEEDS
    assert place(trader, "s4", side="SELL", type="LIMIT", timeInForce="GTC", quantity="0.05", price="45000")["working"]
    expect(cancel(trader, "s2", "c1"), 200)
    (position,) = expect(trader.get("/positions/INV00001"), 200)["positions"]
    assert position["tradable"] == "0.15"
    assert place(trader, "s5", side="SELL", quantity="0.15")["working"]


def test_an_outage_rejects_at_fill_time(trader: Client) -> None:
    expect(control(trader.sb, "POST", "/market/BTCUSD", {"outage": True}), 200)
    created = place(trader, "o1", quantity="0.01")
    assert (created["status"], created["working"]) == ("IN_PROGRESS", True)
    assert journal_envelopes(trader.sb, "acme") == []
    advance(trader.sb, seconds=1)
    order = get_order(trader, "o1")
    assert (order["status"], order["working"], order["rejectReason"]) == ("COMPLETE", False, EMPTY_QUOTES)
    assert [e["payload"] for e in drain_queue(trader.queue_url)] == [order]


def test_stop_limit_orders_are_refused_as_unsupported(trader: Client) -> None:
    stop_limit = {"type": "STOP_LIMIT", "timeInForce": "GTC", "price": "44000", "stopPrice": "43900"}
    answer = place(trader, "sl", quantity="0.01", **stop_limit)
    expected = ("COMPLETE", "invalid_argument: STOP_LIMIT orders are not supported")
    assert (answer["status"], answer["rejectReason"]) == expected


# idempotency, isolation, cancels


def test_resending_an_order_answers_it_and_changing_it_is_refused(trader: Client) -> None:
    body = order_body("o1", quantity="0.01")
    created = expect(trader.post(ORDERS, body), 201)
    assert expect(trader.post(ORDERS, body), 200) == created
    advance(trader.sb, seconds=1)
    filled = get_order(trader, "o1")
    assert expect(trader.post(ORDERS, body), 200) == filled
    assert expect(trader.post(ORDERS, body | {"quantity": "0.02"}), 400) == DUPLICATE
    assert expect(trader.post(ORDERS, body | {"bpsCommission": 5}), 400) == DUPLICATE
    assert expect(trader.post(ORDERS, body | {"account": "INV00002"}), 400) == DUPLICATE
    assert get_order(trader, "o1") == filled
    assert len(filled["executions"]) == 1
    assert [p["status"] for p in order_events(trader)] == ["IN_PROGRESS", "COMPLETE"]
    assert trader.holdings("INV00001") == {"BTC": "0.51"}


def test_a_rejected_order_is_idempotent_too(trader: Client) -> None:
    body = order_body("x1", notional="0.5")
    rejected = expect(trader.post(ORDERS, body), 201)
    assert expect(trader.post(ORDERS, body), 200) == rejected
    assert expect(trader.post(ORDERS, body | {"notional": "5"}), 400) == DUPLICATE
    assert len(order_events(trader)) == 1


@pytest.mark.parametrize(("who", "name"), [("acme", "ghost"), ("other", "o1"), ("other", "ghost")])
def test_unknown_and_foreign_orders_are_404_on_get_and_cancel(trader: Client, who: str, name: str) -> None:
    other = connect(trader.sb, "other", accounts={"count": 1, "prefix": "INV"})
    place(trader, "o1", type="LIMIT", timeInForce="GTC", quantity="0.01", price="42000")
    asker = trader if who == "acme" else other
    assert expect(asker.get(f"{ORDERS}/{uid(name)}"), 404) == NOT_FOUND
    assert expect(cancel(asker, name, "c1"), 404) == NOT_FOUND
    mine = get_order(trader, "o1")
    assert ("cancels" in mine, mine["working"]) == (False, True)


def test_one_client_order_id_names_one_order_per_client(trader: Client) -> None:
    other = connect(trader.sb, "other", accounts={"count": 1, "prefix": "INV"})
    mine = place(trader, "o1", quantity="0.01")
    theirs = place(other, "o1", quantity="0.02")
    assert (mine["id"], theirs["id"]) == (uid("o1"), uid("o1"))
    advance(trader.sb, seconds=1)
    assert get_order(trader, "o1")["cumulativeQuantity"] == "0.01"
    assert get_order(other, "o1")["cumulativeQuantity"] == "0.02"


def test_orders_need_a_token(trader: Client) -> None:
    for method, path in [("POST", ORDERS), ("GET", f"{ORDERS}/{uid('o1')}"), ("POST", f"{ORDERS}/{uid('o1')}/cancel")]:
        response = requests.request(method, f"{trader.sb.base_url}{API}{path}", json={}, timeout=10)
        assert (response.status_code, response.json()) == (401, UNAUTHORIZED)


def test_cancelling_a_working_order_completes_it_once(trader: Client) -> None:
    place(trader, "w1", type="LIMIT", timeInForce="GTC", quantity="0.01", price="42000")
    advance(trader.sb, seconds=1)
    answer = expect(cancel(trader, "w1", "c1"), 200)
    assert answer == {"receivedAt": "2026-03-02T14:00:01.000Z", "request": {"id": uid("c1")}}
    order = get_order(trader, "w1")
    assert (order["status"], order["working"], order["leavesQuantity"]) == ("COMPLETE", False, "0")
    assert order["cancels"] == [{"request": {"id": uid("c1")}, "transactTime": "2026-03-02T14:00:01.000Z"}]
    assert "rejectReason" not in order
    assert [e["payload"] for e in drain_queue(trader.queue_url)] == [order]
    advance(trader.sb, seconds=1)
    expect(cancel(trader, "w1", "c2"), 200)
    again = get_order(trader, "w1")
    assert again["cancels"][1] == {
        "rejectReason": NOT_OPEN,
        "request": {"id": uid("c2")},
        "transactTime": "2026-03-02T14:00:02.000Z",
    }
    assert drain_queue(trader.queue_url) == []
    assert trade_confirmations(trader) == []


def test_cancelling_a_partly_filled_day_order_keeps_its_executions(trader: Client, quotes: dict[str, Any]) -> None:
    place(trader, "big", quantity="100", timeInForce="DAY")
    advance(trader.sb, seconds=0.5)
    expect(cancel(trader, "big", "c1"), 200)
    advance(trader.sb, seconds=5)
    order = get_order(trader, "big")
    filled = walk(quotes, "BUY", Decimal(100))
    assert executed(order) == filled
    assert (order["status"], order["working"], order["leavesQuantity"]) == ("COMPLETE", False, "0")
    assert Decimal(order["cumulativeQuantity"]) == sum(f.quantity for f in filled)
    assert "rejectReason" not in order["cancels"][0]
    assert [p["status"] for p in order_events(trader)] == ["IN_PROGRESS"] * 3 + ["COMPLETE"]
    assert len(trade_confirmations(trader)) == 1


# accounts, emails, files


def test_an_order_on_the_gift_account_stocks_inventory_for_gifts(trader: Client) -> None:
    place(trader, "stock", account="GIFT00001", quantity="0.02")
    advance(trader.sb, seconds=1)
    assert get_order(trader, "stock")["status"] == "COMPLETE"
    assert trader.holdings("GIFT00001") == {"BTC": "0.02"}
    body = {"account": "INV00002", "clientTransactionId": uid("g1"), "currency": "BTC", "quantity": "0.02"}
    gift = expect(trader.post("/allocation/gift", body), 200)
    assert (gift["status"], gift["notional"]) == ("COMPLETE", "860.43")  # 0.02 * 43021.50
    assert trader.holdings("GIFT00001") == {"BTC": "0"}
    assert trader.holdings("INV00002") == {"BTC": "0.52"}
    assert trade_confirmations(trader) == []


@pytest.mark.parametrize("account", ["FIRM00001", "INV00099", "OTH00001"])
def test_an_order_for_an_account_that_is_not_the_clients_is_a_400(trader: Client, account: str) -> None:
    connect(trader.sb, "other", accounts={"count": 1, "prefix": "OTH"})
    answer = expect(trader.post(ORDERS, order_body("x1", account=account, quantity="0.01")), 400)
    assert answer == {"code": 400, "message": "Invalid account Id"}
    assert expect(trader.get(f"{ORDERS}/{uid('x1')}"), 404) == NOT_FOUND


def test_a_filled_order_sends_one_trade_confirmation_through_ses(trader: Client) -> None:
    sent = int(boto3.client("ses", region_name=REGION).get_send_quota()["SentLast24Hours"])
    place(trader, "o1", account="INV00002", side="SELL", quantity="0.1", bpsCommission=30)
    place(trader, "x1", account="INV00002", notional="0.5")
    advance(trader.sb, seconds=1)
    (email,) = list_emails(trader.sb, "acme", to=owner_address(trader, "INV00002"))
    assert email["subject"].startswith("Trade confirmation")
    assert email["sentAt"] == "2026-03-02T14:00:00.250Z"
    for text in ("SELL", "BTC", "0.1", "42978.5", "12.89", "4284.96"):
        assert text in email["body"], text
    assert int(boto3.client("ses", region_name=REGION).get_send_quota()["SentLast24Hours"]) == sent + 1


def detail_rows(client: Client, day: str) -> tuple[list[list[str]], list[dict[str, str]]]:
    text = s3_text(client.provisioning["bucket"], f"eod_settlement/{day}settlement_detail.csv")
    lines = list(csv.reader(io.StringIO(text)))
    return lines[:4], [dict(zip(lines[4], row, strict=True)) for row in lines[5:]]


def test_the_settlement_detail_has_one_row_per_execution(trader: Client) -> None:
    place(trader, "o1", quantity="5", fixedCommission="2.50")
    place(trader, "o2", account="INV00002", side="SELL", quantity="0.1")
    advance(trader.sb, to="2026-03-02T15:00:00Z")
    heading, rows = detail_rows(trader, "2026-03-02")
    orders = [get_order(trader, "o1"), get_order(trader, "o2")]
    expected = [
        {
            "Account ID": order["request"]["account"],
            "Client Order ID": order["request"]["clientOrderId"],
            "Execution ID": e["id"],
            "Trade Date": "03/02/2026",
            "Execution Time": e["executedAt"],
            "Side": e["side"],
            "Symbol": "BTC",
            "Last Quantity": e["quantity"],
            "Last Price": e["price"],
            "Notional": str(Fill(Decimal(e["price"]), Decimal(e["quantity"])).notional),
            "Fees": str(Decimal(e["commission"]).quantize(CENT)),
            "Total": str(Decimal(e["netMoney"]).quantize(CENT)),
        }
        for order in orders
        for e in order["executions"]
    ]
    assert len(expected) == 3
    assert rows == sorted(expected, key=lambda row: (row["Execution Time"], row["Execution ID"]))
    buys = sum(Decimal(r["Total"]) for r in rows if r["Side"] == "BUY")
    sells = sum(Decimal(r["Total"]) for r in rows if r["Side"] == "SELL")
    assert heading[2] == ["Net Settlement", str(buys - sells)]
    assert [r["Fees"] for r in rows if r["Client Order ID"] == uid("o1")].count("2.50") == 1
    summary = s3_text(trader.provisioning["bucket"], "eod_settlement/2026-03-02settlement_summary.csv")
    assert "\nBTC," in summary and ",4.9,0,4.9\n" in summary  # firm qty: 5 bought, 0.1 sold


# requests that do not describe an order


@pytest.fixture(scope="module")
def shared() -> Iterator[Client]:
    """One sandbox for the malformed requests, which change nothing."""
    with Sandbox(seed=7, start=START) as sb:
        yield connect(sb, "acme", accounts={"count": 1, "prefix": "INV", "holdings": {"BTC": "0.5"}})


MALFORMED: list[tuple[str, dict[str, Any], str]] = [
    ("both", {"quantity": "0.01", "notional": "5"}, "notional"),
    ("neither", {}, "quantity"),
    ("limit-without-price", {"type": "LIMIT", "timeInForce": "GTC", "quantity": "0.01"}, "price"),
    ("market-with-price", {"quantity": "0.01", "price": "43000"}, "price"),
    ("off-increment", {"quantity": "0.000000001"}, "quantity"),
    ("zero-quantity", {"quantity": "0"}, "quantity"),
    ("negative-notional", {"notional": "-5"}, "notional"),
    ("number-quantity", {"quantity": 0.01}, "quantity"),
    ("exponent", {"quantity": "1e-2"}, "quantity"),
    ("unknown-time-in-force", {"timeInForce": "FOK", "quantity": "0.01"}, "timeInForce"),
    ("unknown-type", {"type": "STOP", "quantity": "0.01"}, "type"),
    ("unknown-side", {"side": "HOLD", "quantity": "0.01"}, "side"),
    ("gtd-without-expiry", {"timeInForce": "GTD", "quantity": "0.01"}, "expireTime"),
    ("gtd-in-the-past", {"timeInForce": "GTD", "quantity": "0.01", "expireTime": "2026-03-02T13:00:00Z"}, "expireTime"),
    ("gtd-now", {"timeInForce": "GTD", "quantity": "0.01", "expireTime": START}, "expireTime"),
    ("gtd-not-a-time", {"timeInForce": "GTD", "quantity": "0.01", "expireTime": "tomorrow"}, "expireTime"),
    ("both-commissions", {"quantity": "0.01", "bpsCommission": 5, "fixedCommission": "1"}, "fixedCommission"),
    ("both-markups", {"quantity": "0.01", "bpsMarkup": 5, "fixedMarkup": "1"}, "fixedMarkup"),
    ("bps-as-string", {"quantity": "0.01", "bpsCommission": "5"}, "bpsCommission"),
    ("long-client-order-id", {"quantity": "0.01", "clientOrderId": "x" * 65}, "clientOrderId"),
]


@pytest.mark.parametrize(("fields", "field"), [(f, n) for _, f, n in MALFORMED], ids=[i for i, _, _ in MALFORMED])
def test_a_request_that_does_not_describe_an_order_is_a_400_naming_the_field(
    shared: Client, fields: dict[str, Any], field: str
) -> None:
    published = len(journal_envelopes(shared.sb, "acme"))
    body = order_body("bad-input") | fields
    answer = expect(shared.post(ORDERS, body), 400)
    assert answer["code"] == 400 and field in answer["message"], answer
    assert expect(shared.get(f"{ORDERS}/{uid('bad-input')}"), 404) == NOT_FOUND
    assert len(journal_envelopes(shared.sb, "acme")) == published


def test_an_unknown_symbol_is_a_400(shared: Client) -> None:
    answer = expect(shared.post(ORDERS, order_body("bad-symbol", symbol="XYZUSD", quantity="1")), 400)
    assert answer == {"code": 400, "message": "Invalid symbol"}
