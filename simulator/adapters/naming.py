"""The names of a sandbox's AWS resources, the same in every AWS mode.

A client learns its bucket and queue URL from provisioning, and a replay's
report holds those answers, so moto and memory mode must name alike: memory
mode writes the queue URL moto answers in-process, and a test holds the two
modes to it.
"""
from __future__ import annotations

import json

REGION = "us-east-1"
"""The region of every embedded service, and the one `serve`'s ready line announces."""
ACCOUNT_ID = "123456789012"
"""The account in a queue URL: moto's default account, which answers in-process."""
RESOURCE_PREFIX = "bakkt-sandbox-"
"""Buckets and queues the sandbox made start with this, so a reset removes those and nothing else."""


def envelope_id(body: str) -> str | None:
    """The message_id of an event envelope as queued; None for a body that is not one."""
    try:
        message_id = json.loads(body).get("message_id")
    except (ValueError, AttributeError):
        return None
    return message_id if isinstance(message_id, str) else None


def bucket_name(client_id: str) -> str:
    return f"{RESOURCE_PREFIX}{client_id}"


def queue_name(client_id: str) -> str:
    return f"{RESOURCE_PREFIX}{client_id}-events"


def queue_url(name: str) -> str:
    """The URL of queue `name` as SQS in `REGION` writes it."""
    return f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT_ID}/{name}"
