"""Batch trade allocations: open, allocate, close, look up, and the states they reach.

A quoted name ("b1", "a1") stands for the UUID the seed derives from it, so
features never spell UUIDs and stay reproducible.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pytest_bdd import given, then, when

from simulator.testing.context import BATCHES, BakktContext, Resource
from simulator.testing.grammar import RESOURCE, Gathered, fields_of, phrase

OPEN = '"{client:Text}" opens a {batch_type:Word} batch "{batch:Text}" for {symbol:Word}'
ALLOCATE = (
    '"{client:Text}" allocates {side:Word} "{amount:Text}" of {symbol:Word} to {account:Word}'
    ' as "{allocation:Text}" in batch "{batch:Text}"'
)
CLOSE = '"{client:Text}" closes batch "{batch:Text}" with {count:d} allocation'
LOOK_UP = '"{client:Text}" looks up the {resource:Word} "{name:Text}"'


@given(phrase(OPEN))
@when(phrase(OPEN))
def open_batch(bakkt_context: BakktContext, client: str, batch_type: str, batch: str, symbol: str) -> None:
    """Opens a batch; the answer (OPEN, or REJECTED for a business rule) is the last answer."""
    bakkt_context.claim(Resource.BATCH, batch, client)
    body = {"batchTransactionId": bakkt_context.uuid(batch), "symbol": symbol, "type": batch_type}
    bakkt_context.act(client, "POST", f"{BATCHES}/open", body)


@dataclass(frozen=True)
class AllocationTerms:
    """The words of an allocation phrase (`ALLOCATE`), gathered by `allocation_phrase`."""

    client: str
    side: str
    amount: str
    symbol: str
    account: str
    allocation: str
    batch: str

    def body(self, bakkt_context: BakktContext) -> dict[str, Any]:
        """The request body for the named allocation, which `client` now owns."""
        bakkt_context.claim(Resource.ALLOCATION, self.allocation, self.client)
        return {
            "account": self.account,
            "amount": self.amount,
            "batchTransactionId": bakkt_context.uuid(self.batch),
            "clientTransactionId": bakkt_context.uuid(self.allocation),
            "side": self.side,
            "symbol": self.symbol,
        }


def allocation_phrase(pattern: str) -> Gathered:
    """A phrase built on `ALLOCATE` whose words reach the step as one `terms` argument."""
    return Gathered(pattern, AllocationTerms, "terms")


@given(allocation_phrase(ALLOCATE))
@when(allocation_phrase(ALLOCATE))
@given(allocation_phrase(ALLOCATE + " with:"))
@when(allocation_phrase(ALLOCATE + " with:"))
def allocate(bakkt_context: BakktContext, terms: AllocationTerms, datatable: list[list[str]] | None = None) -> None:
    """One allocation request; the answer (PENDING, or REJECTED with a reason) is the last answer.
    A phrase ending in `with:` adds extra fields from a two-column table of field and value
    (bpsCommission, 50). An empty value leaves the field out, so one Scenario Outline can vary
    which fields are sent."""
    body = terms.body(bakkt_context) | fields_of(datatable or [])
    bakkt_context.act(terms.client, "POST", f"{BATCHES}/allocate", body)


@given(phrase(CLOSE + "s"))
@when(phrase(CLOSE + "s"))
@given(phrase(CLOSE))
@when(phrase(CLOSE))
def close_batch(bakkt_context: BakktContext, client: str, batch: str, count: int) -> None:
    """Closes the batch declaring how many allocations it holds; the answer is the last answer."""
    body = {"batchTransactionId": bakkt_context.uuid(batch), "allocations": count}
    bakkt_context.act(client, "POST", f"{BATCHES}/close", body)


@when(phrase(LOOK_UP), converters=RESOURCE)
def look_up(bakkt_context: BakktContext, client: str, resource: Resource, name: str) -> None:
    """A GET by the name's id as this client, for the answers to unknown or foreign ids."""
    bakkt_context.act(client, "GET", resource.path(bakkt_context.uuid(name)))


@then(phrase('the {resource:Word} "{name:Text}" is {status:Word}'), converters=RESOURCE)
def resource_status(bakkt_context: BakktContext, resource: Resource, name: str, status: str) -> None:
    """The status its owner's GET shows now (allocation, batch or gift)."""
    actual = bakkt_context.fetch(resource, name)
    assert actual["status"] == status, f'the {resource} "{name}" is {actual["status"]}, expected {status}: {actual}'


@then(phrase('the {resource:Word} "{name:Text}" is REJECTED with reason "{reason:Text}"'), converters=RESOURCE)
def resource_rejected(bakkt_context: BakktContext, resource: Resource, name: str, reason: str) -> None:
    """Rejects are recorded and retrievable, with the contract's reason word for word."""
    actual = bakkt_context.fetch(resource, name)
    observed = (actual["status"], actual.get("rejectReason"))
    assert observed == ("REJECTED", reason), f'the {resource} "{name}" is {observed}, expected REJECTED "{reason}"'


@then(phrase('the batch "{batch:Text}" is {status:Word} with {count:d} allocations'))
@then(phrase('the batch "{batch:Text}" is {status:Word} with {count:d} allocation'))
def batch_with_count(bakkt_context: BakktContext, batch: str, status: str, count: int) -> None:
    """`allocations` counts PENDING allocations until the close, then those accepted at the close."""
    actual = bakkt_context.fetch(Resource.BATCH, batch)
    observed = (actual["status"], actual["allocations"])
    assert observed == (status, count), f'the batch "{batch}" is {observed}, expected {(status, count)}'


@then(phrase('the allocation "{allocation:Text}" is {status:Word} with amount "{amount:Text}"'))
def allocation_with_amount(bakkt_context: BakktContext, allocation: str, status: str, amount: str) -> None:
    """The status and the requested amount: a duplicate must leave the first request untouched."""
    actual = bakkt_context.fetch(Resource.ALLOCATION, allocation)
    observed = (actual["status"], actual["request"]["amount"])
    assert observed == (status, amount), f'the allocation "{allocation}" is {observed}, expected {(status, amount)}'


@then(
    phrase(
        'the allocation "{allocation:Text}" is COMPLETE with price "{price:Text}", quantity "{quantity:Text}",'
        ' fee "{fee:Text}" and net money "{net_money:Text}"'
    )
)
def allocation_complete(
    bakkt_context: BakktContext, allocation: str, price: str, quantity: str, fee: str, net_money: str
) -> None:
    """The completion figures exactly as the API writes them (decimals without trailing zeros)."""
    actual = bakkt_context.fetch(Resource.ALLOCATION, allocation)
    keys = ("status", "price", "quantity", "feeApplied", "netMoney", "rejectReason")
    observed = {key: actual.get(key) for key in keys}
    expected = {
        "status": "COMPLETE",
        "price": price,
        "quantity": quantity,
        "feeApplied": fee,
        "netMoney": net_money,
        "rejectReason": None,
    }
    assert observed == expected, f'the allocation "{allocation}" is {observed}, expected {expected}'


@then(phrase('the last answer carries the id and createdAt of the {resource:Word} "{name:Text}"'), converters=RESOURCE)
def answer_carries_first(bakkt_context: BakktContext, resource: Resource, name: str) -> None:
    """A duplicate's answer points at the allocation or gift that already holds the clientTransactionId."""
    first = bakkt_context.fetch(resource, name)
    body = bakkt_context.last_answer().expect(200)
    observed, expected = (body.get("id"), body.get("createdAt")), (first["id"], first["createdAt"])
    assert observed == expected, f"the answer carries {observed}, the first {resource} has {expected}"
