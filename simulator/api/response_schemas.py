"""Response bodies of the HTTP surface, as pydantic models that describe them.

The code renders answers as plain dicts (the `to_api` methods and the
service views); these models say what shape those dicts have, so the OpenAPI
document can publish it. They are never used to render, which is why
tests/integration/test_openapi.py validates real answers against the
published schemas: a drift between code and description fails a test.

The vendor's bodies copy the reference's names, enums and `required` lists
exactly, even where the sandbox always sends a field the reference leaves
optional. A field without a value is omitted, never null (`Omittable`), and
unknown fields are forbidden, so a field added to an answer must be added
here too. Decimals are plain strings (CONTRACT section 4).
"""
from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, RootModel
from pydantic.json_schema import SkipJsonSchema

from simulator.api.gift_schemas import GiftAllocationRequest
from simulator.api.order_schemas import NewOrderRequest
from simulator.api.schemas import AccountRequest, BatchAllocationOpenRequest, BatchTradeAllocationRequest, SideName
from simulator.domain.batches import AllocationStatus, BatchStatus
from simulator.domain.decimals import DECIMAL_PATTERN
from simulator.domain.orders import OrderStatus

T = TypeVar("T")


def _without_default(schema: dict[str, Any]) -> None:
    """An omitted field has no default worth publishing: `null` is never sent."""
    schema.pop("default", None)


Omittable = Annotated[T | SkipJsonSchema[None], Field(json_schema_extra=_without_default)]
"""A field the answer leaves out when it has no value."""
DecimalText = Annotated[str, Field(pattern=f"^{DECIMAL_PATTERN.pattern}$", json_schema_extra={"format": "decimal"})]
Timestamp = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
Uuid = Annotated[str, Field(json_schema_extra={"format": "uuid"})]


class ResponseModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# The vendor's bodies (/apex-crypto)


class Error(ResponseModel):
    """Every error answer: the HTTP status again and a message naming the problem."""

    code: int
    message: str


class ValidationError(ResponseModel):
    code: int
    field: Omittable[str] = None
    message: str
    rejectedValue: Omittable[str] = None


class ValidationErrors(ResponseModel):
    """POST /accounts: one entry per field that failed validation."""

    code: int
    message: str
    validationErrors: Omittable[list[ValidationError]] = None


class ApiStatus(RootModel[str]):
    """The text `ok` while the gateway is up."""


class LoginResponse(ResponseModel):
    """The token for the `Authorization` header, raw or as `Bearer <token>`; it lives 24 simulated hours."""

    token: str


class ConfigResponse(ResponseModel):
    """The WebSocket URLs of the quote stream and of the client's order entry events."""

    streamingQuoteUrl: Omittable[str] = None
    streamingOrderEntryEventUrl: Omittable[str] = None


class Instrument(ResponseModel):
    minimumOrderQuantity: DecimalText
    minimumPriceIncrement: DecimalText
    minimumQuantityIncrement: DecimalText
    symbol: str


class InstrumentResponse(ResponseModel):
    instruments: Omittable[list[Instrument]] = None


class Position(ResponseModel):
    """`current` is the holding; `tradable` leaves out what pending sells may take."""

    account: Omittable[str] = None
    currency: Omittable[str] = None
    current: Omittable[DecimalText] = None
    settled: Omittable[DecimalText] = None
    tradable: Omittable[DecimalText] = None
    transferable: Omittable[DecimalText] = None


class PositionResponse(ResponseModel):
    positions: Omittable[list[Position]] = None


class CIPClearanceState(StrEnum):
    PENDING = "PENDING"
    IN_PROGRESS = "IN_PROGRESS"
    ACCEPTED = "ACCEPTED"
    INDETERMINATE = "INDETERMINATE"
    REJECTED = "REJECTED"
    FAILED = "FAILED"


class RequestStatus(StrEnum):
    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    IN_PROGRESS = "IN_PROGRESS"
    REJECTED = "REJECTED"
    CANCELLED = "CANCELLED"
    COMPLETE = "COMPLETE"


class SettlementMethod(StrEnum):
    NET_SETTLEMENT = "NET_SETTLEMENT"
    NO_SETTLEMENT = "NO_SETTLEMENT"
    BAKKT_TPJ = "BAKKT_TPJ"
    APEX_TPJ = "APEX_TPJ"


class Account(ResponseModel):
    """An investor account; `request` is the AccountRequest as sent, or generated for bulk-created investors."""

    cipClearanceState: Omittable[CIPClearanceState] = None
    createdAt: Timestamp
    id: str
    mode: Literal["OPEN", "CLOSED", "LOCKED", "CLOSING_ONLY"]
    pendingUpdateIds: Omittable[list[Uuid]] = None
    request: AccountRequest
    status: RequestStatus


class AccountOpeningStatus(ResponseModel):
    canTradeCrypto: bool
    cipClearanceState: CIPClearanceState
    settlementMethod: SettlementMethod


class BatchAllocation(ResponseModel):
    """A batch; `allocations` counts its PENDING allocations until it closes, then those accepted at close."""

    allocations: int
    createdAt: Timestamp
    id: Uuid
    rejectReason: Omittable[str] = None
    request: BatchAllocationOpenRequest
    status: BatchStatus


class BatchTradeAllocation(ResponseModel):
    """One allocation; the amounts appear once it is COMPLETE."""

    createdAt: Timestamp
    feeApplied: Omittable[DecimalText] = None
    id: Uuid
    netMoney: Omittable[DecimalText] = None
    price: Omittable[DecimalText] = None
    quantity: Omittable[DecimalText] = None
    rejectReason: Omittable[str] = None
    request: BatchTradeAllocationRequest
    status: AllocationStatus


class GiftAllocation(ResponseModel):
    """One gift, COMPLETE or REJECTED as soon as it is requested; the amounts appear once COMPLETE."""

    createdAt: Timestamp
    id: Uuid
    price: Omittable[DecimalText] = None
    quantity: Omittable[DecimalText] = None
    notional: Omittable[DecimalText] = None
    rejectReason: Omittable[str] = None
    request: GiftAllocationRequest
    status: AllocationStatus


class Execution(ResponseModel):
    """One fill: a provider hit, at the investor's price (markup included)."""

    commission: Omittable[DecimalText] = None
    executedAt: Timestamp
    id: str
    netMoney: DecimalText
    price: DecimalText
    quantity: DecimalText
    side: SideName
    symbol: str
    tradeDate: Omittable[Annotated[str, Field(json_schema_extra={"format": "date"})]] = None


class CancelRequestBody(ResponseModel):
    id: Uuid


class OrderCancel(ResponseModel):
    rejectReason: Omittable[str] = None
    request: CancelRequestBody
    transactTime: Omittable[Timestamp] = None


class Order(ResponseModel):
    """An order; COMPLETE once filled, cancelled, expired or rejected (with `rejectReason`)."""

    averagePrice: Omittable[DecimalText] = None
    cancels: Omittable[list[OrderCancel]] = None
    createdAt: Omittable[Timestamp] = None
    cumulativeQuantity: Omittable[DecimalText] = None
    executions: Omittable[list[Execution]] = None
    id: str
    leavesQuantity: Omittable[DecimalText] = None
    rejectReason: Omittable[str] = None
    request: NewOrderRequest
    status: Omittable[OrderStatus] = None
    working: Omittable[bool] = None


class CancelResponse(ResponseModel):
    receivedAt: Omittable[Timestamp] = None
    request: CancelRequestBody


# The sandbox's own bodies (/sandbox/v1)


class OpenApiDocument(RootModel[dict[str, Any]]):
    """This document."""


class ClockAnswer(ResponseModel):
    now: Timestamp
    mode: str


class ProvisioningAnswer(ResponseModel):
    """A new client's credentials and resources; an account not created is null."""

    clientId: str
    logonId: str
    password: str
    firmAllocationAccount: str | None
    giftAccount: str | None
    bucket: str
    queueUrl: str


class AccountIdsAnswer(ResponseModel):
    """The created investors' ids, in order."""

    accounts: list[str]


class BalancesAnswer(ResponseModel):
    """`buyingPower` is `cash` less `unsettledCashCalls`, what open TPJ cash calls still owe (0 under NET_SETTLEMENT)."""

    account: str
    cash: DecimalText
    unsettledCashCalls: DecimalText
    buyingPower: DecimalText
    holdings: dict[str, DecimalText]


class StatementSale(ResponseModel):
    """One sale, its lots consumed first in, first out; `gain` is `proceeds` (notional less fee) less `basis`.
    `uncoveredQuantity` was sold beyond the known lots (coin deposited or seeded) and counted at a basis of zero."""

    date: str
    executedAt: Timestamp
    coin: str
    quantity: DecimalText
    proceeds: DecimalText
    basis: DecimalText
    gain: DecimalText
    uncoveredQuantity: DecimalText
    source: Literal["ALLOCATION", "ORDER"]
    reference: str


class StatementIncome(ResponseModel):
    """A gift: income at its notional, its lot's basis zero."""

    date: str
    receivedAt: Timestamp
    coin: str
    quantity: DecimalText
    amount: DecimalText
    reference: str


class StatementLot(ResponseModel):
    """Coin still held at year end and what it cost (a buy's notional plus fee; a gift's 0)."""

    date: str
    acquiredAt: Timestamp
    coin: str
    quantity: DecimalText
    basis: DecimalText
    source: Literal["ALLOCATION", "ORDER", "GIFT"]


class StatementTotals(ResponseModel):
    proceeds: DecimalText
    basis: DecimalText
    realizedGain: DecimalText
    giftIncome: DecimalText


class StatementAnswer(ResponseModel):
    """The investor's year-end profit and loss in USD, money to the cent (CONTRACT section 11)."""

    clientId: str
    account: str
    year: int
    sales: list[StatementSale]
    giftIncome: list[StatementIncome]
    openLots: list[StatementLot]
    totals: StatementTotals


class ProviderQuote(ResponseModel):
    provider: str
    bid: DecimalText
    ask: DecimalText
    bidSize: DecimalText
    askSize: DecimalText


class MarketBook(ResponseModel):
    """The best bid and offer across providers (absent during an outage), the mid and every provider's quote."""

    symbol: str
    bid: Omittable[DecimalText] = None
    ask: Omittable[DecimalText] = None
    bidSize: Omittable[DecimalText] = None
    askSize: Omittable[DecimalText] = None
    mid: DecimalText
    time: Timestamp
    providers: list[ProviderQuote]


class QueueFaults(ResponseModel):
    duplicateRate: float
    maxDelaySeconds: float


class S3Faults(ResponseModel):
    """Uploads still to fail on purpose."""

    failPuts: int


class FillFaults(ResponseModel):
    latencyMs: int


class ApiFaults(ResponseModel):
    errorRate: float
    status: int
    latencyMs: int
    lostResponseRate: float


class FaultsAnswer(ResponseModel):
    """The fault settings in force."""

    queue: QueueFaults
    s3: S3Faults
    fills: FillFaults
    api: ApiFaults


class EventEnvelope(ResponseModel):
    """The SQS message body; `message_id` is the same on every delivery of one event."""

    event_type: str
    message_id: Uuid
    payload: BatchAllocation | BatchTradeAllocation | GiftAllocation | Order
    timestamp: Timestamp


class JournalEvent(ResponseModel):
    seq: int
    client: str
    event: EventEnvelope


class EventsPage(ResponseModel):
    """Journal entries after the cursor; `next` is the cursor for the following page."""

    events: list[JournalEvent]
    next: int


class StoredFile(ResponseModel):
    """`delivered` is false while the S3 copy has not landed yet (it is retried until it does)."""

    key: str
    size: int
    writtenAt: Timestamp
    delivered: bool


class FilesAnswer(ResponseModel):
    files: list[StoredFile]


class Email(ResponseModel):
    to: str
    subject: str
    body: str
    sentAt: Timestamp


class EmailsAnswer(ResponseModel):
    """Emails in sending order."""

    emails: list[Email]


class ResetAnswer(ResponseModel):
    now: Timestamp
    seed: int
