"""Orders: place, resend and cancel investor orders, and what they show afterwards.

A quoted order name ("o1") stands for the UUID the seed derives from it, used
as the order's `clientOrderId`. The look-up, status and event phrases of the
batch and event steps take `order` as their resource (`"other" looks up the
order "o1"`, `"acme"'s last event for the order "o1" equals its API answer`).
"""
from __future__ import annotations

import csv
import io
import json
from decimal import ROUND_HALF_EVEN, Decimal
from operator import itemgetter
from typing import Any

from pytest_bdd import given, then, when

from simulator.testing.context import API, CONTROL, ORDERS, BakktContext, Resource
from simulator.testing.grammar import fields_of, phrase, table_rows

PLACE = '"{client:Text}" places a {order_type:Word} {time_in_force:Word} {side:Word} order "{order:Text}" for'
QUANTITY = PLACE + ' "{quantity:Text}" {symbol:Word}'
NOTIONAL = PLACE + ' "{notional:Text}" USD of {symbol:Word}'
AT_PRICE = ' at "{price:Text}"'
ON_ACCOUNT = " on {account:Word}"
BY_QUANTITY = QUANTITY + ON_ACCOUNT
BY_QUANTITY_AT = QUANTITY + AT_PRICE + ON_ACCOUNT
BY_NOTIONAL = NOTIONAL + ON_ACCOUNT
BY_NOTIONAL_AT = NOTIONAL + AT_PRICE + ON_ACCOUNT
SUBMIT = '"{client:Text}" submits the order "{order:Text}" with:'
RESEND = '"{client:Text}" sends the order "{order:Text}" again'
CANCEL = '"{client:Text}" cancels the order "{order:Text}"'
CONFIRMATIONS = '"{client:Text}"\'s investor {account:Word} has received {count:d} trade confirmation email'
DETAIL = '"{client:Text}"\'s settlement detail for "{date:Text}"'
CONFIRMATION = "Trade confirmation"
EVENT_TYPE = "order/1"
CONTROL_MARKET = f"{CONTROL}/market"
CENT = Decimal("0.01")


# requests


def send_order(bakkt_context: BakktContext, client: str, order: str, body: dict[str, Any]) -> None:
    """POST /orders with the order's clientOrderId (unless the body names one); `client` owns
    the name, and the answer is the last answer."""
    bakkt_context.claim(Resource.ORDER, order, client)
    body = {"clientOrderId": bakkt_context.uuid(order), **body}
    bakkt_context.sent[(Resource.ORDER, order)] = body
    bakkt_context.act(client, "POST", ORDERS, body)


def place(
    bakkt_context: BakktContext,
    client: str,
    order: str,
    terms: dict[str, str],
    datatable: list[list[str]] | None,
) -> None:
    """An order from the phrase's words (type, time in force, side, amount, symbol, account
    and any price) and the optional table's extra fields."""
    body = {key: value for key, value in terms.items() if value}
    send_order(bakkt_context, client, order, body | fields_of(datatable or []))


def order_terms(order_type: str, time_in_force: str, side: str, symbol: str, account: str) -> dict[str, str]:
    return {"account": account, "symbol": symbol, "side": side, "type": order_type, "timeInForce": time_in_force}


@given(phrase(BY_QUANTITY))
@when(phrase(BY_QUANTITY))
@given(phrase(BY_QUANTITY_AT))
@when(phrase(BY_QUANTITY_AT))
@given(phrase(BY_QUANTITY + " with:"))
@when(phrase(BY_QUANTITY + " with:"))
@given(phrase(BY_QUANTITY_AT + " with:"))
@when(phrase(BY_QUANTITY_AT + " with:"))
@given(phrase(BY_NOTIONAL))
@when(phrase(BY_NOTIONAL))
@given(phrase(BY_NOTIONAL_AT))
@when(phrase(BY_NOTIONAL_AT))
@given(phrase(BY_NOTIONAL + " with:"))
@when(phrase(BY_NOTIONAL + " with:"))
@given(phrase(BY_NOTIONAL_AT + " with:"))
@when(phrase(BY_NOTIONAL_AT + " with:"))
def place_order(
    bakkt_context: BakktContext,
    client: str,
    order_type: str,
    time_in_force: str,
    side: str,
    order: str,
    symbol: str,
    account: str,
    quantity: str = "",
    notional: str = "",
    price: str = "",
    datatable: list[list[str]] | None = None,
) -> None:
    """An order for this much coin (`... for "0.01" BTCUSD on INV00001`) or for this many
    dollars of coin (`... for "200" USD of BTCUSD on INV00001`); a LIMIT order names its
    price (`... for "0.01" BTCUSD at "42500" on INV00001`). A phrase ending in `with:` adds
    fields from a two-column table of field and value (bpsCommission, 50), an empty value
    leaving the field out. The create answer is the last answer."""
    terms = order_terms(order_type, time_in_force, side, symbol, account)
    amounts = {"quantity": quantity, "notional": notional, "price": price}
    place(bakkt_context, client, order, terms | amounts, datatable)


@given(phrase(SUBMIT))
@when(phrase(SUBMIT))
def submit_with(bakkt_context: BakktContext, client: str, order: str, datatable: list[list[str]]) -> None:
    """Any order body, from a two-column table of field and value (account, symbol, side,
    type, timeInForce, quantity, notional, price, expireTime, ...): for malformed requests
    and Scenario Outlines. The name gives the clientOrderId unless the table does."""
    send_order(bakkt_context, client, order, fields_of(datatable))


def last_sent(bakkt_context: BakktContext, name: str) -> dict[str, Any]:
    body = bakkt_context.sent.get((Resource.ORDER, name))
    assert body is not None, f'no step has sent "{name}" yet'
    return body


def cancel_name(order: str) -> str:
    """The name a cancel of the order goes by: each cancel's id is a fresh UUID under it."""
    return f"cancel of {order}"


@when(phrase(RESEND))
@when(phrase(RESEND + " with:"))
def resend(bakkt_context: BakktContext, client: str, order: str, datatable: list[list[str]] | None = None) -> None:
    """The very body last sent for the order, as a client's retry would send it; with a
    two-column table of field and value, that body with those fields changed: the same
    clientOrderId with different details."""
    body = last_sent(bakkt_context, order) | fields_of(datatable or [])
    bakkt_context.act(client, "POST", ORDERS, body)


@given(phrase(CANCEL))
@when(phrase(CANCEL))
def cancel(bakkt_context: BakktContext, client: str, order: str) -> None:
    """A cancel request with a fresh UUID as its id; the answer is the last answer."""
    body = {"id": bakkt_context.fresh_uuid(cancel_name(order))}
    bakkt_context.sent[(Resource.ORDER, cancel_name(order))] = body
    bakkt_context.act(client, "POST", f"{ORDERS}/{bakkt_context.uuid(order)}/cancel", body)


@given(phrase('the market for {symbol:Word} moves to "{price:Text}"'))
@when(phrase('the market for {symbol:Word} moves to "{price:Text}"'))
def market_moves(bakkt_context: BakktContext, symbol: str, price: str) -> None:
    """The mid jumps to this price from now on, keeping the volatility and spread: how a
    scenario moves the market through a resting limit. Working orders see it at their next
    look (every second in their first minute)."""
    book = bakkt_context.control("POST", f"{CONTROL_MARKET}/{symbol}", {"price": price}).expect(200)
    assert Decimal(book["mid"]) == Decimal(price), f"the mid is {book['mid']}, expected {price}"


# the create answer and the order


def fetch_order(bakkt_context: BakktContext, order: str) -> dict[str, Any]:
    return bakkt_context.fetch(Resource.ORDER, order)


def rendered(value: Any) -> str:
    """A JSON value as a table writes it: strings as they are, booleans as true/false,
    an absent field as the empty string."""
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def expect_fields(body: dict[str, Any], expected: dict[str, str], what: str) -> None:
    observed = {name: rendered(body.get(name)) for name in expected}
    assert observed == expected, f"{what} shows {observed}, expected {expected}: {body}"


def created(bakkt_context: BakktContext, order: str) -> dict[str, Any]:
    """The last answer, once it is a 201 for this order."""
    body: dict[str, Any] = bakkt_context.last_answer().expect(201)
    assert body.get("id") == bakkt_context.uuid(order), f'the answer is not the order "{order}": {body}'
    return body


@then(phrase('the order "{order:Text}" was created IN_PROGRESS and working'))
def created_working(bakkt_context: BakktContext, order: str) -> None:
    """The create answer is 201 with the order accepted and not yet executed: it executes
    asynchronously, 250 ms later at the earliest."""
    expected = {"status": "IN_PROGRESS", "working": "true", "rejectReason": "", "cumulativeQuantity": "0"}
    body = created(bakkt_context, order)
    expect_fields(body, expected, "the create answer")
    assert body["executions"] == [], f"the create answer already has executions: {body}"


@then(phrase('the order "{order:Text}" was rejected on creation with reason "{reason:Text}"'))
def created_rejected(bakkt_context: BakktContext, order: str, reason: str) -> None:
    """Pre-trade checks reject in the create answer itself: 201, COMPLETE, not working,
    nothing filled or left, and the reason word for word."""
    expected = {
        "status": "COMPLETE",
        "working": "false",
        "rejectReason": reason,
        "cumulativeQuantity": "0",
        "leavesQuantity": "0",
    }
    body = created(bakkt_context, order)
    expect_fields(body, expected, "the create answer")
    assert body["executions"] == [], f"a rejected order has executions: {body}"


@then(phrase('the last answer has status {code:d} and shows the order "{order:Text}" as it stands'))
def answer_is_order(bakkt_context: BakktContext, code: int, order: str) -> None:
    """A resent order answers with the existing order, exactly as a GET shows it now."""
    body = bakkt_context.last_answer().expect(code)
    current = fetch_order(bakkt_context, order)
    assert body == current, f'the answer {body} is not the order "{order}" as it stands: {current}'


@then(phrase('the order "{order:Text}" shows:'))
def order_shows(bakkt_context: BakktContext, order: str, datatable: list[list[str]]) -> None:
    """Fields of the order as its GET shows them now, from a two-column table of field and
    value: decimals exactly as the API writes them, booleans as true or false, and an empty
    value for a field that must be absent (rejectReason, averagePrice, cancels)."""
    expect_fields(fetch_order(bakkt_context, order), dict(datatable), f'the order "{order}"')


@then(phrase('the order "{order:Text}" is COMPLETE with reason "{reason:Text}"'))
def order_rejected(bakkt_context: BakktContext, order: str, reason: str) -> None:
    """Rejected or expired after it was created: COMPLETE, no longer working, nothing left,
    and the reason word for word."""
    expected = {"status": "COMPLETE", "working": "false", "rejectReason": reason, "leavesQuantity": "0"}
    expect_fields(fetch_order(bakkt_context, order), expected, f'the order "{order}"')


@then(
    phrase(
        'the order "{order:Text}" is COMPLETE with "{cumulative:Text}" filled'
        ' at an average price of "{average:Text}"'
    )
)
def order_filled(bakkt_context: BakktContext, order: str, cumulative: str, average: str) -> None:
    """Done without a reject: cumulativeQuantity, the quantity-weighted average of the
    executions' prices to 8 places, and leavesQuantity 0 (an IOC remainder is cancelled)."""
    expected = {
        "status": "COMPLETE",
        "working": "false",
        "rejectReason": "",
        "cumulativeQuantity": cumulative,
        "averagePrice": average,
        "leavesQuantity": "0",
    }
    expect_fields(fetch_order(bakkt_context, order), expected, f'the order "{order}"')


@then(phrase('the order "{order:Text}" has executions:'))
def order_executions(bakkt_context: BakktContext, order: str, datatable: list[list[str]]) -> None:
    """Every execution in the order the API lists them, best price first (columns among
    side, symbol, price, quantity, commission, netMoney, tradeDate, executedAt): one per
    provider hit, each at that provider's price moved by any markup."""
    executions = fetch_order(bakkt_context, order)["executions"]
    actual = [{column: rendered(execution.get(column)) for column in datatable[0]} for execution in executions]
    expected = table_rows(datatable)
    assert actual == expected, f'the order "{order}" has executions {actual}, expected {expected}'


@then(phrase('the order "{order:Text}" lists cancels:'))
def order_cancels(bakkt_context: BakktContext, order: str, datatable: list[list[str]]) -> None:
    """Every cancel request recorded on the order, oldest first (column rejectReason, empty
    for a cancel that took effect; also transactTime)."""
    cancels = fetch_order(bakkt_context, order).get("cancels", [])
    actual = [{column: rendered(entry.get(column)) for column in datatable[0]} for entry in cancels]
    expected = table_rows(datatable)
    assert actual == expected, f'the order "{order}" lists cancels {actual}, expected {expected}'


@then(phrase('the last answer acknowledges the cancel of the order "{order:Text}"'))
def cancel_acknowledged(bakkt_context: BakktContext, order: str) -> None:
    """A CancelResponse: HTTP 200 echoing the cancel request's id, with receivedAt."""
    body = bakkt_context.last_answer().expect(200)
    sent = last_sent(bakkt_context, cancel_name(order))
    assert body.get("request") == sent and body.get("receivedAt"), f"the answer {body} does not acknowledge {sent}"


# positions, events, emails, files


@then(phrase('"{client:Text}"\'s account {account:Word} has "{quantity:Text}" {coin:Word} tradable'))
def account_tradable(bakkt_context: BakktContext, client: str, account: str, quantity: str, coin: str) -> None:
    """The position's `tradable`: the holding less what open SELL orders may still take."""
    positions = bakkt_context.api(client, "GET", f"{API}/positions/{account}").expect(200)["positions"]
    rows = [row for row in positions if row["currency"] == coin]
    actual = rows[0]["tradable"] if rows else "0"
    assert actual == quantity, f"{account} has {actual} {coin} tradable, expected {quantity}: {positions}"


def described_order(bakkt_context: BakktContext, payload: dict[str, Any]) -> dict[str, str]:
    """An order/1 payload as a table row."""
    return {
        "name": bakkt_context.name_of(payload["id"]),
        "status": payload["status"],
        "working": rendered(payload["working"]),
        "executions": str(len(payload["executions"])),
        "cumulativeQuantity": payload["cumulativeQuantity"],
        "leavesQuantity": payload["leavesQuantity"],
        "reason": payload.get("rejectReason", ""),
        "cancels": str(len(payload.get("cancels", []))),
    }


@then(phrase('"{client:Text}"\'s queue has delivered these order events in order:'))
def order_events(bakkt_context: BakktContext, client: str, datatable: list[list[str]]) -> None:
    """Every order/1 event so far, in order (columns among name, status, working,
    executions, cumulativeQuantity, leavesQuantity, reason, cancels): one per execution,
    one at completion, and a cancel's completion; never one for the create alone."""
    envelopes = [e for e in bakkt_context.read_queue(client) if e["event_type"] == EVENT_TYPE]
    columns = datatable[0]
    actual = [{c: described_order(bakkt_context, e["payload"])[c] for c in columns} for e in envelopes]
    expected = table_rows(datatable)
    assert actual == expected, f"the queue delivered order events {actual}, expected {expected}"


def confirmations(bakkt_context: BakktContext, client: str, account: str) -> list[dict[str, Any]]:
    emails = bakkt_context.emails_to_investor(client, account)
    return [email for email in emails if email["subject"].startswith(CONFIRMATION)]


@then(phrase(CONFIRMATIONS + "s"))
@then(phrase(CONFIRMATIONS))
def confirmation_count(bakkt_context: BakktContext, client: str, account: str, count: int) -> None:
    """Emails whose subject starts `Trade confirmation`: one per completed order that filled."""
    emails = confirmations(bakkt_context, client, account)
    assert len(emails) == count, f"{account} received {len(emails)} trade confirmations, expected {count}: {emails}"


@then(phrase('the last trade confirmation to "{client:Text}"\'s investor {account:Word} contains:'))
def confirmation_content(bakkt_context: BakktContext, client: str, account: str, datatable: list[list[str]]) -> None:
    """Each text of a one-column table somewhere in the body: side, coin, quantity, price,
    fee, net money."""
    emails = confirmations(bakkt_context, client, account)
    assert emails, f"{account} received no trade confirmation"
    missing = [text for (text,) in datatable if text not in emails[-1]["body"]]
    assert not missing, f"the trade confirmation lacks {missing}: {emails[-1]}"


def settlement_detail(bakkt_context: BakktContext, client: str, date: str) -> tuple[list[str], list[dict[str, str]]]:
    """The detail file of the window ending on `date` (CT): its four heading lines and its rows."""
    from simulator.service.settlement import detail_key

    text = bakkt_context.read_object(client, detail_key(date))
    lines = text.split("\n")
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[4:]))))
    return lines[:4], rows


def money(value: Decimal) -> str:
    """A money column: half-even to the cent, exactly two decimals."""
    return f"{value.quantize(CENT, ROUND_HALF_EVEN):f}"


def detail_row(order: dict[str, Any], execution: dict[str, str]) -> dict[str, str]:
    """The settlement detail row the contract derives from one execution of an order."""
    year, month, day = execution["executedAt"][:10].split("-")
    return {
        "Account ID": order["request"]["account"],
        "Client Order ID": order["id"],
        "Execution ID": execution["id"],
        "Trade Date": f"{month}/{day}/{year}",
        "Execution Time": execution["executedAt"],
        "Side": execution["side"],
        "Symbol": order["request"]["symbol"].removesuffix("USD"),
        "Last Quantity": execution["quantity"],
        "Last Price": execution["price"],
        "Notional": money(Decimal(execution["quantity"]) * Decimal(execution["price"])),
        "Fees": money(Decimal(execution["commission"])),
        "Total": money(Decimal(execution["netMoney"])),
    }


@then(phrase(DETAIL + ' nets "{amount:Text}"'))
def settlement_nets(bakkt_context: BakktContext, client: str, date: str, amount: str) -> None:
    """The `Net Settlement` line: BUY totals less SELL totals; positive means the client owes."""
    heading, _ = settlement_detail(bakkt_context, client, date)
    assert heading[2] == f"Net Settlement,{amount}", f"the detail file starts {heading}"


@then(phrase(DETAIL + ' has one row per execution of the order "{order:Text}"'))
def settlement_rows_of(bakkt_context: BakktContext, client: str, date: str, order: str) -> None:
    """The rows whose Client Order ID is the order's clientOrderId are exactly its executions:
    same Execution ID, quantity, price, fee and total, the Notional quantity * price to the
    cent; and the whole file is sorted by Execution Time, then Execution ID."""
    _, rows = settlement_detail(bakkt_context, client, date)
    sort_key = [(row["Execution Time"], row["Execution ID"]) for row in rows]
    assert sort_key == sorted(sort_key), f"the detail rows are not sorted: {sort_key}"
    body = fetch_order(bakkt_context, order)
    expected = sorted((detail_row(body, e) for e in body["executions"]), key=itemgetter("Execution ID"))
    mine = [row for row in rows if row["Client Order ID"] == body["id"]]
    actual = sorted(mine, key=itemgetter("Execution ID"))
    assert actual == expected, f'the rows of the order "{order}" are {actual}, expected {expected}'


@then(phrase(DETAIL + " lists in any order:"))
def settlement_lists(bakkt_context: BakktContext, client: str, date: str, datatable: list[list[str]]) -> None:
    """Every row of the detail file (columns among its header's; Client Order ID by the
    order's name), compared regardless of order: executions of one instant sort by their
    random-looking ids."""
    _, rows = settlement_detail(bakkt_context, client, date)
    columns = datatable[0]
    named = [row | {"Client Order ID": bakkt_context.name_of(row["Client Order ID"])} for row in rows]
    actual = sorted(tuple(row[c] for c in columns) for row in named)
    expected = sorted(tuple(row[c] for c in columns) for row in table_rows(datatable))
    assert actual == expected, f"the detail file lists {actual}, expected {expected}"
