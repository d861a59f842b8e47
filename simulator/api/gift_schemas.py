"""The gift request body (the reference's GiftAllocationRequest).

`notional` and `quantity` are both optional here: sending both or neither is
a well-formed request that breaks rule 5 of the gift table, so it is answered
as a REJECTED gift, not a 400. A malformed decimal or id is still a 400.
"""
from __future__ import annotations

from pydantic import StrictStr

from simulator.api.schemas import DecimalString, RequestModel, UuidString


class GiftAllocationRequest(RequestModel):
    account: StrictStr
    clientTransactionId: UuidString
    currency: StrictStr
    notional: DecimalString | None = None
    quantity: DecimalString | None = None
