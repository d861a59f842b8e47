"""How the vendor's answers about one request end: its outcome after its own fields.

A batch, an allocation, a gift and an order are each answered, and published,
as their own fields followed by the same closing fields in the reference's
order. Written once here, so the four shapes cannot drift apart.
"""
from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any


def with_outcome(body: dict[str, Any], reject_reason: str | None, request: Mapping[str, Any], status: StrEnum) -> dict[str, Any]:
    """`body` closed by `rejectReason` (only once rejected), the request as sent and the status."""
    if reject_reason is not None:
        body["rejectReason"] = reject_reason
    body["request"] = request
    body["status"] = status.value
    return body
