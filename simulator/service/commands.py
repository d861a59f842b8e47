"""What a vendor API request asks the sandbox to do, as typed commands.

The API layer builds one from a validated request body and hands it to the
handler of the same name (`Allocate` to `batches.allocate`, ...); below the
API layer nothing reads a request body's camelCase keys. Amounts are Decimals
and enums are the domain's; values only the rules can judge (an unknown
symbol, a negative amount) are kept as sent, for the rules to refuse. A
command that is echoed back keeps the body as sent in `request`, which no
handler reads.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from simulator.domain.batches import BatchType
from simulator.domain.fees import Side
from simulator.domain.tickets import OrderTicket


@dataclass(frozen=True)
class LogIn:
    logon_id: str
    password: str


@dataclass(frozen=True)
class OpenAccount:
    request: dict[str, Any]
    """The AccountRequest as sent: the account keeps it and answers it back."""
    client_account_id: str
    email: str | None
    """The first owner's address, where the sandbox sends the investor's emails."""


@dataclass(frozen=True)
class OpenBatch:
    request: dict[str, Any]
    batch_transaction_id: str
    symbol: str
    type: BatchType


@dataclass(frozen=True, slots=True)
class Allocate:
    request: dict[str, Any]
    account: str
    amount: Decimal
    batch_transaction_id: str
    client_transaction_id: str
    side: Side
    symbol: str
    bps_commission: int | None
    fixed_commission: Decimal | None


@dataclass(frozen=True)
class CloseBatch:
    batch_transaction_id: str
    allocations: int
    """How many allocations the client counts in the batch."""


@dataclass(frozen=True)
class RequestGift:
    request: dict[str, Any]
    account: str
    client_transaction_id: str
    currency: str
    notional: Decimal | None
    quantity: Decimal | None


@dataclass(frozen=True)
class SubmitOrder:
    request: dict[str, Any]
    """Also what tells a resent order from a different one under the same clientOrderId."""
    client_order_id: str
    account: str
    ticket: OrderTicket


@dataclass(frozen=True)
class CancelOrder:
    client_order_id: str
    request_id: str
    """The cancel request's own id, which the order's `cancels` record."""
