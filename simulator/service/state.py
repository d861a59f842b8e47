"""What the sandbox remembers about each client."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from simulator.domain.accounts import Account, AccountKind, Ledger
from simulator.domain.batches import Allocation, Batch
from simulator.domain.bookkeeping import Book
from simulator.domain.cash_calls import CashCallBook
from simulator.domain.fees import Commission
from simulator.domain.gifts import Gift
from simulator.domain.orders import Order
from simulator.domain.settlement import SettlementLog
from simulator.domain.transactions import Transaction


class FundingModel(StrEnum):
    NET_SETTLEMENT = "NET_SETTLEMENT"
    BAKKT_TPJ = "BAKKT_TPJ"
    APEX_TPJ = "APEX_TPJ"


@dataclass(frozen=True)
class Branding:
    logo_url: str | None = None
    cta_url: str | None = None
    contact_email: str | None = None


@dataclass
class ClientRecord:
    client_id: str
    funding_model: FundingModel
    commission: Commission
    logon_id: str
    password: str
    bucket: str
    queue_url: str
    branding: Branding
    finance_emails: list[str]
    firm_account: str | None = None
    gift_account: str | None = None
    accounts: dict[str, Account] = field(default_factory=dict)
    batches: dict[str, Batch] = field(default_factory=dict)
    allocations: dict[str, Allocation] = field(default_factory=dict)
    """By clientTransactionId, rejected ones included."""
    gifts: dict[str, Gift] = field(default_factory=dict)
    """By clientTransactionId, rejected ones included."""
    orders: dict[str, Order] = field(default_factory=dict)
    """By clientOrderId."""
    working_orders: dict[str, Order] = field(default_factory=dict)
    """The orders still working, so reservations need not scan every order ever placed."""
    ledger: Ledger = field(default_factory=Ledger)
    settlement: SettlementLog = field(default_factory=SettlementLog)
    cash_calls: CashCallBook = field(default_factory=CashCallBook)
    """TPJ clients' cash calls and cash activity (empty for NET_SETTLEMENT)."""
    book: Book = field(default_factory=Book)
    """Completed trades and gifts of investor accounts, in time order (CONTRACT section 11)."""
    id_counters: dict[str, int] = field(default_factory=dict)

    def next_account_id(self, prefix: str) -> str:
        """`<prefix><n>` for the next n whose id no account has yet."""
        number = self.id_counters.get(prefix, 0) + 1
        account_id = f"{prefix}{number:05d}"
        while account_id in self.accounts:
            number += 1
            account_id = f"{prefix}{number:05d}"
        self.id_counters[prefix] = number
        return account_id

    def is_investor(self, account_id: str) -> bool:
        """Allocations and gifts go to customer accounts, never to the firm's own."""
        account = self.accounts.get(account_id)
        return account is not None and account.kind is AccountKind.INVESTOR

    def transaction_first_seen(self, client_transaction_id: str) -> Transaction | None:
        """The allocation or gift already holding this id: one namespace for both (rule 1)."""
        allocation = self.allocations.get(client_transaction_id)
        return allocation if allocation is not None else self.gifts.get(client_transaction_id)

    def provisioning_answer(self) -> dict[str, Any]:
        return {
            "clientId": self.client_id,
            "logonId": self.logon_id,
            "password": self.password,
            "firmAllocationAccount": self.firm_account,
            "giftAccount": self.gift_account,
            "bucket": self.bucket,
            "queueUrl": self.queue_url,
        }


@dataclass(frozen=True)
class Token:
    client_id: str
    expires_ns: int
