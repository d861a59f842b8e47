"""Batch allocation rules and completion math (CONTRACT section 5)."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from simulator.domain import reasons
from simulator.domain.batches import (
    Allocation,
    AllocationCheck,
    Batch,
    BatchStatus,
    BatchType,
    allocation_reject_reason,
    insufficient_sells,
    net_amount,
    price_allocation,
)
from simulator.domain.fees import Commission, CommissionModel, Side
from simulator.domain.instruments import INSTRUMENTS

BTC = INSTRUMENTS["BTCUSD"]
NO_COMMISSION = Commission()


def make_batch(
    batch_type: BatchType = BatchType.NOTIONAL, *, symbol: str = "BTCUSD", status: BatchStatus = BatchStatus.OPEN
) -> Batch:
    return Batch(id="batch", created_at="2026-03-02T14:00:00.000Z", request={}, symbol=symbol, type=batch_type, status=status)


def make_allocation(
    side: Side,
    amount: str,
    *,
    account: str = "INV00001",
    bps: int | None = None,
    fixed: str | None = None,
) -> Allocation:
    return Allocation(
        id=f"{account}-{side}-{amount}",
        created_at="2026-03-02T14:00:00.000Z",
        request={},
        client_transaction_id=f"ct-{account}-{side}-{amount}",
        symbol="BTCUSD",
        account=account,
        side=side,
        amount=Decimal(amount),
        bps_commission=bps,
        fixed_commission=None if fixed is None else Decimal(fixed),
    )


def make_check(batch_type: BatchType = BatchType.NOTIONAL, **overrides: Any) -> AllocationCheck:
    valid = AllocationCheck(
        has_firm_account=True,
        batch=make_batch(batch_type),
        symbol="BTCUSD",
        account_known=True,
        amount=Decimal("200"),
        bps_commission=None,
        fixed_commission=None,
    )
    return replace(valid, **overrides)


# What breaks each rule of the allocate table, by rule number.
RULE_BREAKERS: dict[int, dict[str, Any]] = {
    2: {"has_firm_account": False},
    3: {"batch": None},
    4: {"batch": make_batch(status=BatchStatus.CLOSED)},
    5: {"symbol": "FOOUSD"},
    6: {"symbol": "ETHUSD"},
    7: {"account_known": False},
    8: {"amount": Decimal("-1.005")},  # also breaks rule 9
    9: {"amount": Decimal("1.005")},
    10: {"bps_commission": 5, "fixed_commission": Decimal("-1")},
}
RULE_REASONS = {
    2: reasons.NO_FIRM_ACCOUNT,
    3: reasons.INVALID_BATCH,
    4: reasons.BATCH_NOT_OPEN,
    5: reasons.INVALID_SYMBOL,
    6: reasons.SYMBOL_MISMATCH,
    7: reasons.INVALID_ACCOUNT,
    8: reasons.AMOUNT_NOT_POSITIVE,
    9: reasons.TOO_MANY_DECIMALS,
    10: reasons.INVALID_COMMISSION,
}


def test_a_valid_allocation_passes() -> None:
    assert allocation_reject_reason(make_check()) is None


def test_reject_reasons_are_worded_as_in_the_contract() -> None:
    assert RULE_REASONS == {
        2: "The Firm Allocation Account does not exist for this client",
        3: "Invalid batchTransactionId",
        4: "Batch is not open",
        5: "Invalid symbol",
        6: "Symbol does not match batch symbol",
        7: "Invalid account Id",
        8: "Allocation amount must be greater than zero",
        9: "Allocation amount has too many decimal places",
        10: "Invalid commission",
    }


@pytest.mark.parametrize("rule", sorted(RULE_BREAKERS))
def test_each_rule_alone_gives_its_reason(rule: int) -> None:
    assert allocation_reject_reason(make_check(**RULE_BREAKERS[rule])) == RULE_REASONS[rule]


@pytest.mark.parametrize("rule", sorted(RULE_BREAKERS))
def test_the_first_failing_rule_wins(rule: int) -> None:
    """Break this rule and every later one at once: this rule's reason answers."""
    overrides: dict[str, Any] = {}
    for later in sorted(RULE_BREAKERS, reverse=True):
        if later >= rule:
            overrides.update(RULE_BREAKERS[later])
    assert allocation_reject_reason(make_check(**overrides)) == RULE_REASONS[rule]


@pytest.mark.parametrize("status", [BatchStatus.CLOSED, BatchStatus.IN_PROGRESS, BatchStatus.COMPLETE, BatchStatus.REJECTED])
def test_only_an_open_batch_takes_allocations(status: BatchStatus) -> None:
    check = make_check(batch=make_batch(status=status))
    assert allocation_reject_reason(check) == reasons.BATCH_NOT_OPEN


@pytest.mark.parametrize("amount", ["0", "0.00", "-0", "-5"])
def test_amount_must_be_greater_than_zero(amount: str) -> None:
    assert allocation_reject_reason(make_check(amount=Decimal(amount))) == reasons.AMOUNT_NOT_POSITIVE


@pytest.mark.parametrize(
    ("batch_type", "amount", "fits"),
    [
        (BatchType.NOTIONAL, "10", True),
        (BatchType.NOTIONAL, "10.000", True),
        (BatchType.NOTIONAL, "10.01", True),
        (BatchType.NOTIONAL, "10.010", True),
        (BatchType.NOTIONAL, "10.001", False),
        (BatchType.NOTIONAL, "0.005", False),
        (BatchType.QUANTITY, "0.00000001", True),
        (BatchType.QUANTITY, "0.123456780", True),
        (BatchType.QUANTITY, "2", True),
        (BatchType.QUANTITY, "0.000000001", False),
        (BatchType.QUANTITY, "1.000000015", False),
    ],
)
def test_amount_precision_by_batch_type(batch_type: BatchType, amount: str, fits: bool) -> None:
    reason = allocation_reject_reason(make_check(batch_type, amount=Decimal(amount)))
    assert reason == (None if fits else reasons.TOO_MANY_DECIMALS)


@pytest.mark.parametrize(
    ("bps", "fixed", "valid"),
    [
        (0, None, True),
        (10_000, None, True),
        (None, "0", True),
        (None, "2.50", True),
        (-1, None, False),
        (10_001, None, False),
        (None, "-0.01", False),
        (10, "1", False),
    ],
)
def test_commission_rule(bps: int | None, fixed: str | None, valid: bool) -> None:
    check = make_check(bps_commission=bps, fixed_commission=None if fixed is None else Decimal(fixed))
    assert allocation_reject_reason(check) == (None if valid else reasons.INVALID_COMMISSION)


def holdings(**by_account: str) -> Any:
    return lambda account: Decimal(by_account.get(account, "0"))


def test_sells_are_checked_cumulatively_per_account_in_submission_order() -> None:
    first = make_allocation(Side.SELL, "0.3", account="A")
    second = make_allocation(Side.SELL, "0.3", account="A")
    other_account = make_allocation(Side.SELL, "0.3", account="B")
    buy = make_allocation(Side.BUY, "5", account="A")
    short = insufficient_sells(
        [buy, first, other_account, second], BatchType.QUANTITY, Decimal("100"), BTC, holdings(A="0.5", B="0.5")
    )
    assert short == [second]


def test_a_short_sell_does_not_use_up_the_holding() -> None:
    too_big = make_allocation(Side.SELL, "0.6", account="A")
    fits = make_allocation(Side.SELL, "0.5", account="A")
    short = insufficient_sells([too_big, fits], BatchType.QUANTITY, Decimal("100"), BTC, holdings(A="0.5"))
    assert short == [too_big]


def test_buys_never_cover_sells_of_the_same_batch() -> None:
    buy = make_allocation(Side.BUY, "1", account="A")
    sell = make_allocation(Side.SELL, "0.1", account="A")
    assert insufficient_sells([buy, sell], BatchType.QUANTITY, Decimal("100"), BTC, holdings()) == [sell]


@pytest.mark.parametrize(("amount", "is_short"), [("250.00", False), ("250.01", True)])
def test_notional_sells_are_valued_at_the_given_price(amount: str, is_short: bool) -> None:
    sell = make_allocation(Side.SELL, amount, account="A")
    short = insufficient_sells([sell], BatchType.NOTIONAL, Decimal("500"), BTC, holdings(A="0.5"))
    assert short == ([sell] if is_short else [])


@pytest.mark.parametrize(
    ("sides_and_amounts", "net"),
    [
        ([(Side.BUY, "200"), (Side.SELL, "50.5"), (Side.BUY, "10")], "159.5"),
        ([(Side.SELL, "1"), (Side.SELL, "2.25")], "-3.25"),
        ([(Side.BUY, "7"), (Side.SELL, "7")], "0"),
        ([], "0"),
    ],
)
def test_net_amount_counts_buys_positive_and_sells_negative(sides_and_amounts: list[tuple[Side, str]], net: str) -> None:
    allocations = [make_allocation(side, amount) for side, amount in sides_and_amounts]
    assert net_amount(allocations) == Decimal(net)


def complete(
    allocation: Allocation, average_fill: str, batch_type: BatchType = BatchType.NOTIONAL, commission: Commission = NO_COMMISSION
) -> Any:
    return price_allocation(
        allocation, average_fill=Decimal(average_fill), batch_type=batch_type, instrument=BTC, commission=commission
    )


def test_the_seed_worked_check() -> None:
    done = complete(make_allocation(Side.BUY, "200"), "21440.92")
    assert done.price == Decimal("21440.92")
    assert done.quantity == Decimal("0.00932796")
    assert done.notional == Decimal("200")
    assert done.fee == 0
    assert done.net_money == Decimal("200")


@pytest.mark.parametrize(
    ("amount", "price", "quantity"),
    [
        ("5", "17362.66666667", "0.00028797"),
        ("5", "17365.40404045", "0.00028793"),
        ("5", "9.71208222", "0.51482266"),  # rounds to nearest, not down
        ("4", "0.09096061", "43.97507888"),
    ],
)
def test_notional_quantity_rounds_to_nearest_increment(amount: str, price: str, quantity: str) -> None:
    assert complete(make_allocation(Side.BUY, amount), price).quantity == Decimal(quantity)


@pytest.mark.parametrize(
    ("quantity", "price", "notional"),
    [
        ("0.5", "100.01", "50.00"),  # 50.005, half to even
        ("0.5", "100.03", "50.02"),  # 50.015, half to even
        ("0.00932796", "21440.92", "200.00"),  # 199.99999...
        ("2", "43000", "86000.00"),
    ],
)
def test_quantity_batches_round_notional_half_even_to_cents(quantity: str, price: str, notional: str) -> None:
    done = complete(make_allocation(Side.BUY, quantity), price, BatchType.QUANTITY)
    assert done.quantity == Decimal(quantity)
    assert done.notional == Decimal(notional)
    assert done.net_money == Decimal(notional)


@pytest.mark.parametrize(
    ("side", "fee", "net"),
    [(Side.BUY, "0.50", "200.50"), (Side.SELL, "0.50", "199.50")],
)
def test_bps_commission_then_net_money(side: Side, fee: str, net: str) -> None:
    done = complete(make_allocation(side, "200", bps=25), "21440.92")
    assert (done.fee, done.net_money) == (Decimal(fee), Decimal(net))


def test_fixed_commission_then_net_money() -> None:
    done = complete(make_allocation(Side.SELL, "200", fixed="1.5"), "21440.92")
    assert (done.fee, done.net_money) == (Decimal("1.5"), Decimal("198.5"))


def test_client_trade_fee_applies_without_an_override() -> None:
    done = complete(make_allocation(Side.BUY, "200"), "21440.92", commission=Commission(CommissionModel.TRADE_FEE, 10))
    assert (done.price, done.fee, done.net_money) == (Decimal("21440.92"), Decimal("0.20"), Decimal("200.20"))


@pytest.mark.parametrize(
    ("side", "price", "quantity"),
    [(Side.BUY, "21655.3292", "0.00923560"), (Side.SELL, "21226.5108", "0.00942218")],
)
def test_markup_moves_the_price_and_charges_no_fee(side: Side, price: str, quantity: str) -> None:
    done = complete(make_allocation(side, "200"), "21440.92", commission=Commission(CommissionModel.MARKUP, 100))
    assert done.price == Decimal(price)
    assert done.quantity == Decimal(quantity)
    assert done.fee == 0
    assert done.net_money == Decimal("200")


def test_markup_price_is_rounded_to_eight_places_before_the_quantity() -> None:
    # 20.06966826 * 1.0001 = 20.071675226826; from the unrounded price the
    # quantity would be 263.30537637.
    done = complete(make_allocation(Side.BUY, "5284.98"), "20.06966826", commission=Commission(CommissionModel.MARKUP, 1))
    assert done.price == Decimal("20.07167523")
    assert done.quantity == Decimal("263.30537633")


def test_a_per_trade_override_disables_the_client_markup() -> None:
    done = complete(make_allocation(Side.BUY, "200", bps=0), "21440.92", commission=Commission(CommissionModel.MARKUP, 100))
    assert (done.price, done.quantity, done.fee) == (Decimal("21440.92"), Decimal("0.00932796"), 0)
