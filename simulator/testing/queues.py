"""Reading a client's event queue with plain boto3, as a consumer would.

Every message is deleted once read, so a later read sees only what arrived
since. Envelopes are checked against the contract's shape on the way in.
"""
from __future__ import annotations

import json
import re
from typing import Any

ENVELOPE_KEYS = {"event_type", "message_id", "payload", "timestamp"}
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
NANOSECOND_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$")
MAX_MESSAGES = 10


def drain_queue(sqs: Any, queue_url: str) -> list[dict[str, Any]]:
    """Receive and delete until the queue answers empty; never long-polls."""
    envelopes: list[dict[str, Any]] = []
    while True:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=MAX_MESSAGES, WaitTimeSeconds=0)
        batch = messages.get("Messages", [])
        if not batch:
            return envelopes
        envelopes.extend(envelope_of(message["Body"]) for message in batch)
        receipts = [{"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(batch)]
        deleted = sqs.delete_message_batch(QueueUrl=queue_url, Entries=receipts)
        assert not deleted.get("Failed"), f"SQS kept messages: {deleted['Failed']}"


def envelope_of(body: str) -> dict[str, Any]:
    """The message body as an envelope, once it has the contract's shape."""
    envelope: dict[str, Any] = json.loads(body)
    assert set(envelope) == ENVELOPE_KEYS, f"an envelope has keys {sorted(envelope)}, expected {sorted(ENVELOPE_KEYS)}"
    assert UUID.match(envelope["message_id"]), f"message_id {envelope['message_id']!r} is not a UUID"
    timestamp = envelope["timestamp"]
    assert NANOSECOND_TIMESTAMP.match(timestamp), f"timestamp {timestamp!r} lacks nanoseconds or the Z"
    assert isinstance(envelope["payload"], dict), f"payload is not an object: {envelope['payload']!r}"
    return envelope
