"""Accounts and the positions ledger of one client."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from simulator.domain.decimals import ZERO


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
    """

    def __init__(self) -> None:
        self._holdings: dict[str, dict[str, Decimal]] = {}
        self._cash: dict[str, Decimal] = {}

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
