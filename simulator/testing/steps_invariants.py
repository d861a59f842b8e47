"""What holds in every seeded world: final states, conserved coin, deliveries and files that agree.

These phrases name no price, size or id, so a scenario built from them holds
for any seed and any fault profile `--bakkt-faults random` draws: the
contract's promises checked the way a client can check them, through the
API, the control API, its queue and its bucket.
"""
from __future__ import annotations

import csv
import io
from collections import Counter
from decimal import Decimal
from typing import Any

from pytest_bdd import then

from simulator.domain.instruments import INSTRUMENTS
from simulator.testing.context import CONTROL, BakktContext, Resource
from simulator.testing.grammar import phrase
from simulator.testing.steps_accounts import holding

FINAL_BATCH = frozenset({"COMPLETE", "REJECTED"})
FINAL_ALLOCATION = frozenset({"COMPLETE", "REJECTED", "CANCELLED"})
SIGN = {"BUY": 1, "SELL": -1, "DEPOSIT": -1, "WITHDRAWAL": 1}
"""How a detail row's Total enters the Net Settlement (BUY totals less SELL totals, less deposits)."""


@then(phrase('the batch "{batch:Text}" has finished with {count:d} allocations, each COMPLETE or REJECTED'))
def batch_finished(bakkt_context: BakktContext, batch: str, count: int) -> None:
    """Whatever the market did meanwhile, a closed batch ends COMPLETE or REJECTED, counting the
    allocations accepted at the close, and none of its allocations is left PENDING."""
    body = bakkt_context.fetch(Resource.BATCH, batch)
    assert body["status"] in FINAL_BATCH, f'the batch "{batch}" is {body["status"]}: {body}'
    assert body["allocations"] == count, f'the batch "{batch}" counts {body["allocations"]} allocations, expected {count}'
    client = bakkt_context.owner(Resource.BATCH, batch)
    batch_id = bakkt_context.uuid(batch)
    for name in bakkt_context.names(Resource.ALLOCATION, client):
        allocation = bakkt_context.fetch(Resource.ALLOCATION, name)
        if allocation["request"]["batchTransactionId"] == batch_id:
            assert allocation["status"] in FINAL_ALLOCATION, f'the allocation "{name}" is {allocation["status"]}: {allocation}'


@then(phrase('"{client:Text}"\'s investors hold their "{quantity:Text}" {coin:Word} moved by exactly their COMPLETE allocations'))
def coin_conserved(bakkt_context: BakktContext, client: str, quantity: str, coin: str) -> None:
    """Each investor's position is what it held plus what its COMPLETE allocations of the coin
    bought, less what they sold; a REJECTED allocation moves nothing."""
    moved: dict[str, Decimal] = {}
    for name in bakkt_context.names(Resource.ALLOCATION, client):
        allocation = bakkt_context.fetch(Resource.ALLOCATION, name)
        if INSTRUMENTS[allocation["request"]["symbol"]].coin != coin:
            continue
        account = allocation["request"]["account"]
        change = Decimal(allocation["quantity"]) * SIGN[allocation["request"]["side"]] if allocation["status"] == "COMPLETE" else 0
        moved[account] = moved.get(account, Decimal(quantity)) + change
    actual = {account: Decimal(holding(bakkt_context, client, account, coin)) for account in moved}
    assert actual == moved, f"{client}'s investors hold {actual} {coin}, expected {moved}"


@then(phrase('"{client:Text}"\'s queue has delivered each event the sandbox published, duplicates aside'))
def queue_equals_journal(bakkt_context: BakktContext, client: str) -> None:
    """At-least-once delivery: deduplicated by message_id, the queue holds exactly the events the
    sandbox published for the client, each copy equal to the published event."""
    published = bakkt_context.control("GET", f"{CONTROL}/events?client={client}").expect(200)["events"]
    by_id = {entry["event"]["message_id"]: entry["event"] for entry in published}
    delivered = bakkt_context.read_queue(client)
    copies = Counter(envelope["message_id"] for envelope in delivered)
    assert set(copies) == set(by_id), f"delivered {sorted(copies)}, published {sorted(by_id)}"
    changed = [envelope for envelope in delivered if envelope != by_id[envelope["message_id"]]]
    assert not changed, f"copies differ from the published events: {changed}"


@then(phrase('every file the sandbox lists for "{client:Text}" is in its bucket'))
def files_delivered(bakkt_context: BakktContext, client: str) -> None:
    """Failed uploads are retried until they land: once the clock has moved on, every file is
    delivered, and the bucket holds exactly those objects at their listed sizes."""
    listed = bakkt_context.control("GET", f"{CONTROL}/files?client={client}").expect(200)["files"]
    undelivered = [entry["key"] for entry in listed if not entry["delivered"]]
    assert not undelivered, f"not delivered yet: {undelivered}"
    sizes = {entry["key"]: len(bakkt_context.read_object(client, entry["key"]).encode("utf-8")) for entry in listed}
    assert sizes == {entry["key"]: entry["size"] for entry in listed}, f"the bucket's objects differ from the list {listed}"
    assert sorted(bakkt_context.bucket_keys(client)) == sorted(sizes), f"the bucket holds more than the list {listed}"


@then(phrase('"{client:Text}"\'s settlement files for "{day:Text}" agree with each other'))
def settlement_files_agree(bakkt_context: BakktContext, client: str, day: str) -> None:
    """The detail's Net Settlement is its BUY totals less its SELL totals (less deposits, plus
    withdrawals); the summary states the same window and net, each coin's allocation qty is the
    detail's net quantity of that coin, and the `all` row sums the coins."""
    detail_preamble, rows = settlement_file(bakkt_context, client, f"eod_settlement/{day}settlement_detail.csv")
    summary_preamble, coins = settlement_file(bakkt_context, client, f"eod_settlement/{day}settlement_summary.csv")
    net = sum((Decimal(row["Total"]) * SIGN[row["Side"]] for row in rows), Decimal(0))
    assert Decimal(detail_preamble["Net Settlement"]) == net, f"the detail nets {detail_preamble['Net Settlement']}, its rows {net}"
    assert summary_preamble == detail_preamble, f"the summary says {summary_preamble}, the detail {detail_preamble}"
    traded: dict[str, Decimal] = {}
    for row in rows:
        if row["Side"] in ("BUY", "SELL"):
            traded[row["Symbol"]] = traded.get(row["Symbol"], Decimal(0)) + Decimal(row["Last Quantity"]) * SIGN[row["Side"]]
    by_coin = {row["coin"]: row for row in coins if row["coin"] != "all"}
    assert {coin: Decimal(row["allocation qty"]) for coin, row in by_coin.items()} == traded, f"summary {coins}, detail {rows}"
    for coin, row in by_coin.items():
        diff = Decimal(row["firm qty"]) - Decimal(row["allocation qty"])
        assert Decimal(row["diff qty"]) == diff, f"{coin}'s diff qty is {row['diff qty']}, firm less allocation {diff}"
    [everything] = [row for row in coins if row["coin"] == "all"]
    for column in ("firm notional", "firm qty", "allocation qty", "diff qty"):
        total = sum((Decimal(row[column]) for row in by_coin.values()), Decimal(0))
        assert Decimal(everything[column]) == total, f"the all row's {column} is {everything[column]}, the coins sum to {total}"


def settlement_file(bakkt_context: BakktContext, client: str, key: str) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """A settlement file's heading lines (From, To, Net Settlement) and its table's rows."""
    heading, _, table = bakkt_context.read_object(client, key).partition("\n\n")
    preamble = dict(line.split(",", 1) for line in heading.splitlines())
    return preamble, list(csv.DictReader(io.StringIO(table)))
