"""Accounts and the positions ledger of one client."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from simulator.domain.decimals import ZERO
from simulator.domain.instruments import USD


class AccountKind(StrEnum):
    INVESTOR = "INVESTOR"
    FIRM = "FIRM"
    GIFT = "GIFT"


@dataclass
class Account:
    id: str
    kind: AccountKind
    created_ns: int
    email: str | None = None
    request: dict[str, Any] = field(default_factory=dict)
    """The AccountRequest this account was opened with (generated or given)."""


class Ledger:
    """Coin holdings and USD cash per account.

    Holdings may go negative only in the Firm Allocation Account, which keeps
    the rounding dust of batches whichever its sign.

    Every other movement has a counterpart inside the world (another account,
    the market, a cash call); a deposit comes from outside, so its running
    total is kept beside the balances: the conservation invariants need it,
    and nothing else records a coin deposit or an account's opening balance.
    """

    def __init__(self) -> None:
        self._holdings: dict[str, dict[str, Decimal]] = {}
        self._cash: dict[str, Decimal] = {}
        self._deposited: dict[str, Decimal] = {}

    def holding(self, account: str, coin: str) -> Decimal:
        return self._holdings.get(account, {}).get(coin, ZERO)

    def holdings(self, account: str) -> dict[str, Decimal]:
        return dict(self._holdings.get(account, {}))

    def move_coin(self, account: str, coin: str, delta: Decimal) -> None:
        book = self._holdings.setdefault(account, {})
        book[coin] = book.get(coin, ZERO) + delta

    def cash(self, account: str) -> Decimal:
        return self._cash.get(account, ZERO)

    def move_cash(self, account: str, delta: Decimal) -> None:
        self._cash[account] = self._cash.get(account, ZERO) + delta

    def deposit(self, account: str, currency: str, delta: Decimal) -> None:
        """Coin, or USD cash, brought in from outside the world (negative: taken out)."""
        self._deposited[currency] = self._deposited.get(currency, ZERO) + delta
        if currency == USD:
            self.move_cash(account, delta)
        else:
            self.move_coin(account, currency, delta)

    def deposited(self) -> dict[str, Decimal]:
        """The net of every deposit and withdrawal so far, by currency (coins, and USD)."""
        return dict(self._deposited)

    def totals(self) -> dict[str, Decimal]:
        """Each coin, and USD cash, summed over every account."""
        totals: dict[str, Decimal] = {}
        for book in self._holdings.values():
            for coin, quantity in book.items():
                totals[coin] = totals.get(coin, ZERO) + quantity
        if self._cash:
            totals[USD] = sum(self._cash.values(), ZERO)
        return totals


@dataclass(frozen=True)
class Position:
    """One coin of an account: what it holds, and what its pending sells may still take."""

    coin: str
    current: Decimal
    reserved: Decimal

    @property
    def tradable(self) -> Decimal:
        """What the account may still sell: never below zero, though sells may reserve more than it holds."""
        return max(ZERO, self.current - self.reserved)
