"""Cash calls of TPJ clients: attempts, write-off, the book and the files (CONTRACT section 9)."""
from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

import pytest

from simulator.domain.cash_calls import (
    WRITE_OFF_AGE_DAYS,
    ActivityType,
    CashActivity,
    CashCall,
    CashCallBook,
    CashCallStatus,
)
from simulator.domain.fees import Side
from simulator.domain.settlement import CashMovement, SettlementEntry
from simulator.engine.clock import central_instant, next_central_time, parse_instant
from simulator.service.cash_calls import RETRY_TIMES, activity_file, aged_file

TRADE_DAY = date(2026, 3, 2)


def execution(
    side: Side | CashMovement, total: str, *, account: str = "INV00001", at: str = "2026-03-02T15:00:00Z", ref: str = "e1"
) -> SettlementEntry:
    """An execution whose netMoney is `total` (a fee of 1.00 on top of or off the notional)."""
    fee = Decimal("1.00")
    notional = Decimal(total) - fee if side is Side.BUY else Decimal(total) + fee
    quantity, price = Decimal("0.01"), Decimal(43000)
    return SettlementEntry(account, f"order-{ref}", ref, parse_instant(at), side, "BTC", quantity, price, notional, fee)


def call(side: Side | CashMovement = Side.BUY, total: str = "430.00", **kwargs: str) -> CashCall:
    return CashCall(execution(side, total, **kwargs), TRADE_DAY)


# one attempt


def test_a_debit_is_paid_in_full_when_the_cash_covers_it() -> None:
    debit = call()
    assert debit.attempt(Decimal("430.00"))
    assert (debit.status, debit.attempts, debit.cash_delta, debit.unsettled) == (
        CashCallStatus.PAID, 1, Decimal("-430.00"), Decimal(0)
    )  # fmt: skip


def test_a_debit_the_cash_cannot_cover_takes_nothing_and_stays_open() -> None:
    debit = call()
    assert not debit.attempt(Decimal("429.99"))
    assert (debit.status, debit.attempts, debit.unsettled, debit.has_failed) == (
        CashCallStatus.OPEN, 1, Decimal("430.00"), True
    )  # fmt: skip


def test_a_credit_always_succeeds() -> None:
    credit = call(Side.SELL, "428.00")
    assert credit.unsettled == Decimal("-428.00")
    assert credit.attempt(Decimal(0))
    assert (credit.status, credit.cash_delta) == (CashCallStatus.PAID, Decimal("428.00"))


def test_a_closed_call_cannot_be_tried_again() -> None:
    debit = call()
    debit.attempt(Decimal(1000))
    with pytest.raises(AssertionError):
        debit.attempt(Decimal(1000))


# write-off by CT calendar days


@pytest.mark.parametrize(("age", "written_off"), [(WRITE_OFF_AGE_DAYS - 1, False), (WRITE_OFF_AGE_DAYS, True)])
def test_an_open_call_is_written_off_once_thirty_calendar_days_old(age: int, written_off: bool) -> None:
    debit = call()
    debit.attempt(Decimal(0))
    assert debit.write_off_if_overdue(TRADE_DAY + timedelta(days=age)) is written_off
    assert debit.status is (CashCallStatus.WRITTEN_OFF if written_off else CashCallStatus.OPEN)


def test_a_paid_call_is_never_written_off() -> None:
    debit = call()
    debit.attempt(Decimal(1000))
    assert not debit.write_off_if_overdue(TRADE_DAY + timedelta(days=90))
    assert debit.status is CashCallStatus.PAID


# the book


def test_the_book_keeps_open_calls_and_lists_failed_ones_in_trade_order() -> None:
    book = CashCallBook()
    late = book.add(execution(Side.BUY, "10.00", at="2026-03-02T16:00:00Z", ref="a"), TRADE_DAY)
    early_b = book.add(execution(Side.BUY, "20.00", ref="b"), TRADE_DAY)
    early_a = book.add(execution(Side.BUY, "30.00", ref="a0"), TRADE_DAY)
    untried = book.add(execution(Side.BUY, "40.00", account="INV00002", ref="c"), TRADE_DAY)
    for failing in (late, early_b, early_a):
        failing.attempt(Decimal(0))
    assert book.failed() == [early_a, early_b, late]
    assert book.unsettled("INV00001") == Decimal("60.00")
    assert book.unsettled_by_account() == {"INV00001": Decimal("60.00"), "INV00002": Decimal("40.00")}
    untried.attempt(Decimal(100))
    book.close(untried)
    assert list(book.open) == ["a", "b", "a0"] and "c" in book.calls


def test_activity_is_cut_at_the_report_half_open() -> None:
    book = CashCallBook()
    report = parse_instant("2026-03-02T22:40:00Z")
    before = CashActivity("INV00001", report - 1, ActivityType.DEPOSIT, "d1", Decimal(5), Decimal(5))
    exactly = CashActivity("INV00001", report, ActivityType.DEPOSIT, "d2", Decimal(5), Decimal(10))
    book.record(before)
    book.record(exactly)
    assert book.cut_activity(report) == [before]
    assert book.activity == [exactly]


# files


def test_the_aged_file_counts_attempts_and_age_in_ct_days() -> None:
    debit = call(at="2026-03-03T04:30:00Z")  # 22:30 CT on March 2, trade date 03/03 in UTC
    debit.attempt(Decimal(0))
    debit.attempt(Decimal(0))
    run = central_instant(date(2026, 3, 4), time(9, 30))
    assert aged_file([debit], run) == (
        "Account ID,Client Order ID,Execution ID,Trade Date,Side,Symbol,Quantity,Notional,Amount Due,"
        "Attempts,Age Days\n"
        "INV00001,order-e1,e1,03/03/2026,BUY,BTC,0.01,429.00,430.00,2,2\n"
    )


def test_the_activity_file_signs_amounts_as_the_cash_moves() -> None:
    moments = [parse_instant("2026-03-02T15:00:00.123Z"), parse_instant("2026-03-02T15:01:00Z")]
    rows = [
        CashActivity("INV00001", moments[0], ActivityType.DEPOSIT, "d1", Decimal(100), Decimal(100)),
        CashActivity("INV00001", moments[1], ActivityType.TPJ_DEBIT, "e1", Decimal("-42.5"), Decimal("57.5")),
    ]
    assert activity_file(rows) == (
        "Account ID,Activity Time,Type,Reference,Amount,Balance\n"
        "INV00001,2026-03-02T15:00:00.123Z,DEPOSIT,d1,100.00,100.00\n"
        "INV00001,2026-03-02T15:01:00.000Z,TPJ_DEBIT,e1,-42.50,57.50\n"
    )


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        # CST (UTC-6) until 2026-03-08 02:00, CDT (UTC-5) after.
        ("2026-03-07T23:30:00Z", ["2026-03-08T11:00:00Z", "2026-03-08T22:00:00Z"]),
        ("2026-11-01T06:30:00Z", ["2026-11-01T12:00:00Z", "2026-11-01T23:00:00Z"]),
    ],
)
def test_the_retries_follow_chicago_wall_time_across_dst(after: str, expected: list[str]) -> None:
    instants = [next_central_time(parse_instant(after), at) for at in RETRY_TIMES]
    assert instants == [parse_instant(text) for text in expected]
