"""Events/s from the outbox to the embedded SQS, beside raw boto3
send_message_batch of bodies of the same size, in one process.

Both start from an empty queue and send the same number of messages; the
outbox sends what the journal holds, exactly as after a busy request.
Target: at least 80% of the raw rate.
"""
from __future__ import annotations

import argparse
import time

import boto3
from _common import provision, report

from simulator import Sandbox
from simulator.adapters.naming import REGION


def raw_rate(bodies: list[str]) -> float:
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName="raw-baseline")["QueueUrl"]
    started = time.perf_counter()
    for start in range(0, len(bodies), 10):
        entries = [{"Id": str(n), "MessageBody": body} for n, body in enumerate(bodies[start : start + 10])]
        sqs.send_message_batch(QueueUrl=url, Entries=entries)
    return len(bodies) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=3_000)
    count = parser.parse_args().events
    with Sandbox(seed=1, start="2026-03-02T15:00:00Z") as sb:
        provision(sb, investors=0)
        core = sb.core
        client = core.clients["acme"]
        payload = {"allocations": 0, "createdAt": "2026-03-02T15:00:00.000Z", "status": "OPEN"}
        for _ in range(count):
            core.journal.record(client.client_id, "allocation/batch/1", payload, core.now)
        bodies = [entry.envelope for entry in core.journal.entries]
        started = time.perf_counter()
        core.outbox.flush(core.now)
        outbox = count / (time.perf_counter() - started)
        raw = raw_rate(bodies)
        depth = boto3.client("sqs", region_name=REGION).get_queue_attributes(
            QueueUrl=client.queue_url, AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]["ApproximateNumberOfMessages"]
        report(
            f"SQS publishing, {count:,} events of {len(bodies[0])} bytes",
            {
                "messages in the client's queue": depth,
                "raw boto3 send_message_batch events/s": f"{raw:,.0f}",
                "outbox events/s": f"{outbox:,.0f}",
                "ratio": f"{outbox / raw:.0%}",
            },
        )


if __name__ == "__main__":
    main()
