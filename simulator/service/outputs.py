"""Files and emails the sandbox sends: its own record is the truth.

S3 and SES receive copies through the ports; reports and the control API
read the record, so a fault on the copy never hides what was produced. A
copy that fails is never the simulation's failure: an S3 upload is tried
again every five simulated minutes until it lands (the file arrives late, as
after a real outage), and an SES copy that cannot be sent is logged.

Bulk emails (a batch's trade confirmations, the daily summaries) are
recorded as one deferred group and rendered when first read: finding an
investor's address means generating the identity (about 0.5 ms each) and an
SES copy costs about 0.2 ms, which 100,000 allocations cannot pay inside
the batch's completion. Their SES copies leave at SES's default sending rate
in simulated time, delivered after each run of the clock.
"""
from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from simulator.engine.clock import NS_PER_SECOND, iso_millis
from simulator.engine.kernel import Kernel
from simulator.service.faults import Faults
from simulator.service.ports import FilePort, MailPort

log = logging.getLogger(__name__)

SENDER = "no-reply@sandbox.bakkt.test"
SES_SEND_RATE = 14
"""Emails per second: SES's default maximum send rate, applied to the copies of bulk emails."""
SES_SEND_INTERVAL_NS = NS_PER_SECOND // SES_SEND_RATE
T = TypeVar("T")
Letter = tuple[str, str, str]
"""(to, subject, body) of one rendered email."""
UPLOAD_RETRY_NS = 5 * 60 * NS_PER_SECOND
"""A failed S3 upload is tried again this long after each failure."""


@dataclass(frozen=True)
class StoredFile:
    client: str
    bucket: str
    key: str
    body: bytes
    written_ns: int


@dataclass(frozen=True)
class Email:
    client: str
    to: str
    subject: str
    body: str
    sent_ns: int

    def to_api(self) -> dict[str, Any]:
        return {"to": self.to, "subject": self.subject, "body": self.body, "sentAt": iso_millis(self.sent_ns)}


class FileStore:
    """The files the sandbox wrote, and whether each one's S3 copy has landed."""

    def __init__(self, port: FilePort, kernel: Kernel, faults: Faults) -> None:
        self._port = port
        self._kernel = kernel
        self._faults = faults
        self._files: dict[tuple[str, str], StoredFile] = {}
        self._undelivered: set[tuple[str, str]] = set()

    def write(self, client: str, bucket: str, key: str, body: bytes, now_ns: int) -> None:
        stored = StoredFile(client, bucket, key, body, now_ns)
        self._files[(client, key)] = stored
        self._upload(stored)

    def _upload(self, stored: StoredFile) -> None:
        where = (stored.client, stored.key)
        try:
            if self._faults.take_put_failure():
                raise OSError("the s3.failPuts fault")
            self._port.put(stored.bucket, stored.key, stored.body, self._kernel.now)
        except Exception as exc:  # any failure of the copy: the record stays, the upload is retried
            log.warning("S3 upload of s3://%s/%s failed (%s); retrying in 5 simulated minutes", stored.bucket, stored.key, exc)
            self._undelivered.add(where)
            self._kernel.after(UPLOAD_RETRY_NS, lambda: self._retry(stored))
        else:
            self._undelivered.discard(where)

    def _retry(self, stored: StoredFile) -> None:
        """Upload again, unless a later write of the same key has replaced this one."""
        if self._files.get((stored.client, stored.key)) is stored and (stored.client, stored.key) in self._undelivered:
            self._upload(stored)

    def delivered(self, stored: StoredFile) -> bool:
        return (stored.client, stored.key) not in self._undelivered

    def list(self, client: str | None = None) -> list[StoredFile]:
        return [f for (owner, _), f in sorted(self._files.items()) if client is None or owner == client]


@dataclass
class DeferredMail(Generic[T]):
    """Emails decided at one instant, one per item, rendered when first read.

    `render` answers None for an item with nobody to write to (an account
    opened without an email address).
    """

    client: str
    sent_ns: int
    items: Sequence[T]
    render: Callable[[T], Letter | None]
    _rendered: dict[int, Email | None] = field(default_factory=dict)

    def email(self, index: int) -> Email | None:
        if index not in self._rendered:
            letter = self.render(self.items[index])
            self._rendered[index] = None if letter is None else Email(self.client, *letter, self.sent_ns)
        return self._rendered[index]

    def emails(self) -> list[Email]:
        return [m for m in (self.email(i) for i in range(len(self.items))) if m is not None]


@dataclass
class _Copies:
    """SES copies of one deferred group still to send: item `next` is due at `first_due_ns` + next * interval."""

    group: DeferredMail[Any]
    first_due_ns: int
    next: int = 0

    def due_ns(self, index: int) -> int:
        return self.first_due_ns + index * SES_SEND_INTERVAL_NS


class MailJournal:
    def __init__(self, port: MailPort) -> None:
        self._port = port
        self._log: list[Email | DeferredMail[Any]] = []
        self._copies: deque[_Copies] = deque()
        self._next_free_ns = 0
        """The first instant the paced SES copies may use."""

    def send(self, client: str, to: str, subject: str, body: str, now_ns: int) -> None:
        """Record one email and send its SES copy at once."""
        email = Email(client, to, subject, body, now_ns)
        self._log.append(email)
        self._copy(email)

    def _copy(self, email: Email) -> None:
        """The SES copy of a recorded email; its failure is logged, never raised."""
        try:
            self._port.send(SENDER, email.to, email.subject, email.body)
        except Exception as exc:
            log.warning("SES copy of an email to %s failed: %s", email.to, exc)

    def defer(self, client: str, items: Sequence[T], render: Callable[[T], Letter | None], now_ns: int) -> None:
        """Record one email per item, rendered when first read; their SES copies go out paced by `flush`."""
        if not items:
            return
        group = DeferredMail(client, now_ns, items, render)
        self._log.append(group)
        first_due = max(now_ns, self._next_free_ns)
        self._copies.append(_Copies(group, first_due))
        self._next_free_ns = first_due + len(items) * SES_SEND_INTERVAL_NS

    def flush(self, now_ns: int) -> None:
        """Send the SES copies of deferred emails due by `now_ns`, in order."""
        copies = self._copies
        while copies:
            pending = copies[0]
            group = pending.group
            while pending.next < len(group.items) and pending.due_ns(pending.next) <= now_ns:
                email = group.email(pending.next)
                pending.next += 1
                if email is not None:
                    self._copy(email)
            if pending.next < len(group.items):
                return
            copies.popleft()

    def pending_copies(self) -> int:
        return sum(len(c.group.items) - c.next for c in self._copies)

    @property
    def sent(self) -> list[Email]:
        """Every email in sending order, deferred ones rendered."""
        return self.list()

    def list(self, client: str | None = None, to: str | None = None) -> list[Email]:
        selected: list[Email] = []
        for record in self._log:
            if client is not None and record.client != client:
                continue
            emails = record.emails() if isinstance(record, DeferredMail) else [record]
            selected.extend(m for m in emails if to is None or m.to == to)
        return selected
