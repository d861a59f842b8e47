"""Request bodies of the HTTP surface, as pydantic models.

Field names and enums follow the vendor's reference exactly. Validation is
strict: decimals are strings under the contract's rule, integers are not
booleans or strings, enums are exact; the first problem becomes a 400 that
names the field.
"""
from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictInt, StrictStr
from pydantic_core import PydanticCustomError

from simulator.domain.decimals import DecimalFormatError, parse_decimal

UUID_PATTERN = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _decimal_string(value: object) -> str:
    try:
        parse_decimal(value)
    except DecimalFormatError as exc:
        raise PydanticCustomError("decimal", str(exc)) from None
    assert isinstance(value, str)
    return value


def _uuid_string(value: object) -> str:
    if not isinstance(value, str) or not UUID_PATTERN.fullmatch(value):
        raise PydanticCustomError("uuid", "must be a UUID such as 3b241101-e2bb-4255-8caf-4136c566a962")
    return value


DecimalString = Annotated[str, BeforeValidator(_decimal_string), Field(json_schema_extra={"format": "decimal"})]
UuidString = Annotated[str, BeforeValidator(_uuid_string), Field(json_schema_extra={"format": "uuid"})]
NonNegativeCount = Annotated[StrictInt, Field(ge=0, le=1_000_000_000)]
SideName = Literal["BUY", "SELL"]


class RequestModel(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    def echo(self) -> dict[str, Any]:
        """The fields the client sent, for `request` in answers."""
        return self.model_dump(exclude_unset=True, exclude_none=True)


class LoginRequest(RequestModel):
    logonId: StrictStr
    password: StrictStr


class BatchAllocationOpenRequest(RequestModel):
    batchTransactionId: UuidString
    symbol: StrictStr
    type: Literal["NOTIONAL", "QUANTITY"]


class BatchTradeAllocationRequest(RequestModel):
    account: StrictStr
    amount: DecimalString
    batchTransactionId: UuidString
    clientTransactionId: UuidString
    side: SideName
    symbol: StrictStr
    bpsCommission: StrictInt | None = None
    fixedCommission: DecimalString | None = None


class BatchAllocationCloseRequest(RequestModel):
    batchTransactionId: UuidString
    allocations: NonNegativeCount


class AccountRequest(RequestModel):
    """The parts of AccountRequest the sandbox checks; the rest is kept as sent."""

    model_config = ConfigDict(extra="allow", frozen=True)
    clientAccountId: Annotated[StrictStr, Field(min_length=1, max_length=64)]
    owners: Annotated[list[dict[str, Any]], Field(min_length=1)]
    accountType: Literal["INDIVIDUAL", "CUSTODIAL", "ENTITY_PERSONAL_TRUST", "ENTITY"] | None = None
    settlementMethod: Literal["BAKKT_TPJ", "NET_SETTLEMENT"] | None = None


# Control API (/sandbox/v1)


class CommissionSettings(RequestModel):
    model: Literal["TRADE_FEE", "MARKUP"] = "TRADE_FEE"
    bps: Annotated[StrictInt, Field(ge=0, le=10_000)] = 0


class BrandingSettings(RequestModel):
    logoUrl: StrictStr | None = None
    ctaUrl: StrictStr | None = None
    contactEmail: StrictStr | None = None


class ClientRequest(RequestModel):
    clientId: StrictStr
    fundingModel: Literal["NET_SETTLEMENT", "BAKKT_TPJ", "APEX_TPJ"] = "NET_SETTLEMENT"
    commission: CommissionSettings = CommissionSettings()
    firmAllocationAccount: StrictBool = True
    giftAccount: StrictBool = True
    branding: BrandingSettings = BrandingSettings()
    financeEmails: list[StrictStr] = []


class InvestorSeed(RequestModel):
    id: Annotated[StrictStr, Field(min_length=1, max_length=64)] | None = None
    email: StrictStr | None = None
    holdings: dict[StrictStr, DecimalString] = {}
    cash: DecimalString | None = None


class AccountsRequest(RequestModel):
    count: Annotated[StrictInt, Field(ge=1, le=1_000_000)] | None = None
    prefix: Annotated[StrictStr, Field(pattern=r"^[A-Za-z0-9_-]{1,20}$")] = "INV"
    holdings: dict[StrictStr, DecimalString] = {}
    cash: DecimalString | None = None
    accounts: list[InvestorSeed] | None = None


class BalanceRequest(RequestModel):
    currency: StrictStr
    quantity: DecimalString


class AdvanceRequest(RequestModel):
    seconds: Annotated[float, Field(ge=0, le=10 * 365 * 86_400, allow_inf_nan=False, strict=True)] | None = None
    to: StrictStr | None = None


class MarketSettings(RequestModel):
    price: DecimalString | None = None
    volatility: Annotated[float, Field(ge=0, le=10, allow_inf_nan=False)] | None = None
    spreadBps: Annotated[float, Field(ge=0, le=5_000, allow_inf_nan=False)] | None = None
    outage: StrictBool | None = None


class QueueFaultSettings(RequestModel):
    duplicateRate: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] = 0.0
    maxDelaySeconds: Annotated[float, Field(ge=0, le=86_400, allow_inf_nan=False)] = 0.0


class FillFaultSettings(RequestModel):
    latencyMs: Annotated[StrictInt, Field(ge=0, le=3_600_000)] = 250


class ApiFaultSettings(RequestModel):
    errorRate: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] = 0.0
    status: Annotated[StrictInt, Field(ge=429, le=599)] = 503
    latencyMs: Annotated[StrictInt, Field(ge=0, le=60_000)] = 0
    lostResponseRate: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] = 0.0


class FaultsRequest(RequestModel):
    queue: QueueFaultSettings | None = None
    fills: FillFaultSettings | None = None
    api: ApiFaultSettings | None = None


class ResetRequest(RequestModel):
    seed: StrictInt | None = None
