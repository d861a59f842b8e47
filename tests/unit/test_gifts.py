"""Gift rules, figures and email (CONTRACT sections 6 and 10)."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from functools import partial

import pytest

from simulator.domain import reasons
from simulator.domain.batches import Allocation
from simulator.domain.fees import Commission, Side
from simulator.domain.gifts import Gift, GiftCheck, GiftFigures, assess_gift, price_gift
from simulator.domain.instruments import COINS
from simulator.domain.transactions import duplicate
from simulator.service.commands import RequestGift
from simulator.service.gifts import TRADE_CONFIRMATION_BRANDING, branding_of, gift_email
from simulator.service.state import Branding, ClientRecord, FundingModel

ASK = Decimal("43021.5")
BTC = COINS["BTC"]
VALID = GiftCheck(
    account_known=True,
    has_gift_account=True,
    currency="BTC",
    notional=Decimal("5"),
    quantity=None,
    ask=ASK,
    inventory=Decimal("1"),
)


def check(**overrides: object) -> GiftCheck:
    return replace(VALID, **overrides)  # type: ignore[arg-type]


def amount(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def test_a_valid_notional_gift_passes_with_its_figures() -> None:
    assert assess_gift(VALID) == GiftFigures(ASK, Decimal("0.00011622"), Decimal("5"))


ALL_BROKEN = {
    "account_known": False,
    "has_gift_account": False,
    "currency": "XYZ",
    "notional": Decimal("5"),
    "quantity": Decimal("2"),
    "ask": None,
    "inventory": Decimal("0"),
}
RULES_IN_ORDER = [
    ("account_known", reasons.INVALID_ACCOUNT),
    ("has_gift_account", reasons.NO_GIFT_ACCOUNT),
    ("currency", reasons.INVALID_CURRENCY),
    ("quantity", reasons.INVALID_GIFT_AMOUNT),
    ("ask", reasons.EMPTY_QUOTES),
    ("inventory", reasons.INSUFFICIENT_INVENTORY),
]


@pytest.mark.parametrize("first", range(len(RULES_IN_ORDER)), ids=[reason for _, reason in RULES_IN_ORDER])
def test_the_first_failing_rule_wins(first: int) -> None:
    """Rules before `first` pass, `first` and every later one fail: `first`'s reason answers."""
    broken = {field: ALL_BROKEN[field] for field, _ in RULES_IN_ORDER[first:]}
    assert assess_gift(check(**broken)) == RULES_IN_ORDER[first][1]


@pytest.mark.parametrize(
    ("notional", "quantity"),
    [
        (None, None),
        ("5", "0.001"),
        ("0", None),
        ("-5", None),
        ("5.001", None),
        (None, "0"),
        (None, "-0.1"),
        (None, "0.000000001"),
    ],
)
def test_rule_5_wants_exactly_one_positive_amount_within_its_precision(
    notional: str | None, quantity: str | None
) -> None:
    assert assess_gift(check(notional=amount(notional), quantity=amount(quantity))) == reasons.INVALID_GIFT_AMOUNT


@pytest.mark.parametrize(
    ("notional", "quantity"), [("10.000", None), ("0.01", None), (None, "0.00000001"), (None, "1.0")]
)
def test_precision_is_compared_by_value(notional: str | None, quantity: str | None) -> None:
    assert isinstance(assess_gift(check(notional=amount(notional), quantity=amount(quantity))), GiftFigures)


def test_a_notional_worth_less_than_half_an_increment_is_an_invalid_amount() -> None:
    """0.01 / 10,000,000 = 0.000000001, which rounds to no coin at all."""
    assert assess_gift(check(notional=Decimal("0.01"), ask=Decimal("10000000"))) == reasons.INVALID_GIFT_AMOUNT


def test_rule_6_compares_the_computed_quantity_with_the_inventory() -> None:
    # 43021.5 USD buys exactly 1 BTC; a cent more buys 1.00000023
    assert assess_gift(check(notional=Decimal("43021.50"))) == GiftFigures(ASK, Decimal("1"), Decimal("43021.50"))
    assert assess_gift(check(notional=Decimal("43021.51"))) == reasons.INSUFFICIENT_INVENTORY
    assert isinstance(assess_gift(check(notional=None, quantity=Decimal("1"))), GiftFigures)
    assert assess_gift(check(notional=None, quantity=Decimal("1.00000001"))) == reasons.INSUFFICIENT_INVENTORY


@pytest.mark.parametrize(
    ("notional", "quantity", "ask", "expected_quantity", "expected_notional"),
    [
        ("5", None, "43021.5", "0.00011622", "5"),
        ("0.01", None, "400000", "0.00000002", "0.01"),  # 0.000000025: half-even down to the even 2
        ("0.03", None, "400000", "0.00000008", "0.03"),  # 0.000000075: half-even up to the even 8
        (None, "0.03", "43021.5", "0.03", "1290.64"),  # 1290.645: half-even down to the even 4
        (None, "0.01", "43021.5", "0.01", "430.22"),  # 430.215: half-even up to the even 2
        (None, "0.00000001", "43021.5", "0.00000001", "0.00"),
    ],
)
def test_figures_round_half_even(
    notional: str | None, quantity: str | None, ask: str, expected_quantity: str, expected_notional: str
) -> None:
    figures = price_gift(amount(notional), amount(quantity), Decimal(ask), BTC)
    assert figures == GiftFigures(Decimal(ask), Decimal(expected_quantity), Decimal(expected_notional))


def make_gift() -> Gift:
    return Gift(id="gift-id", created_at="2026-03-02T14:00:00.000Z", request={"account": "INV00001"})


def test_a_complete_gift_renders_in_the_reference_order() -> None:
    gift = make_gift()
    gift.complete(GiftFigures(ASK, Decimal("0.00011622"), Decimal("5.00")))
    body = gift.to_api()
    assert list(body) == ["createdAt", "id", "price", "quantity", "notional", "request", "status"]
    amounts = (body["price"], body["quantity"], body["notional"], body["status"])
    assert amounts == ("43021.5", "0.00011622", "5", "COMPLETE")


def test_a_rejected_gift_has_no_amounts() -> None:
    gift = make_gift()
    gift.reject(reasons.INVALID_CURRENCY)
    assert gift.to_api() == {
        "createdAt": "2026-03-02T14:00:00.000Z",
        "id": "gift-id",
        "rejectReason": reasons.INVALID_CURRENCY,
        "request": {"account": "INV00001"},
        "status": "REJECTED",
    }


@pytest.mark.parametrize("first", ["gift", "allocation"])
def test_a_duplicate_answers_with_the_first_transactions_id_and_time(first: str) -> None:
    allocation = Allocation("alloc-id", "2026-03-02T13:00:00.000Z", {}, "ct", "BTCUSD", "INV00001", Side.BUY, Decimal(1), None, None)
    transaction = make_gift() if first == "gift" else allocation
    answer = duplicate(transaction, partial(Gift, request={"account": "INV00002"})).to_api()
    assert answer == {
        "createdAt": transaction.created_at,
        "id": transaction.id,
        "rejectReason": reasons.DUPLICATE_TRANSACTION,
        "request": {"account": "INV00002"},
        "status": "REJECTED",
    }


def client_with(branding: Branding) -> ClientRecord:
    return ClientRecord(
        "acme", FundingModel.NET_SETTLEMENT, Commission(), "acme-api", "password", "acme", "queue", branding, []
    )


def test_missing_branding_parts_fall_back_to_the_trade_confirmation_defaults() -> None:
    partial = client_with(Branding(logo_url="https://acme.test/logo.png"))
    assert branding_of(partial) == replace(TRADE_CONFIRMATION_BRANDING, logo_url="https://acme.test/logo.png")
    assert branding_of(client_with(Branding())) == TRADE_CONFIRMATION_BRANDING


def test_the_email_names_the_coin_the_amounts_and_the_branding() -> None:
    command = RequestGift({}, "INV00001", "id", "BTC", None, Decimal("0.03"))
    branding = Branding("https://acme.test/logo.png", "https://acme.test/trade", "help@acme.test")
    body = gift_email(command, GiftFigures(ASK, Decimal("0.03"), Decimal("1290.64")), branding)
    expected = ["0.03 BTC", "INV00001", "1290.64 USD", "43021.5 USD per BTC", "cost basis of zero"]
    expected += ["https://acme.test/logo.png", "https://acme.test/trade", "help@acme.test"]
    assert [text for text in expected if text not in body] == []
