"""Cash calls of the TPJ funding models (BAKKT_TPJ, APEX_TPJ): pure rules.

Trades execute at once; the investor's USD cash follows asynchronously. Each
investor execution becomes a cash call for its netMoney, a debit for a BUY
and a credit for a SELL, paid in full or not at all. A debit the cash cannot
cover stays open, is retried twice a day and is written off once it is 30
Chicago calendar days old. Every movement of an investor's cash is kept as an
activity, so the daily reconciliation reports can be cut from the log.

Nothing here knows about time zones or the scheduler: the service passes the
Chicago dates and the cash, which keeps these rules testable on their own.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from simulator.domain.decimals import ZERO
from simulator.domain.fees import Side
from simulator.domain.settlement import SettlementEntry

WRITE_OFF_AGE_DAYS = 30
"""A call still unpaid at a retry this many CT calendar days after its trade date is written off."""


class CashCallStatus(StrEnum):
    OPEN = "OPEN"
    PAID = "PAID"
    WRITTEN_OFF = "WRITTEN_OFF"


class ActivityType(StrEnum):
    DEPOSIT = "DEPOSIT"
    WITHDRAWAL = "WITHDRAWAL"
    TPJ_DEBIT = "TPJ_DEBIT"
    TPJ_CREDIT = "TPJ_CREDIT"
    WRITE_OFF = "WRITE_OFF"


@dataclass
class CashCall:
    """The cash side of one investor execution; its id is the execution's id."""

    entry: SettlementEntry
    trade_day: date
    """The CT calendar date of the trade, from which the age in days counts."""
    status: CashCallStatus = CashCallStatus.OPEN
    attempts: int = 0

    @property
    def id(self) -> str:
        return self.entry.execution_id

    @property
    def account(self) -> str:
        return self.entry.account

    @property
    def is_debit(self) -> bool:
        return self.entry.side is Side.BUY

    @property
    def amount(self) -> Decimal:
        """The execution's netMoney: what moves when the call is paid."""
        return self.entry.total

    @property
    def cash_delta(self) -> Decimal:
        """The change to the investor's cash once paid: negative for a debit."""
        return -self.amount if self.is_debit else self.amount

    @property
    def unsettled(self) -> Decimal:
        """What the investor still owes through this call (negative: a credit still due to them)."""
        return -self.cash_delta if self.status is CashCallStatus.OPEN else ZERO

    @property
    def has_failed(self) -> bool:
        """Open after at least one try: the calls the aged TPJ file lists."""
        return self.status is CashCallStatus.OPEN and self.attempts > 0

    def age_days(self, today: date) -> int:
        return (today - self.trade_day).days

    def attempt(self, cash: Decimal) -> bool:
        """One try against the investor's cash: in full or not at all; a credit always succeeds."""
        assert self.status is CashCallStatus.OPEN, f"cash call {self.id} is {self.status}"
        self.attempts += 1
        if self.is_debit and cash < self.amount:
            return False
        self.status = CashCallStatus.PAID
        return True

    def write_off_if_overdue(self, today: date) -> bool:
        """Give up on an open call once it is old enough; True when it was written off now."""
        if self.status is not CashCallStatus.OPEN or self.age_days(today) < WRITE_OFF_AGE_DAYS:
            return False
        self.status = CashCallStatus.WRITTEN_OFF
        return True


@dataclass(frozen=True)
class CashActivity:
    """One movement of an investor's cash (a row of the cash activity report).

    `amount` is signed as the cash moves; a WRITE_OFF moves no cash, so its
    amount is the debt cancelled and `balance` is the cash as it was.
    """

    account: str
    time_ns: int
    type: ActivityType
    reference: str
    amount: Decimal
    balance: Decimal


@dataclass
class CashCallBook:
    """A client's cash calls and the cash activity since the last report."""

    calls: dict[str, CashCall] = field(default_factory=dict)
    """Every call ever made, by execution id."""
    open: dict[str, CashCall] = field(default_factory=dict)
    """The calls neither paid nor written off, in trade order, so retries need not scan history."""
    activity: list[CashActivity] = field(default_factory=list)

    def add(self, entry: SettlementEntry, trade_day: date) -> CashCall:
        call = CashCall(entry, trade_day)
        self.calls[call.id] = call
        self.open[call.id] = call
        return call

    def close(self, call: CashCall) -> None:
        """Forget a call that is no longer open."""
        assert call.status is not CashCallStatus.OPEN
        self.open.pop(call.id, None)

    def failed(self) -> list[CashCall]:
        """Open calls tried at least once, by trade time then execution id."""
        return sorted(
            (call for call in self.open.values() if call.has_failed),
            key=lambda call: (call.entry.executed_ns, call.id),
        )

    def unsettled(self, account: str) -> Decimal:
        return sum((call.unsettled for call in self.open.values() if call.account == account), ZERO)

    def unsettled_by_account(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = {}
        for call in self.open.values():
            totals[call.account] = totals.get(call.account, ZERO) + call.unsettled
        return totals

    def record(self, activity: CashActivity) -> None:
        self.activity.append(activity)

    def cut_activity(self, end_ns: int) -> list[CashActivity]:
        """Take out the activity before `end_ns` (the report's half-open window), oldest first."""
        taken = [a for a in self.activity if a.time_ns < end_ns]
        self.activity = [a for a in self.activity if a.time_ns >= end_ns]
        return taken
