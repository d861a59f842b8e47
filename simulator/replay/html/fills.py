"""Fills: the prices investors got, read from the events.

Three kinds of events carry one. A completed allocation carries its batch's
price; an order event lists every execution so far, so each execution is
taken once, at its own `executedAt`; a completed gift is priced at the ask.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from simulator.domain.instruments import COINS
from simulator.replay.html.events import Event
from simulator.replay.html.lenient import decimal_or_none, instant_or_none

ALLOCATION, EXECUTION, GIFT = "allocation", "order execution", "gift"


@dataclass(frozen=True)
class Fill:
    time_ns: int
    client: str
    source: str
    """ALLOCATION, EXECUTION or GIFT."""
    symbol: str
    side: str
    """BUY, SELL, or GIFT for a gift (valued at the ask)."""
    quantity: str
    price: Decimal
    account: str
    reference: str
    """The clientTransactionId or clientOrderId."""


def allocation_fill(event: Event) -> Fill | None:
    request, price = event.request, decimal_or_none(event.payload.get("price"))
    if event.status != "COMPLETE" or price is None or event.time_ns is None:
        return None
    return Fill(
        time_ns=event.time_ns,
        client=event.client,
        source=ALLOCATION,
        symbol=str(request.get("symbol", "")),
        side=str(request.get("side", "")),
        quantity=str(event.payload.get("quantity", "")),
        price=price,
        account=str(request.get("account", "")),
        reference=str(request.get("clientTransactionId", "")),
    )


def gift_fill(event: Event) -> Fill | None:
    request, price = event.request, decimal_or_none(event.payload.get("price"))
    coin = COINS.get(str(request.get("currency", "")))
    if event.status != "COMPLETE" or price is None or event.time_ns is None or coin is None:
        return None
    return Fill(
        time_ns=event.time_ns,
        client=event.client,
        source=GIFT,
        symbol=coin.symbol,
        side="GIFT",
        quantity=str(event.payload.get("quantity", "")),
        price=price,
        account=str(request.get("account", "")),
        reference=str(request.get("clientTransactionId", "")),
    )


def execution_fills(event: Event, seen: set[str]) -> list[Fill]:
    """The executions of an order event not seen in an earlier event of the run."""
    fills = []
    executions = event.payload.get("executions")
    for execution in executions if isinstance(executions, list) else ():
        execution_id = str(execution.get("id", ""))
        price, time_ns = decimal_or_none(execution.get("price")), instant_or_none(execution.get("executedAt"))
        if execution_id in seen or price is None or time_ns is None:
            continue
        seen.add(execution_id)
        fills.append(
            Fill(
                time_ns=time_ns,
                client=event.client,
                source=EXECUTION,
                symbol=str(execution.get("symbol", "")),
                side=str(execution.get("side", "")),
                quantity=str(execution.get("quantity", "")),
                price=price,
                account=str(event.request.get("account", "")),
                reference=str(event.request.get("clientOrderId", "")),
            )
        )
    return fills


def fills_of(event: Event, seen_executions: set[str]) -> list[Fill]:
    if event.kind == "order":
        return execution_fills(event, seen_executions)
    reader = {"allocation": allocation_fill, "gift": gift_fill}.get(event.kind)
    fill = reader(event) if reader is not None else None
    return [fill] if fill is not None else []


def read_fills(events: Iterable[Event]) -> tuple[Fill, ...]:
    """Every fill of the run, in time order (journal order among equal times)."""
    seen_executions: set[str] = set()
    fills = [fill for event in events for fill in fills_of(event, seen_executions)]
    return tuple(sorted(fills, key=lambda fill: fill.time_ns))
