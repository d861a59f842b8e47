"""The run's events, read once from their envelopes, and the rows of the events table.

The journal keeps each envelope as the exact string that was published; the
page needs its fields, so each envelope is decoded here once and every other
view (fills, batch lifecycles, the table) reads these records.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from simulator.replay.html.lenient import instant_or_none
from simulator.replay.html.timefmt import short_id, utc_label
from simulator.service.journal import JournalEntry

BATCH_EVENT = "allocation/batch/1"
GIFT_EVENT = "allocation/gift/1"
ORDER_EVENT = "order/1"
_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
EVENT_FIELDS = ("seq", "time", "client", "event_type", "status", "summary", "payload")
"""The order of each row's values in the page's embedded event data."""


@dataclass(frozen=True)
class Event:
    seq: int
    client: str
    event_type: str
    timestamp: str
    """The envelope's timestamp as published."""
    time_ns: int | None
    """The timestamp as an instant; None when it cannot be read."""
    payload: Mapping[str, Any]
    request: Mapping[str, Any]
    """The payload's request; empty when it has none."""
    kind: str
    """event_kind's answer, worked out once: every view asks, eight times an event in all."""

    @property
    def status(self) -> str:
        return str(self.payload.get("status", ""))


def event_kind(event_type: str, request: Mapping[str, Any]) -> str:
    """What an event's payload describes: batch, allocation, gift, order or other.

    Batch and allocation events share one event type; only an allocation's
    request carries a clientTransactionId.
    """
    if event_type == BATCH_EVENT:
        return "allocation" if "clientTransactionId" in request else "batch"
    return {GIFT_EVENT: "gift", ORDER_EVENT: "order"}.get(event_type, "other")


def read_events(entries: Iterable[JournalEntry]) -> tuple[Event, ...]:
    events = []
    for entry in entries:
        envelope = json.loads(entry.envelope)
        payload = envelope.get("payload")
        payload = payload if isinstance(payload, Mapping) else {}
        request = payload.get("request")
        request = request if isinstance(request, Mapping) else {}
        timestamp = str(envelope.get("timestamp", ""))
        events.append(
            Event(
                seq=entry.seq,
                client=entry.client,
                event_type=entry.event_type,
                timestamp=timestamp,
                time_ns=instant_or_none(timestamp),
                payload=payload,
                request=request,
                kind=event_kind(entry.event_type, request),
            )
        )
    return tuple(events)


@dataclass(frozen=True)
class EventRow:
    seq: int
    time: str
    client: str
    event_type: str
    status: str
    summary: str
    payload: Mapping[str, Any]


def describe(event: Event) -> str:
    """One line a person reads instead of the payload."""
    payload, request = event.payload, event.request
    reason = payload.get("rejectReason")
    if event.kind == "batch":
        text = (
            f"batch {short_id(request.get('batchTransactionId'))} {request.get('symbol', '')} "
            f"{request.get('type', '')}, {payload.get('allocations', 0)} allocations"
        )
    elif event.kind == "allocation":
        text = (
            f"{request.get('side', '')} {request.get('symbol', '')} amount {request.get('amount', '')} "
            f"for {request.get('account', '')} in batch {short_id(request.get('batchTransactionId'))}"
        )
        if "price" in payload:
            text += f": quantity {payload.get('quantity')} @ {payload['price']}, net money {payload.get('netMoney')}"
    elif event.kind == "gift":
        amount = request.get("notional") or request.get("quantity")
        unit = "USD of " if request.get("notional") else ""
        text = f"gift of {amount} {unit}{request.get('currency', '')} to {request.get('account', '')}"
        if "price" in payload:
            text += f": {payload.get('quantity')} @ {payload['price']}"
    elif event.kind == "order":
        limit = f" limit {request['price']}" if "price" in request else ""
        text = (
            f"{request.get('type', '')} {request.get('timeInForce', '')} {request.get('side', '')} "
            f"{request.get('quantity', '')} {request.get('symbol', '')}{limit} for {request.get('account', '')}: "
            f"filled {payload.get('cumulativeQuantity', '0')}"
        )
        if "averagePrice" in payload:
            text += f" @ avg {payload['averagePrice']}"
    else:
        text = ""
    if not reason:
        return text
    return f"{text} — {reason}" if text else str(reason)


def event_rows(events: Iterable[Event]) -> tuple[EventRow, ...]:
    return tuple(
        EventRow(
            seq=event.seq,
            time=event.timestamp if event.time_ns is None else utc_label(event.time_ns),
            client=event.client,
            event_type=event.event_type,
            status=event.status,
            summary=describe(event),
            payload=event.payload,
        )
        for event in events
    )


def rows_script(rows: Iterable[EventRow]) -> Markup:
    """The rows as one JSON array for a `<script type="application/json">`, embedded once.

    The page's script builds table rows from it on demand, so a run of tens
    of thousands of events loads as data, not as a DOM of that size. `<` is
    written as `\\u003c` so no value can close the script element.
    """
    data = [[getattr(row, name) for name in EVENT_FIELDS] for row in rows]
    return Markup(_COMPACT.encode(data).replace("<", "\\u003c"))
