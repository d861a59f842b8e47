"""Gifts from a client's inventory: the gift, its reject rules and its figures.

Pure domain: the service hands in the clock reading, ids, the Gift Account's
holding and the BBO ask. A gift is decided when it is requested: it is
COMPLETE at once, or REJECTED with the first failing rule's reason.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from simulator.domain import reasons
from simulator.domain.answers import with_outcome
from simulator.domain.batches import AllocationStatus
from simulator.domain.decimals import CENT, decimal_places, divide, fits_increment, format_decimal, multiply, round_to
from simulator.domain.instruments import COINS, Instrument


@dataclass(frozen=True)
class GiftFigures:
    """What a passing gift moves: `quantity` of the coin, worth `notional` USD at `price`."""

    price: Decimal
    quantity: Decimal
    notional: Decimal


@dataclass
class Gift:
    id: str
    created_at: str
    request: dict[str, Any]
    """The request as the client sent it, echoed back in every answer."""
    status: AllocationStatus = AllocationStatus.PENDING
    reject_reason: str | None = None
    figures: GiftFigures | None = None

    def reject(self, reason: str) -> None:
        self.status = AllocationStatus.REJECTED
        self.reject_reason = reason

    def complete(self, figures: GiftFigures) -> None:
        self.figures = figures
        self.status = AllocationStatus.COMPLETE

    def to_api(self) -> dict[str, Any]:
        """The GiftAllocation, fields in the reference's order; amounts only once COMPLETE."""
        body: dict[str, Any] = {"createdAt": self.created_at, "id": self.id}
        if self.figures is not None:
            body["price"] = format_decimal(self.figures.price)
            body["quantity"] = format_decimal(self.figures.quantity)
            body["notional"] = format_decimal(self.figures.notional)
        return with_outcome(body, self.reject_reason, self.request, self.status)


@dataclass(frozen=True)
class GiftCheck:
    """What the gift rules need to know, gathered by the service."""

    account_known: bool
    """The account is one of the client's investors."""
    has_gift_account: bool
    currency: str
    notional: Decimal | None
    quantity: Decimal | None
    ask: Decimal | None
    """The BBO ask of the coin's symbol now; None when nobody quotes."""
    inventory: Decimal
    """What the Gift Account holds of the currency."""


def assess_gift(check: GiftCheck) -> GiftFigures | str:
    """Rules 2 to 6 of the gift table in order (rule 1, duplicates, is the caller's):
    the first failing rule's reason, or the figures of a gift that passes.

    Rule 6 needs the quantity, which a notional gift only has once priced, so
    a missing ask (a market outage) rejects with the market's reason before it.
    """
    if not check.account_known:
        return reasons.INVALID_ACCOUNT
    if not check.has_gift_account:
        return reasons.NO_GIFT_ACCOUNT
    instrument = COINS.get(check.currency)
    if instrument is None:
        return reasons.INVALID_CURRENCY
    if not amount_is_valid(check.notional, check.quantity, instrument):
        return reasons.INVALID_GIFT_AMOUNT
    if check.ask is None:
        return reasons.EMPTY_QUOTES
    figures = price_gift(check.notional, check.quantity, check.ask, instrument)
    if figures.quantity == 0:
        return reasons.INVALID_GIFT_AMOUNT
    if figures.quantity > check.inventory:
        return reasons.INSUFFICIENT_INVENTORY
    return figures


def amount_is_valid(notional: Decimal | None, quantity: Decimal | None, instrument: Instrument) -> bool:
    """Exactly one of the two, greater than zero, and within its precision (cents for a
    notional, the quantity increment for a quantity; compared by value: `5.000` is cents)."""
    if (notional is None) == (quantity is None):
        return False
    if notional is not None:
        return notional > 0 and decimal_places(notional) <= 2
    assert quantity is not None
    return quantity > 0 and fits_increment(quantity, instrument.minimum_quantity_increment)


def price_gift(notional: Decimal | None, quantity: Decimal | None, ask: Decimal, instrument: Instrument) -> GiftFigures:
    """A gift at the ask: a notional buys notional / ask of the coin, half-even to the
    quantity increment; a quantity is worth quantity * ask, half-even to cents."""
    if notional is not None:
        return GiftFigures(ask, round_to(divide(notional, ask), instrument.minimum_quantity_increment), notional)
    assert quantity is not None
    return GiftFigures(ask, quantity, round_to(multiply(quantity, ask), CENT))
