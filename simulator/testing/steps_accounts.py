"""Accounts: investors with holdings, and what accounts hold afterwards."""
from __future__ import annotations

import re
from typing import Any

from pytest_bdd import given, then

from simulator.testing.context import API, CONTROL, BakktContext
from simulator.testing.grammar import phrase

GENERATED_ID = re.compile(r"^(?P<prefix>[A-Za-z0-9_-]*?)(?P<number>\d{5})$")
INVESTORS = 'client "{client:Text}" has investors {first:Word} to {last:Word}'


def id_range(first: str, last: str) -> tuple[str, list[str]]:
    """`INV00001`, `INV00003` -> ("INV", [INV00001, INV00002, INV00003])."""
    start, end = GENERATED_ID.match(first), GENERATED_ID.match(last)
    assert start and end, f"{first} and {last} are not generated ids such as INV00001"
    assert start["prefix"] == end["prefix"], f"{first} and {last} have different prefixes"
    numbers = range(int(start["number"]), int(end["number"]) + 1)
    assert numbers, f"{last} comes before {first}"
    return start["prefix"], [f"{start['prefix']}{n:05d}" for n in numbers]


def create_range(bakkt_context: BakktContext, client: str, first: str, last: str, holdings: dict[str, str]) -> None:
    """The feature names the ids, so the generated ones must be exactly those."""
    prefix, expected = id_range(first, last)
    body: dict[str, Any] = {"count": len(expected), "prefix": prefix, "holdings": holdings}
    answer = bakkt_context.control("POST", f"{CONTROL}/clients/{client}/accounts", body).expect(201)
    assert answer["accounts"] == expected, f"generated {answer['accounts']}, expected {expected}"


@given(phrase(INVESTORS + ' holding "{quantity:Text}" {coin:Word}'))
def investors_holding(
    bakkt_context: BakktContext, client: str, first: str, last: str, quantity: str, coin: str
) -> None:
    """Generated investors (numbered from 1 per client and prefix) that each hold the coin,
    so SELL allocations have something to sell."""
    create_range(bakkt_context, client, first, last, {coin: quantity})


@given(phrase(INVESTORS))
def investors(bakkt_context: BakktContext, client: str, first: str, last: str) -> None:
    """Generated investors holding nothing: enough for BUY allocations."""
    create_range(bakkt_context, client, first, last, {})


@given(phrase('client "{client:Text}" has an investor {account:Word} holding "{quantity:Text}" {coin:Word}'))
def named_investor(bakkt_context: BakktContext, client: str, account: str, quantity: str, coin: str) -> None:
    """An investor with an id of the scenario's choosing."""
    body = {"accounts": [{"id": account, "holdings": {coin: quantity}}]}
    answer = bakkt_context.control("POST", f"{CONTROL}/clients/{client}/accounts", body).expect(201)
    assert answer["accounts"] == [account]


def holding(bakkt_context: BakktContext, client: str, account: str, coin: str) -> str:
    """The position's `current`, "0" where the account has no row for the coin."""
    positions = bakkt_context.api(client, "GET", f"{API}/positions/{account}").expect(200)["positions"]
    rows = [row for row in positions if row["currency"] == coin]
    assert len(rows) <= 1, f"{account} has {len(rows)} {coin} positions"
    return str(rows[0]["current"]) if rows else "0"


@then(phrase('"{client:Text}"\'s account {account:Word} holds "{quantity:Text}" {coin:Word}'))
def account_holds(bakkt_context: BakktContext, client: str, account: str, quantity: str, coin: str) -> None:
    """The position exactly as the API writes it (no trailing zeros), read through GET /positions."""
    actual = holding(bakkt_context, client, account, coin)
    assert actual == quantity, f"{account} holds {actual} {coin}, expected {quantity}"


@then(phrase('"{client:Text}"\'s firm allocation account holds "{quantity:Text}" {coin:Word}'))
def firm_holds(bakkt_context: BakktContext, client: str, quantity: str, coin: str) -> None:
    """The firm keeps what its order bought or sold beyond the allocations, and the rounding dust."""
    firm = bakkt_context.session(client).provisioning["firmAllocationAccount"]
    assert firm is not None, f'"{client}" has no Firm Allocation Account'
    actual = holding(bakkt_context, client, firm, coin)
    assert actual == quantity, f"the Firm Allocation Account {firm} holds {actual} {coin}, expected {quantity}"
