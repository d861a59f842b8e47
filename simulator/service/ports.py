"""What the service needs from the outside world, as small protocols.

`adapters/` implements them on the embedded AWS; tests may hand in fakes.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol


class QueuePort(Protocol):
    def create_queue(self, client_id: str) -> str:
        """Create the client's event queue and answer its URL."""

    def publish(self, queue_url: str, bodies: Sequence[str]) -> None:
        """Send the bodies, in order, to the queue."""

    def watch_deletions(self, on_deleted: Callable[[str], None]) -> None:
        """Call `on_deleted(message_id)` whenever a consumer deletes an event."""


class FilePort(Protocol):
    def create_bucket(self, client_id: str) -> str:
        """Create the client's bucket and answer its name."""

    def put(self, bucket: str, key: str, body: bytes, modified_ns: int) -> None:
        """Store the object, its LastModified the simulated instant `modified_ns`;
        a bucket the client deleted is created again first."""


class MailPort(Protocol):
    def send(self, sender: str, to: str, subject: str, body: str) -> None: ...


class Ports(Protocol):
    @property
    def queues(self) -> QueuePort: ...

    @property
    def files(self) -> FilePort: ...

    @property
    def mail(self) -> MailPort: ...

    def clear(self) -> None:
        """Remove every queue, bucket and sent email (a reset)."""
