"""Commission, markup and net money (CONTRACT section 5, step 3)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from simulator.domain.fees import (
    Commission,
    CommissionModel,
    FeeTerms,
    Side,
    bps_of,
    commission_is_valid,
    investor_price,
    net_money,
)

TRADE_FEE_25 = Commission(CommissionModel.TRADE_FEE, 25)
MARKUP_100 = Commission(CommissionModel.MARKUP, 100)


def terms(client: Commission, *, bps: int | None = None, fixed: str | None = None) -> FeeTerms:
    return FeeTerms(bps, None if fixed is None else Decimal(fixed), client)


@pytest.mark.parametrize(
    ("notional", "bps", "fee"),
    [
        ("100", 25, "0.25"),
        ("200", 0, "0.00"),
        ("125", 1, "0.01"),  # 0.0125
        ("250", 1, "0.02"),  # 0.025, half to even
        ("350", 1, "0.04"),  # 0.035, half to even
        ("1.25", 50, "0.01"),  # 0.00625
        ("10720.46", 10_000, "10720.46"),
        ("99999.99", 33, "330.00"),  # 329.999967
    ],
)
def test_bps_fee_rounds_half_even_to_cents(notional: str, bps: int, fee: str) -> None:
    charged = bps_of(Decimal(notional), bps)
    assert charged == Decimal(fee)
    assert charged.as_tuple().exponent == -2


def test_fixed_commission_is_charged_as_given() -> None:
    fee_terms = terms(TRADE_FEE_25, fixed="2.5")
    assert fee_terms.fee(Decimal("1000")) == Decimal("2.5")
    assert fee_terms.markup_bps == 0


def test_trade_fee_model_charges_its_bps_and_keeps_the_price() -> None:
    fee_terms = terms(TRADE_FEE_25)
    assert fee_terms.fee(Decimal("400")) == Decimal("1.00")
    assert fee_terms.markup_bps == 0
    assert investor_price(Decimal("100"), Side.BUY, fee_terms.markup_bps) == Decimal("100")


def test_markup_model_charges_no_fee() -> None:
    fee_terms = terms(MARKUP_100)
    assert fee_terms.fee(Decimal("400")) == 0
    assert fee_terms.markup_bps == 100


@pytest.mark.parametrize(
    ("side", "price"),
    [(Side.BUY, "101.00"), (Side.SELL, "99.00")],
)
def test_markup_moves_the_price_against_the_investor(side: Side, price: str) -> None:
    assert investor_price(Decimal("100"), side, 100) == Decimal(price)


def test_investor_price_rounds_half_even_to_eight_places() -> None:
    assert investor_price(Decimal("21440.923456785"), Side.BUY, 0) == Decimal("21440.92345678")
    assert investor_price(Decimal("21440.923456775"), Side.BUY, 0) == Decimal("21440.92345678")
    assert investor_price(Decimal("20.06966826"), Side.BUY, 1) == Decimal("20.07167523")


@pytest.mark.parametrize(
    ("client", "bps", "fixed", "fee", "markup"),
    [
        (MARKUP_100, 0, None, "0.00", 0),
        (MARKUP_100, 10, None, "1.00", 0),
        (MARKUP_100, None, "3", "3", 0),
        (TRADE_FEE_25, 0, None, "0.00", 0),
        (TRADE_FEE_25, 50, None, "5.00", 0),
        (TRADE_FEE_25, None, "0", "0", 0),
        (TRADE_FEE_25, None, "7.25", "7.25", 0),
    ],
)
def test_per_trade_commission_disables_the_client_model(
    client: Commission, bps: int | None, fixed: str | None, fee: str, markup: int
) -> None:
    fee_terms = terms(client, bps=bps, fixed=fixed)
    assert fee_terms.fee(Decimal("1000")) == Decimal(fee)
    assert fee_terms.markup_bps == markup


@pytest.mark.parametrize(
    ("side", "expected"),
    [(Side.BUY, "201.50"), (Side.SELL, "198.50")],
)
def test_net_money_adds_the_fee_for_buys_and_subtracts_it_for_sells(side: Side, expected: str) -> None:
    assert net_money(Decimal("200"), Decimal("1.50"), side) == Decimal(expected)


@pytest.mark.parametrize(
    ("bps", "fixed", "valid"),
    [
        (None, None, True),
        (0, None, True),
        (10_000, None, True),
        (10_001, None, False),
        (-1, None, False),
        (None, "0", True),
        (None, "12.5", True),
        (None, "-0.01", False),
        (5, "1", False),
        (0, "0", False),
    ],
)
def test_commission_is_valid(bps: int | None, fixed: str | None, valid: bool) -> None:
    assert commission_is_valid(bps, None if fixed is None else Decimal(fixed)) is valid
