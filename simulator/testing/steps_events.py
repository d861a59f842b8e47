"""Events: what each client's SQS queue delivers, read with boto3.

Every phrase first drains the queue, then checks everything the queue has
delivered in the scenario so far, so the order of Then steps never matters.
"""
from __future__ import annotations

from operator import itemgetter
from typing import Any

from pytest_bdd import then

from simulator.testing.context import BakktContext, Resource
from simulator.testing.grammar import RESOURCE, phrase, table_rows

QUEUE = '"{client:Text}"\'s queue has delivered'
ONE = QUEUE + ' one {event_type:Word} event for the {resource:Word} "{name:Text}" with status'
LAST_EVENT = '"{client:Text}"\'s last event for the {resource:Word} "{name:Text}" equals its API answer'


def described(bakkt_context: BakktContext, envelope: dict[str, Any]) -> dict[str, str]:
    """An envelope as a table row: which resource, under which name, in which state."""
    payload = envelope["payload"]
    resource = Resource.of(payload)
    transaction_id = payload.get("request", {}).get(resource.id_field, "")
    return {
        "event_type": envelope["event_type"],
        "resource": resource.value,
        "name": bakkt_context.name_of(transaction_id),
        "status": payload.get("status", ""),
        "reason": payload.get("rejectReason", ""),
    }


def delivered_table(bakkt_context: BakktContext, client: str) -> list[dict[str, str]]:
    """Everything the queue has delivered so far, described."""
    return [described(bakkt_context, envelope) for envelope in bakkt_context.read_queue(client)]


def events_for(bakkt_context: BakktContext, client: str, resource: Resource, name: str) -> list[dict[str, Any]]:
    """The envelopes about this allocation or batch, oldest first."""
    bakkt_context.uuid(name)  # lets `described` recognise the name's id even if no step used it yet
    about = itemgetter("resource", "name")
    return [e for e in bakkt_context.read_queue(client) if about(described(bakkt_context, e)) == (resource.value, name)]


def expect_one(bakkt_context: BakktContext, client: str, wanted: dict[str, str]) -> None:
    rows = delivered_table(bakkt_context, client)
    matching = [row for row in rows if all(row[key] == value for key, value in wanted.items())]
    assert len(matching) == 1, f"{len(matching)} events match {wanted}; the queue delivered {rows}"


@then(phrase(QUEUE + " {count:d} events"))
@then(phrase(QUEUE + " {count:d} event"))
def delivered_count(bakkt_context: BakktContext, client: str, count: int) -> None:
    """All events so far: without queue faults each event is sent exactly once."""
    rows = delivered_table(bakkt_context, client)
    assert len(rows) == count, f"the queue delivered {len(rows)} events, expected {count}: {rows}"


@then(phrase(ONE + " {status:Word}"), converters=RESOURCE)
def delivered_one(
    bakkt_context: BakktContext, client: str, event_type: str, resource: Resource, name: str, status: str
) -> None:
    """Exactly one event of this type for the allocation or batch reached this status."""
    wanted = {"event_type": event_type, "resource": resource.value, "name": name, "status": status}
    expect_one(bakkt_context, client, wanted)


@then(phrase(ONE + ' REJECTED and reason "{reason:Text}"'), converters=RESOURCE)
def delivered_one_rejected(
    bakkt_context: BakktContext, client: str, event_type: str, resource: Resource, name: str, reason: str
) -> None:
    """Exactly one REJECTED event for it, carrying the reason word for word."""
    wanted = {"event_type": event_type, "resource": resource.value, "name": name, "status": "REJECTED"}
    expect_one(bakkt_context, client, wanted | {"reason": reason})


@then(phrase(QUEUE + ' no event for the {resource:Word} "{name:Text}"'), converters=RESOURCE)
def delivered_none(bakkt_context: BakktContext, client: str, resource: Resource, name: str) -> None:
    """Nothing was published for it (a PENDING allocation, a duplicate request)."""
    events = events_for(bakkt_context, client, resource, name)
    assert not events, f'the queue delivered {len(events)} events for the {resource} "{name}": {events}'


def delivered_rows(
    bakkt_context: BakktContext, client: str, datatable: list[list[str]]
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(actual, expected) rows, the actual ones cut down to the table's columns."""
    columns = datatable[0]
    actual = [{column: row[column] for column in columns} for row in delivered_table(bakkt_context, client)]
    return actual, table_rows(datatable)


def row_key(row: dict[str, str]) -> list[tuple[str, str]]:
    return sorted(row.items())


@then(phrase(QUEUE + " these events in order:"))
def delivered_in_order(bakkt_context: BakktContext, client: str, datatable: list[list[str]]) -> None:
    """Every event so far, in order (columns among event_type, resource, name, status, reason):
    the events of one batch go out in causal order."""
    actual, expected = delivered_rows(bakkt_context, client, datatable)
    assert actual == expected, f"the queue delivered {actual}, expected {expected}"


@then(phrase(QUEUE + " these events in any order:"))
def delivered_in_any_order(bakkt_context: BakktContext, client: str, datatable: list[list[str]]) -> None:
    """Every event so far, for events the contract leaves unordered among themselves."""
    actual, expected = delivered_rows(bakkt_context, client, datatable)
    assert sorted(actual, key=row_key) == sorted(expected, key=row_key), (
        f"the queue delivered {actual}, expected {expected}"
    )


@then(phrase(LAST_EVENT), converters=RESOURCE)
def last_event_is_api_view(bakkt_context: BakktContext, client: str, resource: Resource, name: str) -> None:
    """An event's payload is the resource exactly as the REST API returns it at that moment;
    for a final state, that is what a GET returns now."""
    events = events_for(bakkt_context, client, resource, name)
    assert events, f'the queue delivered no event for the {resource} "{name}"'
    current = bakkt_context.fetch(resource, name, client)
    assert events[-1]["payload"] == current, f"the last event carries {events[-1]['payload']}, the API shows {current}"
