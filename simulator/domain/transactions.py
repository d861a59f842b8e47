"""A clientTransactionId names one allocation or one gift of a client, never both.

Rule 1 of the allocate and the gift tables looks in both, so a duplicate of
either kind answers the same way.
"""
from __future__ import annotations

from typing import Any

from simulator.domain import reasons
from simulator.domain.batches import Allocation, AllocationStatus
from simulator.domain.gifts import Gift

Transaction = Allocation | Gift


def duplicate_answer(first: Transaction, request: dict[str, Any]) -> dict[str, Any]:
    """A duplicate records and publishes nothing; its answer echoes the request as sent
    and carries the first transaction's id and createdAt."""
    return {
        "createdAt": first.created_at,
        "id": first.id,
        "rejectReason": reasons.DUPLICATE_TRANSACTION,
        "request": request,
        "status": AllocationStatus.REJECTED.value,
    }
