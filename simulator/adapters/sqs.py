"""The client event queues on the embedded SQS.

Queues are created and deleted through boto3 like any client would. Envelopes
are appended straight to the embedded queue's store: moto's SendMessageBatch
recomputes every queue attribute for each message, a scan of the whole queue,
which makes publishing quadratic in the queue's length. `Queue.add_message`
is the same step moto takes after that scan, so consumers see exactly what a
send would have produced (long polling included, as it wakes on the append).

The queue is looked up by name at every publish: a client that deletes its
queue and creates it again gets the next events in the new one, and a queue
that is gone (deleted, or the embedded AWS reset) is created again by the
next publish.

With a durable log, each queue's DeleteMessage and PurgeQueue are watched,
so a restart knows which events the consumer is done with.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

from moto.sqs.models import Message, Queue, sqs_backends

from simulator.adapters.naming import REGION, RESOURCE_PREFIX, envelope_id, queue_name
from simulator.engine.streams import derive_seed, uuid4_text

RETENTION_SECONDS = 14 * 86_400
OnDeleted = Callable[[str], None]


def _report(messages: Sequence[Message], on_deleted: OnDeleted) -> None:
    for message in messages:
        message_id = envelope_id(message.body)
        if message_id is not None:
            on_deleted(message_id)


class SqsQueues:
    def __init__(self, sqs: Any) -> None:
        self._sqs = sqs
        self._on_deleted: OnDeleted | None = None
        self._watched: dict[str, Queue] = {}
        """The queue object whose deletions are watched, by URL (a re-created queue is a new object)."""
        self._sent: dict[str, int] = {}

    def watch_deletions(self, on_deleted: OnDeleted) -> None:
        self._on_deleted = on_deleted

    def create_queue(self, client_id: str) -> str:
        return self._create(queue_name(client_id))

    def _create(self, name: str) -> str:
        answer = self._sqs.create_queue(QueueName=name, Attributes={"MessageRetentionPeriod": str(RETENTION_SECONDS)})
        return str(answer["QueueUrl"])

    def _queue(self, queue_url: str) -> Queue:
        """The queue at `queue_url` as it is now, created again if it is gone."""
        account_id, name = urlsplit(queue_url).path.strip("/").split("/")[-2:]
        backend = sqs_backends[account_id][REGION]
        queue = backend.queues.get(name)
        if queue is None:
            self._create(name)
            queue = backend.get_queue(name)
        if self._on_deleted is not None and self._watched.get(queue_url) is not queue:
            self._watch(queue, self._on_deleted)
            self._watch_purges(backend, self._on_deleted)
            self._watched[queue_url] = queue
        return queue

    @staticmethod
    def _watch(queue: Queue, on_deleted: OnDeleted) -> None:
        """Report the envelope's message_id before moto deletes a message."""
        delete = queue.delete_message

        def watched(receipt_handle: str) -> None:
            for message in list(queue._messages):
                if message.had_receipt_handle(receipt_handle):
                    _report([message], on_deleted)
                    break
            delete(receipt_handle)

        queue.delete_message = watched  # type: ignore[method-assign]

    @staticmethod
    def _watch_purges(backend: Any, on_deleted: OnDeleted) -> None:
        """Report every message a PurgeQueue of a sandbox queue removes, once it is done."""
        purge = backend.purge_queue
        if getattr(purge, "reports_to", None) is on_deleted:
            return

        def watched(name: str) -> None:
            queue = backend.queues.get(name)
            purged = list(queue._messages) if queue is not None and name.startswith(RESOURCE_PREFIX) else []
            purge(name)
            _report(purged, on_deleted)

        watched.reports_to = on_deleted  # type: ignore[attr-defined]
        backend.purge_queue = watched

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
        self._watched.clear()
        self._sent.clear()
        for url in self._sqs.list_queues(QueueNamePrefix=RESOURCE_PREFIX).get("QueueUrls", []):
            self._sqs.delete_queue(QueueUrl=url)
