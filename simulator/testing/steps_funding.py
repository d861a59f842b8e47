"""Funding: USD cash, TPJ cash calls, buying power and the files of the client's bucket."""
from __future__ import annotations

import csv
import io

from pytest_bdd import given, then, when

from simulator.testing.context import CONTROL, BakktContext
from simulator.testing.grammar import phrase, table_rows
from simulator.testing.steps_accounts import id_range

CASH_MOVE = '"{client:Text}" {action:Word} "{amount:Text}" USD {preposition:Word} {account:Word}'
ACTIONS = {"deposits": "deposit", "withdraws": "withdraw"}
NAMED_COLUMN = "Client Order ID"


@given(phrase('client "{client:Text}" has investors {first:Word} to {last:Word} with "{cash:Text}" USD'))
def investors_with_cash(bakkt_context: BakktContext, client: str, first: str, last: str, cash: str) -> None:
    """Generated investors holding USD cash and no coin: what TPJ cash calls draw on."""
    prefix, expected = id_range(first, last)
    body = {"count": len(expected), "prefix": prefix, "cash": cash}
    answer = bakkt_context.control("POST", f"{CONTROL}/clients/{client}/accounts", body).expect(201)
    assert answer["accounts"] == expected, f"generated {answer['accounts']}, expected {expected}"


@given(phrase(CASH_MOVE))
@when(phrase(CASH_MOVE))
def move_cash(
    bakkt_context: BakktContext, client: str, action: str, amount: str, preposition: str, account: str
) -> None:
    """`deposits ... to` or `withdraws ... from`: a USD cash adjustment through the control API."""
    assert action in ACTIONS, f"{action} is not one of {sorted(ACTIONS)}"
    path = f"{CONTROL}/clients/{client}/accounts/{account}/{ACTIONS[action]}"
    bakkt_context.control("POST", path, {"currency": "USD", "quantity": amount}).expect(200)


@then(
    phrase(
        '"{client:Text}"\'s account {account:Word} has cash "{cash:Text}", '
        'unsettled cash calls "{unsettled:Text}" and buying power "{power:Text}"'
    )
)
def buying_power(
    bakkt_context: BakktContext, client: str, account: str, cash: str, unsettled: str, power: str
) -> None:
    """The control API's balances: buying power is the cash less what open cash calls still take."""
    body = bakkt_context.control("GET", f"{CONTROL}/clients/{client}/accounts/{account}").expect(200)
    actual = (body["cash"], body["unsettledCashCalls"], body["buyingPower"])
    assert actual == (cash, unsettled, power), f"{account} shows (cash, unsettled, buying power) {actual}"


def bucket_keys(bakkt_context: BakktContext, client: str) -> list[str]:
    answer = bakkt_context.control("GET", f"{CONTROL}/files?client={client}").expect(200)
    return [str(entry["key"]) for entry in answer["files"]]


@then(phrase('"{client:Text}"\'s file "{key:Text}" lists in order:'))
def file_lists(bakkt_context: BakktContext, client: str, key: str, datatable: list[list[str]]) -> None:
    """Every row of a CSV file of the bucket, in order (columns among its header's; a
    Client Order ID by the order's name). A header-only table expects an empty file."""
    assert key in bucket_keys(bakkt_context, client), f"{key} is not in the bucket of {client}"
    rows = list(csv.DictReader(io.StringIO(bakkt_context.read_object(client, key))))
    columns = datatable[0]
    if NAMED_COLUMN in columns:
        rows = [row | {NAMED_COLUMN: bakkt_context.name_of(row[NAMED_COLUMN])} for row in rows]
    actual = [{c: row[c] for c in columns} for row in rows]
    expected = table_rows(datatable)
    assert actual == expected, f"{key} lists {actual}, expected {expected}"


@then(phrase('"{client:Text}"\'s bucket has no file under "{prefix:Text}"'))
def no_files_under(bakkt_context: BakktContext, client: str, prefix: str) -> None:
    """Files a funding model does not produce are never written, not even empty."""
    found = [key for key in bucket_keys(bakkt_context, client) if key.startswith(prefix)]
    assert not found, f"{client}'s bucket has {found}"
