"""The gift handler on memory ports: a gift moves coin, books income, mails the investor."""
from __future__ import annotations

from decimal import Decimal

from test_handlers_world import World

from simulator.domain import reasons
from simulator.domain.batches import AllocationStatus
from simulator.service import gifts
from simulator.service.commands import RequestGift

GIFT_ID = "9b2c1f0e-5a4d-4c3b-8a29-1f0e9d8c7b6a"


def stocked() -> World:
    """A world whose Gift Account holds 0.001 BTC."""
    world = World()
    world.client.ledger.move_coin("GIFT00001", "BTC", Decimal("0.001"))
    return world


def gift(account: str = "INV00001", *, notional: str | None = "5.00", quantity: str | None = None) -> RequestGift:
    request = {"account": account, "clientTransactionId": GIFT_ID, "currency": "BTC"}
    amount = None if notional is None else Decimal(notional)
    return RequestGift(request, account, GIFT_ID, "BTC", amount, None if quantity is None else Decimal(quantity))


def test_a_gift_moves_the_coin_books_the_income_and_mails_the_investor() -> None:
    world = stocked()
    answer = world.run(gifts.request_gift, world.client, gift())
    assert answer.status is AllocationStatus.COMPLETE and answer.figures is not None
    moved = answer.figures.quantity
    assert (world.holding("GIFT00001"), world.holding("INV00001")) == (Decimal("0.001") - moved, Decimal(1) + moved)
    (entry,) = world.client.book.entries("INV00001")
    assert (entry.id, entry.reference, entry.notional) == (answer.id, GIFT_ID, Decimal("5.00"))
    (email,) = world.aws.mail.sent()
    assert email.to == world.client.accounts["INV00001"].email and "You received a gift" in email.subject
    assert world.events() == [answer.to_api()]


def test_a_gift_beyond_the_inventory_is_rejected_and_moves_nothing() -> None:
    world = stocked()
    answer = world.run(gifts.request_gift, world.client, gift(notional=None, quantity="0.002"))
    assert (answer.status, answer.reject_reason) == (AllocationStatus.REJECTED, reasons.INSUFFICIENT_INVENTORY)
    assert world.holding("GIFT00001") == Decimal("0.001") and world.aws.mail.sent() == []
    assert world.events() == [answer.to_api()]


def test_a_duplicate_gift_answers_as_the_first_and_moves_nothing_more() -> None:
    world = stocked()
    first = world.run(gifts.request_gift, world.client, gift())
    inventory = world.holding("GIFT00001")
    again = world.run(gifts.request_gift, world.client, gift("INV00002"))
    assert (again.id, again.created_at, again.reject_reason) == (first.id, first.created_at, reasons.DUPLICATE_TRANSACTION)
    assert again.request["account"] == "INV00002" and world.client.gifts[GIFT_ID] is first
    assert world.holding("GIFT00001") == inventory and len(world.events()) == 1
