"""A brokerage client that handles its events from SQS, with or without deduplication.

It does what an integration does every day: log in, open a batch, allocate
to each investor, close the batch, let the day's 09:00 CT cutoff pass, and
handle every event of the batch as it arrives on the client's SQS queue
(a real client would book the fills here). SQS delivers at least once, so
the same event may arrive twice, and a client that handles every message
books that fill twice. With `--dedup` (or `DEDUP=1`) it remembers each
event's `message_id` and handles it once.

At the end it counts what it handled: each batch and each allocation
reaches each status once, so a status handled twice makes it exit 1. Under
`--faults random` each seed draws a duplicate rate between 0 and 0.3, so the
naive client fails for some seeds and the deduplicating one passes them all:

    bakkt-sim sweep scenarios/quickstart.yaml --seeds 1-20 --faults random \\
        --command "python docs/examples/dedup_client.py"
    bakkt-sim sweep scenarios/quickstart.yaml --seeds 1-20 --faults random \\
        --command "python docs/examples/dedup_client.py --dedup"

The sweep starts a `bakkt-sim serve --clock manual` for each run and tells
the client where it is through the environment: BAKKT_API (the HTTP API),
AWS_ENDPOINT_URL, AWS_DEFAULT_REGION and the AWS keys (which boto3 reads by
itself), BAKKT_SEED, and BAKKT_CLIENTS, a JSON file of the provisioned
clients (each one's provisioning answer, with its investors' ids under
`accounts`). It uses only requests and boto3.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import boto3
import requests

V2 = "/apex-crypto/api/v2"
CONTROL = "/sandbox/v1"
CUTOFF_ZONE = ZoneInfo("America/Chicago")
CUTOFF_HOUR = 9
LATE_EVENTS = timedelta(minutes=5)
"""How far past the cutoff to go: under --faults random an event may come up to two minutes late."""
AMOUNT = "100.00"
FINISHED = ("COMPLETE", "REJECTED")
EMPTY_RECEIVES = 10
"""Long polls of a second each that may come back empty before the client stops waiting for its events."""
IDS = uuid.UUID("6f1c2a52-0a7e-4d0c-9b8e-3b1f5d2e7a40")
"""The namespace of this client's batch and allocation ids: the same seed sends the same ids."""


def main() -> int:
    options = parse_arguments()
    api = os.environ["BAKKT_API"]
    seed = os.environ.get("BAKKT_SEED", "0")
    clients = json.loads(Path(os.environ["BAKKT_CLIENTS"]).read_text())
    client = clients[options.client] if options.client else next(iter(clients.values()))

    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {log_in(http, api, client)}"
    batch_id = str(uuid.uuid5(IDS, f"{seed}/batch"))
    allocations = trade(http, api, batch_id, client["accounts"], seed)
    advance_past_cutoff(http, api)

    sqs = boto3.client("sqs")  # AWS_ENDPOINT_URL, the region and the keys come from the environment
    handled = handle_events(sqs, client["queueUrl"], {batch_id, *allocations}, dedup=options.dedup)
    print(f"batch {batch_id}: {len(allocations)} allocations, {sum(handled.values())} events handled")
    twice = {event: times for event, times in handled.items() if times > 1}
    for (transaction_id, status), times in twice.items():
        print(f"{transaction_id} {status} was handled {times} times", file=sys.stderr)
    if twice:
        print("SQS delivers at least once: deduplicate events by message_id (--dedup)", file=sys.stderr)
    return 1 if twice else 0


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Trade, then handle the batch's events from SQS.")
    parser.add_argument(
        "--dedup",
        action="store_true",
        default=os.environ.get("DEDUP") == "1",
        help="handle each event once, by its message_id (also DEDUP=1)",
    )
    parser.add_argument("--client", help="the clientId to act as (default: the first in BAKKT_CLIENTS)")
    return parser.parse_args()


def log_in(http: requests.Session, api: str, client: dict[str, Any]) -> str:
    answer = call(http, "POST", f"{api}{V2}/login", {"logonId": client["logonId"], "password": client["password"]})
    return str(answer["token"])


def trade(http: requests.Session, api: str, batch_id: str, accounts: list[str], seed: str) -> list[str]:
    """A NOTIONAL batch buying AMOUNT for each investor, then closed; the allocations' clientTransactionIds."""
    batch = f"{api}{V2}/allocation/trade/batch"
    call(http, "POST", f"{batch}/open", {"batchTransactionId": batch_id, "symbol": "BTCUSD", "type": "NOTIONAL"})
    allocations = []
    for account in accounts:
        transaction_id = str(uuid.uuid5(IDS, f"{seed}/{account}"))
        allocation = {
            "batchTransactionId": batch_id,
            "clientTransactionId": transaction_id,
            "account": account,
            "side": "BUY",
            "symbol": "BTCUSD",
            "amount": AMOUNT,
        }
        call(http, "POST", f"{batch}/allocate", allocation)
        allocations.append(transaction_id)
    call(http, "POST", f"{batch}/close", {"batchTransactionId": batch_id, "allocations": len(allocations)})
    return allocations


def advance_past_cutoff(http: requests.Session, api: str) -> None:
    """Move the sandbox's clock past the next 09:00 CT: the batch fills, the day settles, the events go out."""
    now = datetime.fromisoformat(call(http, "GET", f"{api}{CONTROL}/clock")["now"].replace("Z", "+00:00"))
    local = now.astimezone(CUTOFF_ZONE)
    cutoff = local.replace(hour=CUTOFF_HOUR, minute=0, second=0, microsecond=0)
    if cutoff <= local:
        cutoff += timedelta(days=1)  # 09:00 tomorrow, whatever the daylight-saving offset
    target = (cutoff + LATE_EVENTS).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    call(http, "POST", f"{api}{CONTROL}/clock/advance", {"to": target})


def handle_events(sqs: Any, queue_url: str, ours: set[str], *, dedup: bool) -> Counter[tuple[str, str]]:
    """Handle the queue's events until the batch and each allocation has finished and nothing more waits.

    Answers how many times each (transaction id, status) of ours was handled.
    """
    handled: Counter[tuple[str, str]] = Counter()
    seen: set[str] = set()
    empty = 0
    while empty < EMPTY_RECEIVES:
        waiting = ours - {transaction_id for transaction_id, status in handled if status in FINISHED}
        events = receive(sqs, queue_url, wait_seconds=1 if waiting else 0)
        if not events and not waiting:
            return handled  # all of ours have finished, and the queue is drained
        if not events:
            empty += 1
        for event in events:
            if dedup and event["message_id"] in seen:
                print(f"skipped a second delivery of {event['message_id']}")
                continue
            seen.add(event["message_id"])
            request = event["payload"].get("request", {})  # what the batch or allocation was asked with
            transaction_id = request.get("clientTransactionId") or request.get("batchTransactionId")
            if transaction_id in ours:
                handled[transaction_id, event["payload"]["status"]] += 1
    raise SystemExit(f"waited in vain for {len(waiting)} transactions to finish on {queue_url}")


def receive(sqs: Any, queue_url: str, wait_seconds: int) -> list[dict[str, Any]]:
    """Up to ten events, each deleted once read, as a consumer that has handled them does."""
    answer = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_seconds)
    messages = answer.get("Messages", [])
    if messages:
        receipts = [{"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]} for index, message in enumerate(messages)]
        sqs.delete_message_batch(QueueUrl=queue_url, Entries=receipts)
    return [json.loads(message["Body"]) for message in messages]


def call(http: requests.Session, method: str, url: str, body: Any = None) -> Any:
    """The JSON answer; any other status ends the client, with the answer on stderr."""
    response = http.request(method, url, json=body, timeout=30)
    if not response.ok:
        raise SystemExit(f"{method} {url}: {response.status_code} {response.text}")
    return response.json()


if __name__ == "__main__":
    sys.exit(main())
