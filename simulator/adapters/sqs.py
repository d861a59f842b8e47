"""The client event queues on the embedded SQS."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

RETENTION_SECONDS = 14 * 86_400


class SqsQueues:
    def __init__(self, sqs: Any) -> None:
        self._sqs = sqs

    def create_queue(self, client_id: str) -> str:
        answer = self._sqs.create_queue(
            QueueName=f"bakkt-sandbox-{client_id}-events",
            Attributes={"MessageRetentionPeriod": str(RETENTION_SECONDS)},
        )
        return str(answer["QueueUrl"])

    def publish(self, queue_url: str, bodies: Sequence[str]) -> None:
        entries = [{"Id": str(n), "MessageBody": body} for n, body in enumerate(bodies)]
        answer = self._sqs.send_message_batch(QueueUrl=queue_url, Entries=entries)
        if answer.get("Failed"):
            raise RuntimeError(f"SQS refused messages: {answer['Failed']}")

    def delete_all(self) -> None:
        for url in self._sqs.list_queues(QueueNamePrefix="bakkt-sandbox-").get("QueueUrls", []):
            self._sqs.delete_queue(QueueUrl=url)
