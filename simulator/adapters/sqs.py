"""The client event queues on the embedded SQS.

Queues are created and deleted through boto3 like any client would. Envelopes
are appended straight to the embedded queue's store: moto's SendMessageBatch
recomputes every queue attribute for each message, a scan of the whole queue,
which makes publishing quadratic in the queue's length. `Queue.add_message`
is the same step moto takes after that scan, so consumers see exactly what a
send would have produced (long polling included, as it wakes on the append).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from moto.moto_api._internal import mock_random
from moto.sqs.models import Message, sqs_backends

RETENTION_SECONDS = 14 * 86_400
REGION = "us-east-1"


class SqsQueues:
    def __init__(self, sqs: Any) -> None:
        self._sqs = sqs
        self._queues: dict[str, Any] = {}

    def create_queue(self, client_id: str) -> str:
        answer = self._sqs.create_queue(
            QueueName=f"bakkt-sandbox-{client_id}-events",
            Attributes={"MessageRetentionPeriod": str(RETENTION_SECONDS)},
        )
        return str(answer["QueueUrl"])

    def _queue(self, queue_url: str) -> Any:
        queue = self._queues.get(queue_url)
        if queue is None:
            account_id, name = urlsplit(queue_url).path.strip("/").split("/")[-2:]
            queue = self._queues[queue_url] = sqs_backends[account_id][REGION].get_queue(name)
        return queue

    def publish(self, queue_url: str, bodies: Sequence[str]) -> None:
        queue = self._queue(queue_url)
        for body in bodies:
            message = Message(str(mock_random.uuid4()), body)
            message.mark_sent()
            queue.add_message(message)

    def delete_all(self) -> None:
        self._queues.clear()
        for url in self._sqs.list_queues(QueueNamePrefix="bakkt-sandbox-").get("QueueUrls", []):
            self._sqs.delete_queue(QueueUrl=url)
