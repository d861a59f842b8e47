"""The in-memory AWS: S3, SQS and SES of one sandbox as plain Python objects.

`Sandbox(aws="memory")` delivers here instead of to moto. Nothing is
process-wide (no mock, boto3 untouched), so any number of sandboxes run at
once and never meet, and a delivery costs a list append instead of a moto
call. Each store keeps what a client would find on AWS: the objects of each
bucket with their simulated LastModified, each queue's envelopes in delivery
order (duplicates and delays of the queue faults included), and every email
SES accepted, in sending order.

The ports' contract holds as it does on moto: a put into a bucket that is
gone (after a reset) creates it again, and so does a publish to a queue
that is gone. Each sandbox reaches its stores under its kernel lock, so they
need no lock of their own.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from simulator.adapters.naming import bucket_name, envelope_id, queue_name, queue_url
from simulator.engine.clock import to_datetime

OnDeleted = Callable[[str], None]


@dataclass(frozen=True)
class BucketObject:
    """One object in a client's bucket, as S3 would hold it."""

    bucket: str
    key: str
    body: bytes
    modified_ns: int
    """The simulated instant of the upload that landed (a failed put lands on its retry)."""

    @property
    def last_modified(self) -> datetime:
        """LastModified: the simulated instant, aware UTC, as the sandbox's day has it."""
        return to_datetime(self.modified_ns)


@dataclass(frozen=True)
class SentEmail:
    """One email SES accepted."""

    sender: str
    to: str
    subject: str
    body: str


class MemoryFiles:
    """Buckets by name, each its objects by key."""

    def __init__(self) -> None:
        self._buckets: dict[str, dict[str, BucketObject]] = {}

    def create_bucket(self, client_id: str) -> str:
        name = bucket_name(client_id)
        self._buckets.setdefault(name, {})
        return name

    def put(self, bucket: str, key: str, body: bytes, modified_ns: int) -> None:
        self._buckets.setdefault(bucket, {})[key] = BucketObject(bucket, key, body, modified_ns)

    def objects(self, bucket: str) -> list[BucketObject]:
        """The bucket's objects by key, as a listing answers them."""
        return sorted(self._buckets.get(bucket, {}).values(), key=lambda stored: stored.key)

    def clear(self) -> None:
        self._buckets.clear()


class MemoryQueues:
    """Queues by URL, each its message bodies in delivery order.

    A consumer takes messages with `take` (a receive and a delete in one);
    a deletion watcher (the durable log's) hears of each, as on moto.
    """

    def __init__(self) -> None:
        self._queues: dict[str, list[str]] = {}
        self._on_deleted: OnDeleted | None = None

    def create_queue(self, client_id: str) -> str:
        url = queue_url(queue_name(client_id))
        self._queues.setdefault(url, [])
        return url

    def publish(self, queue_url: str, bodies: Sequence[str]) -> None:
        self._queues.setdefault(queue_url, []).extend(bodies)

    def watch_deletions(self, on_deleted: OnDeleted) -> None:
        self._on_deleted = on_deleted

    def messages(self, queue_url: str) -> list[str]:
        """The bodies waiting in the queue, oldest first, left where they are."""
        return list(self._queues.get(queue_url, ()))

    def take(self, queue_url: str) -> list[str]:
        """The bodies waiting in the queue, oldest first, deleted as read.

        Only the sandbox publishes to these queues, so every body is one of
        its envelopes and carries a message_id.
        """
        bodies = self._queues.get(queue_url, [])
        if bodies:
            self._queues[queue_url] = []
        if self._on_deleted is not None:
            for body in bodies:
                message_id = envelope_id(body)
                if message_id is not None:
                    self._on_deleted(message_id)
        return bodies

    def clear(self) -> None:
        self._queues.clear()


class MemoryMail:
    def __init__(self) -> None:
        self._sent: list[SentEmail] = []

    def send(self, sender: str, to: str, subject: str, body: str) -> None:
        self._sent.append(SentEmail(sender, to, subject, body))

    def sent(self, to: str | None = None) -> list[SentEmail]:
        """Every email accepted, in sending order; only those to `to` if given."""
        return [email for email in self._sent if to is None or email.to == to]

    def clear(self) -> None:
        self._sent.clear()


@dataclass
class MemoryAws:
    """The three stores of one sandbox: its `Ports` in memory mode."""

    queues: MemoryQueues = field(default_factory=MemoryQueues)
    files: MemoryFiles = field(default_factory=MemoryFiles)
    mail: MemoryMail = field(default_factory=MemoryMail)

    def clear(self) -> None:
        """Remove every queue, bucket and sent email (a reset)."""
        self.queues.clear()
        self.files.clear()
        self.mail.clear()
