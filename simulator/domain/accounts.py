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


@dataclass(slots=True)
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

    Holdings are kept by coin, then account: one table per coin, not one per
    account (a small dict takes about 200 bytes, and a client may have a
    hundred thousand investors).
    """

    def __init__(self) -> None:
        self._holdings: dict[str, dict[str, Decimal]] = {}
        """By coin, then account: every account that ever held or moved the coin."""
        self._cash: dict[str, Decimal] = {}
        self._deposited: dict[str, Decimal] = {}

    def holding(self, account: str, coin: str) -> Decimal:
        return self._holdings.get(coin, {}).get(account, ZERO)

    def holdings(self, account: str) -> dict[str, Decimal]:
        """Each coin the account ever held or moved (zero included)."""
        return {coin: book[account] for coin, book in self._holdings.items() if account in book}

    def move_coin(self, account: str, coin: str, delta: Decimal) -> None:
        book = self._holdings.setdefault(coin, {})
        book[account] = book.get(account, ZERO) + delta

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
        totals = {coin: sum(book.values(), ZERO) for coin, book in self._holdings.items()}
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
