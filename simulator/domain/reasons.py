"""Reject reasons and error messages, word for word as users see them."""
from __future__ import annotations

DUPLICATE_TRANSACTION = "Duplicate clientTransactionId; the allocation request already exists"
NO_FIRM_ACCOUNT = "The Firm Allocation Account does not exist for this client"
INVALID_BATCH = "Invalid batchTransactionId"
BATCH_NOT_OPEN = "Batch is not open"
INVALID_SYMBOL = "Invalid symbol"
SYMBOL_MISMATCH = "Symbol does not match batch symbol"
INVALID_ACCOUNT = "Invalid account Id"
AMOUNT_NOT_POSITIVE = "Allocation amount must be greater than zero"
TOO_MANY_DECIMALS = "Allocation amount has too many decimal places"
INVALID_COMMISSION = "Invalid commission"
INVALID_TRANSACTION = "Invalid clientTransactionId"
DUPLICATE_BATCH = "Duplicate batchTransactionId"
COUNT_MISMATCH_ALLOCATION = "Batch rejected: allocations count mismatch"
NO_ALLOCATIONS = "No allocations to process"
EMPTY_QUOTES = "unknown: empty quotes"
EXCEEDS_POSITION = "unknown: trade quantity exceeds position side"
UNDER_MINIMUM_NOTIONAL = (
    "invalid_argument: quantity order notional must be more than $1.00 unless selling out entire position"
)
TOO_FAR_THROUGH_MARKET = "price too far through market"
ORDER_EXPIRED = "invalid_argument: live_till Order expired"
ORDER_TYPE_UNSUPPORTED = "invalid_argument: STOP_LIMIT orders are not supported"
ORDER_NOT_FOUND = "Order not found"
DUPLICATE_ORDER = "Duplicate clientOrderId with different details"
ORDER_NOT_OPEN = "Order is not open"


def count_mismatch(expected: int, found: int) -> str:
    return f"Allocations count mismatch: expected {expected}, found {found}"


def insufficient_coin(coin: str) -> str:
    return f"Insufficient {coin} available to allocate"


# Gifts (CONTRACT section 6, the seed's messages word for word)
NO_GIFT_ACCOUNT = "The Gift Account does not exist for this client"
INVALID_CURRENCY = "Invalid currency"
INVALID_GIFT_AMOUNT = "Invalid gift amount"
INSUFFICIENT_INVENTORY = "Insufficient inventory to allocate the requested currency"
