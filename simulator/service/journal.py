"""The event journal (the truth) and the outbox that copies it to SQS.

Journal entries hold the envelope already serialized: a payload is a snapshot
of the resource at that moment, and a string is the cheapest faithful copy.
The outbox sends due envelopes in batches; seeded faults add duplicates and
delays in simulated time.
"""
from __future__ import annotations

import heapq
import json
import logging
import random
from collections import defaultdict
from collections.abc import Callable
from typing import Any, NamedTuple

from simulator.engine.clock import NS_PER_SECOND, iso_nanos
from simulator.engine.streams import RandomStreams
from simulator.service.faults import Faults
from simulator.service.ports import QueuePort

log = logging.getLogger(__name__)
SQS_BATCH = 10
_COMPACT = json.JSONEncoder(separators=(",", ":"), check_circular=False)


class JournalEntry(NamedTuple):
    """One published event. A named tuple of strings: quick to build (every event
    makes one), and the garbage collector stops scanning it after its first pass,
    though the journal keeps it for the sandbox's life."""

    seq: int
    client: str
    event_type: str
    message_id: str
    envelope: str
    """The message body exactly as published."""

    def to_api(self) -> dict[str, Any]:
        return {"seq": self.seq, "client": self.client, "event": json.loads(self.envelope)}


class Journal:
    def __init__(self, streams: RandomStreams) -> None:
        self._streams = streams
        self.entries: list[JournalEntry] = []
        self._listeners: list[Callable[[JournalEntry, int], None]] = []

    def subscribe(self, listener: Callable[[JournalEntry, int], None]) -> None:
        self._listeners.append(listener)

    def record(self, client: str, event_type: str, payload: dict[str, Any], now_ns: int) -> JournalEntry:
        message_id = self._streams.uuid("events")
        envelope = _COMPACT.encode(
            {"event_type": event_type, "message_id": message_id, "payload": payload, "timestamp": iso_nanos(now_ns)}
        )
        entry = JournalEntry(len(self.entries) + 1, client, event_type, message_id, envelope)
        self.entries.append(entry)
        for listener in self._listeners:
            listener(entry, now_ns)
        return entry

    def read(self, client: str | None, after: int, limit: int) -> list[JournalEntry]:
        selected: list[JournalEntry] = []
        for entry in self.entries[max(0, after) :]:
            if client is None or entry.client == client:
                selected.append(entry)
                if len(selected) >= limit:
                    break
        return selected


Copy = tuple[int, int, int, JournalEntry]
"""One copy of an envelope in the outbox: (due, seq, copy number, entry)."""


class Outbox:
    """Publishes journal entries to each client's queue when they fall due."""

    def __init__(
        self, queues: QueuePort, streams: RandomStreams, queue_url_of: Callable[[str], str], faults: Faults
    ) -> None:
        self._queues = queues
        self._faults = faults
        self._rng: random.Random = streams.stream("outbox")
        self._queue_url_of = queue_url_of
        self._ready: list[Copy] = []
        """Copies with no delay, already in due order (the common case)."""
        self._delayed: list[Copy] = []
        """A heap of delayed copies by (due, seq, copy)."""
        self._copies = 0
        self.suppressed: set[str] = set()
        """message_ids the consumer already deleted (restored from a durable log)."""
        self._refusing: set[str] = set()
        """Queues whose last publish failed: warned about once, until one succeeds."""
        self.delivered: dict[str, list[str]] = {}
        """Every envelope each queue accepted, by queue URL, in sending order: what the
        queue-journal invariant compares with the journal, since consumers delete
        what the queues hold."""

    def enqueue(self, entry: JournalEntry, now_ns: int) -> None:
        copies = 1
        faults = self._faults.queue
        if faults.duplicate_rate and self._rng.random() < faults.duplicate_rate:
            copies = 2
        for _ in range(copies):
            delay = 0
            if faults.max_delay_seconds:
                delay = int(self._rng.uniform(0, faults.max_delay_seconds) * NS_PER_SECOND)
            self._copies += 1
            item = (now_ns + delay, entry.seq, self._copies, entry)
            if delay:
                heapq.heappush(self._delayed, item)
            else:
                self._ready.append(item)

    def flush(self, now_ns: int) -> None:
        """Send every envelope due by `now_ns`, in due order, in SQS batches.

        A queue that refuses keeps its envelopes, in order, for the next flush:
        the journal already holds them, and the copy arrives late, not never.
        """
        delayed = self._delayed
        if not self._ready and not (delayed and delayed[0][0] <= now_ns):
            return  # nothing due, as after most commands: every run of the clock asks
        due_delayed = []
        while delayed and delayed[0][0] <= now_ns:
            due_delayed.append(heapq.heappop(delayed))
        ready, self._ready = self._ready, []
        by_queue: dict[str, list[Copy]] = defaultdict(list)
        suppressed = self.suppressed
        for item in heapq.merge(ready, due_delayed) if due_delayed else ready:
            entry = item[3]
            if suppressed and entry.message_id in suppressed:
                continue
            by_queue[self._queue_url_of(entry.client)].append(item)
        kept: list[Copy] = []
        for queue_url, items in by_queue.items():
            kept.extend(self._publish(queue_url, items))
        if kept:
            self._ready = sorted(kept) + self._ready

    def _publish(self, queue_url: str, items: list[Copy]) -> list[Copy]:
        """Publish in batches; answer the copies the queue did not take."""
        for start in range(0, len(items), SQS_BATCH):
            batch = items[start : start + SQS_BATCH]
            bodies = [item[3].envelope for item in batch]
            try:
                self._queues.publish(queue_url, bodies)
            except Exception as exc:
                if queue_url not in self._refusing:
                    log.warning("publishing to %s failed (%s); the events wait for the next run of the clock", queue_url, exc)
                self._refusing.add(queue_url)
                return items[start:]
            self.delivered.setdefault(queue_url, []).extend(bodies)
        self._refusing.discard(queue_url)
        return []

    def waiting(self) -> list[tuple[int, JournalEntry]]:
        """The copies not sent yet, each with the instant it falls due."""
        return [(item[0], item[3]) for item in (*self._ready, *self._delayed)]

    def refusing(self, queue_url: str) -> bool:
        """Whether the queue refused the last publish: its due copies wait for the next flush."""
        return queue_url in self._refusing
