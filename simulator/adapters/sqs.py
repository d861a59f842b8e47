"""The client event queues on the embedded SQS.

Queues are created and deleted through boto3 like any client would. Envelopes
are appended straight to the embedded queue's store: moto's SendMessageBatch
recomputes every queue attribute for each message, a scan of the whole queue,
which makes publishing quadratic in the queue's length. `Queue.add_message`
is the same step moto takes after that scan, so consumers see exactly what a
send would have produced (long polling included, as it wakes on the append).

With a durable log, each queue's DeleteMessage is watched, so a restart knows
which events the consumer is done with.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

from moto.sqs.models import Message, sqs_backends

from simulator.engine.streams import derive_seed, uuid4_text

RETENTION_SECONDS = 14 * 86_400
REGION = "us-east-1"


def envelope_id(body: str) -> str | None:
    try:
        message_id = json.loads(body).get("message_id")
    except (ValueError, AttributeError):
        return None
    return message_id if isinstance(message_id, str) else None


class SqsQueues:
    def __init__(self, sqs: Any) -> None:
        self._sqs = sqs
        self._on_deleted: Callable[[str], None] | None = None
        self._queues: dict[str, Any] = {}
        self._sent: dict[str, int] = {}

    def watch_deletions(self, on_deleted: Callable[[str], None]) -> None:
        self._on_deleted = on_deleted
        for queue in self._queues.values():
            self._watch(queue, on_deleted)

    def create_queue(self, client_id: str) -> str:
        answer = self._sqs.create_queue(
            QueueName=f"bakkt-sandbox-{client_id}-events",
            Attributes={"MessageRetentionPeriod": str(RETENTION_SECONDS)},
        )
        url = str(answer["QueueUrl"])
        self._queue(url)
        return url

    def _queue(self, queue_url: str) -> Any:
        queue = self._queues.get(queue_url)
        if queue is None:
            account_id, name = urlsplit(queue_url).path.strip("/").split("/")[-2:]
            queue = self._queues[queue_url] = sqs_backends[account_id][REGION].get_queue(name)
            if self._on_deleted is not None:
                self._watch(queue, self._on_deleted)
        return queue

    @staticmethod
    def _watch(queue: Any, on_deleted: Callable[[str], None]) -> None:
        """Report the envelope's message_id before moto deletes a message."""
        delete = queue.delete_message

        def watched(receipt_handle: str) -> None:
            for message in list(queue._messages):
                if message.had_receipt_handle(receipt_handle):
                    message_id = envelope_id(message.body)
                    if message_id is not None:
                        on_deleted(message_id)
                    break
            delete(receipt_handle)

        queue.delete_message = watched

    def publish(self, queue_url: str, bodies: Sequence[str]) -> None:
        queue = self._queue(queue_url)
        for body in bodies:
            message = Message(self._next_message_id(queue_url), body)
            message.mark_sent()
            queue.add_message(message)

    def _next_message_id(self, queue_url: str) -> str:
        """SQS's own MessageId, counted per queue so that replays repeat it too."""
        sent = self._sent[queue_url] = self._sent.get(queue_url, 0) + 1
        return uuid4_text(derive_seed(0, f"sqs:{queue_url}:{sent}"))

    def delete_all(self) -> None:
        self._queues.clear()
        self._sent.clear()
        for url in self._sqs.list_queues(QueueNamePrefix="bakkt-sandbox-").get("QueueUrls", []):
            self._sqs.delete_queue(QueueUrl=url)
