"""Reading what a sandbox sent: its events, files and emails.

The sandbox's own records are the truth (SQS, S3 and SES get copies), so
these reads answer the same whatever happened to the copies.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass

from simulator.service.core import SandboxCore
from simulator.service.journal import JournalEntry
from simulator.service.outputs import Email, StoredFile


@dataclass(frozen=True)
class ReadEvents:
    """The journal's entries after sequence number `after`, oldest first, at most `limit`
    of them (all when None); only `client_id`'s when given."""

    client_id: str | None = None
    after: int = 0
    limit: int | None = None


@dataclass(frozen=True)
class EventPage:
    entries: tuple[JournalEntry, ...]
    next: int
    """Where the next page starts: the last entry's seq, or `after` when the page is empty."""


@dataclass(frozen=True)
class ReadFiles:
    """Every file the sandbox wrote, by client and key; only `client_id`'s when given."""

    client_id: str | None = None


@dataclass(frozen=True)
class ListedFile:
    file: StoredFile
    delivered: bool
    """Whether its S3 copy has landed (an upload that failed is retried until it does)."""


@dataclass(frozen=True)
class ReadEmails:
    """Every email the sandbox sent, in the order sent; only `client_id`'s, or those `to` an address, when given."""

    client_id: str | None = None
    to: str | None = None


def read_events(core: SandboxCore, query: ReadEvents) -> EventPage:
    limit = sys.maxsize if query.limit is None else query.limit
    entries = tuple(core.journal.read(query.client_id, query.after, limit))
    return EventPage(entries, entries[-1].seq if entries else query.after)


def read_files(core: SandboxCore, query: ReadFiles) -> tuple[ListedFile, ...]:
    files = core.files
    return tuple(ListedFile(stored, files.delivered(stored)) for stored in files.list(query.client_id))


def read_emails(core: SandboxCore, query: ReadEmails) -> tuple[Email, ...]:
    return tuple(core.mail.list(query.client_id, query.to))

