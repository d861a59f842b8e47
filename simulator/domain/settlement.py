"""Net settlement: the window's executions, their net amount and the coin summary.

Signs follow the vendor's files: a positive Net Settlement is owed by the
client to Bakkt; BUY counts positive and SELL negative in the summary.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from simulator.domain.decimals import ZERO
from simulator.domain.fees import Side


class CashMovement(StrEnum):
    """A cash adjustment's side: USD paid into or taken out of an account."""

    DEPOSIT = "DEPOSIT"
    WITHDRAWAL = "WITHDRAWAL"


@dataclass(frozen=True, slots=True)
class SettlementEntry:
    """One investor-level execution or cash adjustment (a detail file row)."""

    account: str
    client_order_id: str
    execution_id: str
    executed_ns: int
    side: Side | CashMovement
    """The Side column: a trade's side, or a cash adjustment's movement."""
    symbol: str
    """The coin (`BTC`), or `USD` for a cash adjustment."""
    quantity: Decimal
    price: Decimal
    notional: Decimal
    fee: Decimal

    from_batch: bool = False
    """Allocated by a batch (its coin came from the Firm Allocation Account)."""

    @property
    def total(self) -> Decimal:
        if self.side is Side.BUY:
            return self.notional + self.fee
        if self.side is Side.SELL:
            return self.notional - self.fee
        return self.notional


@dataclass(frozen=True)
class FirmTrade:
    """What the market executed for the client: an order or a batch's order."""

    coin: str
    side: Side
    quantity: Decimal
    notional: Decimal
    executed_ns: int


@dataclass(frozen=True)
class SummaryRow:
    coin: str
    firm_notional: Decimal
    firm_quantity: Decimal
    allocation_quantity: Decimal

    @property
    def diff_quantity(self) -> Decimal:
        return self.firm_quantity - self.allocation_quantity


OWED_BY_CLIENT = frozenset({Side.BUY, CashMovement.WITHDRAWAL})
"""The sides whose Totals the client owes Bakkt: they count positive in the Net Settlement."""


def net_settlement(entries: Iterable[SettlementEntry]) -> Decimal:
    """BUY Totals - SELL Totals - DEPOSITs + WITHDRAWALs."""
    amount = ZERO
    for entry in entries:
        if entry.side in OWED_BY_CLIENT:  # a set: a million-row window asks a million times
            amount += entry.total
        else:
            amount -= entry.total
    return amount


def _signed(side: Side | CashMovement, value: Decimal) -> Decimal:
    return value if side is Side.BUY else -value


def summarize(entries: Iterable[SettlementEntry], firm_trades: Iterable[FirmTrade]) -> list[SummaryRow]:
    """The `all` row (column sums) first, then one row per coin, alphabetical."""
    firm_notional: dict[str, Decimal] = {}
    firm_quantity: dict[str, Decimal] = {}
    allocated: dict[str, Decimal] = {}
    for trade in firm_trades:
        firm_notional[trade.coin] = firm_notional.get(trade.coin, ZERO) + _signed(trade.side, trade.notional)
        firm_quantity[trade.coin] = firm_quantity.get(trade.coin, ZERO) + _signed(trade.side, trade.quantity)
    for entry in entries:
        if entry.from_batch:
            allocated[entry.symbol] = allocated.get(entry.symbol, ZERO) + _signed(entry.side, entry.quantity)
    coins = sorted(set(firm_quantity) | set(allocated))
    rows = [
        SummaryRow(coin, firm_notional.get(coin, ZERO), firm_quantity.get(coin, ZERO), allocated.get(coin, ZERO))
        for coin in coins
    ]
    total = SummaryRow(
        "all",
        sum((r.firm_notional for r in rows), ZERO),
        sum((r.firm_quantity for r in rows), ZERO),
        sum((r.allocation_quantity for r in rows), ZERO),
    )
    return [total, *rows]


@dataclass
class SettlementLog:
    """What happened since the last cutoff, in the order it happened, and the
    market's running total, which no cutoff cuts."""

    entries: list[SettlementEntry] = field(default_factory=list)
    firm_trades: list[FirmTrade] = field(default_factory=list)
    market_net: dict[str, Decimal] = field(default_factory=dict)
    """The coin the market has delivered to the client since the world began, net of
    what it took (BUY positive), by coin. Cutoffs never cut it: coin conservation
    checks the holdings against it."""

    def add_firm_trade(self, trade: FirmTrade) -> None:
        self.firm_trades.append(trade)
        self.market_net[trade.coin] = self.market_net.get(trade.coin, ZERO) + _signed(trade.side, trade.quantity)

    def cut(self, end_ns: int) -> tuple[list[SettlementEntry], list[FirmTrade]]:
        """Take out everything before `end_ns`: the window that just closed."""
        entries = [e for e in self.entries if e.executed_ns < end_ns]
        trades = [t for t in self.firm_trades if t.executed_ns < end_ns]
        self.entries = [e for e in self.entries if e.executed_ns >= end_ns]
        self.firm_trades = [t for t in self.firm_trades if t.executed_ns >= end_ns]
        return entries, trades
