"""A clientTransactionId names one allocation or one gift of a client, never both.

Rule 1 of the allocate and the gift tables looks in both, so a duplicate of
either kind answers the same way: as the request's own allocation or gift,
REJECTED, under the first transaction's id and createdAt. A duplicate is
neither kept nor published.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from simulator.domain import reasons
from simulator.domain.batches import Allocation
from simulator.domain.gifts import Gift

Transaction = Allocation | Gift
TransactionT = TypeVar("TransactionT", Allocation, Gift)


def duplicate(first: Transaction, make: Callable[[str, str], TransactionT]) -> TransactionT:
    """The answer to a duplicate of `first`: `make(id, created_at)` builds the
    request's own transaction, under the first one's id and createdAt."""
    answer = make(first.id, first.created_at)
    answer.reject(reasons.DUPLICATE_TRANSACTION)
    return answer
