"""Order request bodies (the reference's NewOrderRequest and CancelRequest)."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictStr

from simulator.api.schemas import ORDER_ID_MAX_LENGTH, Bps, DecimalString, Identifier, RequestModel, SideName, UuidString


class NewOrderRequest(RequestModel):
    account: StrictStr
    clientOrderId: Annotated[Identifier, Field(max_length=ORDER_ID_MAX_LENGTH)]
    symbol: StrictStr
    side: SideName
    type: Literal["LIMIT", "MARKET", "STOP_LIMIT"]
    timeInForce: Literal["IOC", "DAY", "GTC", "GTD"]
    quantity: DecimalString | None = None
    notional: DecimalString | None = None
    price: DecimalString | None = None
    stopPrice: DecimalString | None = None
    expireTime: StrictStr | None = None
    bpsCommission: Bps | None = None
    fixedCommission: DecimalString | None = None
    bpsMarkup: Bps | None = None
    fixedMarkup: DecimalString | None = None


class CancelRequest(RequestModel):
    id: UuidString
