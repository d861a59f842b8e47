"""Request bodies of the HTTP surface, as pydantic models.

Field names and enums follow the vendor's reference exactly. Validation is
strict: decimals are strings under the contract's rule, numbers are JSON
numbers (never booleans or strings), enums are exact; the first problem
becomes a 400 that names the field.

Each constraint is stated once, here, in a form that both validates and
appears in `GET /sandbox/v1/openapi.json`, so a schema-driven client never
meets a rule the document does not state.

The vendor's bodies ignore unknown fields, as the vendor does; the control
API's bodies (`ControlRequest`) refuse them, so a typo such as `fundingModle`
is a 400 rather than a silently ignored setting.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal, Self, overload

from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
    model_validator,
)
from pydantic.config import JsonDict
from pydantic_core import InitErrorDetails, PydanticCustomError

from simulator.domain.decimals import MAX_SIGNIFICANT_DIGITS, DecimalFormatError, parse_decimal
from simulator.domain.fees import MAX_BPS
from simulator.domain.instruments import COINS, USD
from simulator.market.quotes import PROVIDER_NAMES
from simulator.service.clients import CLIENT_ID_PATTERN

UUID_PATTERN = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
IDENTIFIER_PATTERN = re.compile(r"[\x20-\x2e\x30-\x7e]*")
"""Printable ASCII without `/`: an identifier a path names must fit in one path segment."""
IDENTIFIER_MAX_LENGTH = 128
ORDER_ID_MAX_LENGTH = 64
"""The reference's maxLength for clientOrderId."""
MAX_BULK_ACCOUNTS = 10_000
"""Investors one bulk request may create: a bound on the memory one request can take."""
MAX_ADVANCE_SECONDS = 10 * 365 * 86_400


def significant_decimal_pattern(limit: int) -> str:
    """The decimal rule as one regular expression: the contract's pattern with at most `limit`
    significant digits (leading zeros, sign and point not counted).

    JSON Schema has no keyword for a digit count, and a fuzzer that generates from
    the plain pattern would keep sending 400s; a regex without lookarounds is
    understood by every generator. A nonzero integer part of k + 1 digits leaves
    `limit - k - 1` digits for the fraction; a zero integer part leaves the
    fraction `limit` digits after its leading zeros.
    """
    nonzero_whole = "|".join(_digits(k, k) + (f"(\\.{_digits(1, limit - 1 - k)})?" if k < limit - 1 else "") for k in range(limit))
    zero_whole = f"0+(\\.(0+|0*[1-9]{_digits(0, limit - 1)}))?"
    return f"^-?(0*[1-9]({nonzero_whole})|{zero_whole})$"


def _digits(least: int, most: int) -> str:
    """`[0-9]` repeated from `least` to `most` times, written as briefly as a reader would."""
    if most == 0:
        return ""
    return f"[0-9]{{{most}}}" if least == most else f"[0-9]{{{least},{most}}}"


DECIMAL_SCHEMA: JsonDict = {
    "format": "decimal",
    "pattern": significant_decimal_pattern(MAX_SIGNIFICANT_DIGITS),
    "description": (
        f'A decimal string such as "10.50": matches ^-?[0-9]+(\\.[0-9]+)?$ with at most {MAX_SIGNIFICANT_DIGITS} '
        "significant digits (sign, point and leading zeros not counted)"
    ),
}
IDENTIFIER_SCHEMA: JsonDict = {
    "pattern": f"^{IDENTIFIER_PATTERN.pattern}$",
    "description": "Printable ASCII without `/` (it names a path segment)",
}


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


def _identifier(value: object) -> object:
    """The characters only; the length is the Field's, so each use may set its own limit."""
    if isinstance(value, str) and not IDENTIFIER_PATTERN.fullmatch(value):
        raise PydanticCustomError("identifier", "must be printable ASCII without /")
    return value


def _email_address(value: object) -> object:
    """A deliverable-looking address, refused with the library's reason otherwise.

    email-validator never looks the domain up here (check_deliverability off),
    accepts the special-use `.test` domains the sandbox's examples use
    (test_environment), and refuses control characters, lone surrogates,
    display names and quoted local parts. Non-ASCII local parts are refused
    too: SES cannot send to them. The address is kept as sent.
    """
    if not isinstance(value, str):
        return value
    try:
        validate_email(value, check_deliverability=False, test_environment=True, allow_smtputf8=False, strict=True)
    except EmailNotValidError as exc:
        raise PydanticCustomError("email", "must be a valid email address: {reason}", {"reason": str(exc)}) from None
    return value


DecimalString = Annotated[str, BeforeValidator(_decimal_string), Field(json_schema_extra=DECIMAL_SCHEMA)]
"""A decimal the body keeps as sent, so answers echo it unchanged; `decimal_of` reads its value."""
UuidString = Annotated[
    str,
    BeforeValidator(_uuid_string),
    Field(json_schema_extra={"format": "uuid", "pattern": f"^{UUID_PATTERN.pattern}$"}),
]
Identifier = Annotated[
    StrictStr,
    BeforeValidator(_identifier),
    Field(min_length=1, max_length=IDENTIFIER_MAX_LENGTH, json_schema_extra=IDENTIFIER_SCHEMA),
]
"""An id that a path later names: an account's, an order's."""
EmailAddress = Annotated[StrictStr, BeforeValidator(_email_address), Field(json_schema_extra={"format": "email"})]
Coin = Annotated[StrictStr, Field(json_schema_extra={"enum": list(COINS)})]
"""A listed coin. Stated here for clients; the service refuses another with its own message."""
Currency = Annotated[StrictStr, Field(json_schema_extra={"enum": [USD, *COINS]})]
"""USD or a listed coin, stated like Coin."""
ProviderName = Annotated[StrictStr, Field(json_schema_extra={"enum": list(PROVIDER_NAMES)})]
"""A liquidity provider, stated like Coin."""
NonNegativeCount = Annotated[StrictInt, Field(ge=0, le=1_000_000_000)]
Bps = Annotated[StrictInt, Field(ge=0, le=MAX_BPS)]
"""A commission or markup in basis points, a value out of range refused with a 400."""
SideName = Literal["BUY", "SELL"]


Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
"""A finite JSON number. Strict, since pydantic's lax mode would take `true`, `"10"` and `" 10"` for numbers."""
Rate = Annotated[Number, Field(ge=0, le=1)]


@overload
def decimal_of(text: str) -> Decimal: ...


@overload
def decimal_of(text: None) -> None: ...


def decimal_of(text: str | None) -> Decimal | None:
    """The value of a validated DecimalString field, an absent one staying absent."""
    return None if text is None else Decimal(text)


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


class Owner(RequestModel):
    """An account owner, kept as sent; only the address is checked, since the sandbox emails it."""

    model_config = ConfigDict(extra="allow", frozen=True)
    emailAddress: EmailAddress | None = None


class AccountRequest(RequestModel):
    """The parts of AccountRequest the sandbox checks; the rest is kept as sent."""

    model_config = ConfigDict(extra="allow", frozen=True)
    clientAccountId: Identifier
    owners: Annotated[list[Owner], Field(min_length=1)]
    accountType: Literal["INDIVIDUAL", "CUSTODIAL", "ENTITY_PERSONAL_TRUST", "ENTITY"] | None = None
    settlementMethod: Literal["BAKKT_TPJ", "NET_SETTLEMENT"] | None = None


# Control API (/sandbox/v1)


def _state_exactly_one(schema: JsonDict, model: type[Any]) -> None:
    """`oneOf` for ControlRequest.exactly_one_of: each branch needs its field present and not null."""
    names: tuple[str, ...] = model.exactly_one_of
    if names:
        schema["oneOf"] = [{"required": [name], "properties": {name: {"not": {"type": "null"}}}} for name in names]


class ControlRequest(RequestModel):
    """A control API body: unknown fields are refused, and `exactly_one_of` is enforced and published."""

    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra=_state_exactly_one)
    exactly_one_of: ClassVar[tuple[str, ...]] = ()
    """Fields of which a body must give exactly one, not null."""

    @model_validator(mode="before")
    @classmethod
    def _refuse_unknown_fields(cls, data: Any) -> Any:
        """Name each unknown field with the known ones, where pydantic's own
        error would say only "Extra inputs are not permitted"; raised as a
        ValidationError so the location stays the field's own (`commission.modle`)."""
        if not isinstance(data, dict):
            return data
        known = ", ".join(cls.model_fields)
        errors: list[InitErrorDetails] = [
            {
                "type": PydanticCustomError("unknown_field", "unknown field; known fields: {known}", {"known": known}),
                "loc": (str(key),),
                "input": value,
            }
            for key, value in data.items()
            if key not in cls.model_fields
        ]
        if errors:
            raise ValidationError.from_exception_data(cls.__name__, errors)
        return data

    @model_validator(mode="after")
    def _check_exactly_one(self) -> Self:
        names = self.exactly_one_of
        if names and sum(getattr(self, name) is not None for name in names) != 1:
            quoted = " or ".join(f'"{name}"' for name in names)
            raise PydanticCustomError("exactly_one", "give exactly one of {names}", {"names": quoted})
        return self


class CommissionSettings(ControlRequest):
    model: Literal["TRADE_FEE", "MARKUP"] = "TRADE_FEE"
    bps: Bps = 0


class BrandingSettings(ControlRequest):
    logoUrl: StrictStr | None = None
    ctaUrl: StrictStr | None = None
    contactEmail: EmailAddress | None = None


class ClientRequest(ControlRequest):
    clientId: Annotated[StrictStr, Field(json_schema_extra={"pattern": f"^{CLIENT_ID_PATTERN.pattern}$"})]
    fundingModel: Literal["NET_SETTLEMENT", "BAKKT_TPJ", "APEX_TPJ"] = "NET_SETTLEMENT"
    commission: CommissionSettings = CommissionSettings()
    firmAllocationAccount: StrictBool = True
    giftAccount: StrictBool = True
    branding: BrandingSettings = BrandingSettings()
    financeEmails: list[EmailAddress] = []


class InvestorSeed(ControlRequest):
    id: Identifier | None = None
    email: EmailAddress | None = None
    holdings: dict[Coin, DecimalString] = {}
    cash: DecimalString | None = None


class AccountsRequest(ControlRequest):
    exactly_one_of = ("count", "accounts")
    count: Annotated[StrictInt, Field(ge=1, le=MAX_BULK_ACCOUNTS)] | None = None
    prefix: Annotated[StrictStr, Field(pattern=r"^[A-Za-z0-9_-]{1,20}$")] = "INV"
    holdings: dict[Coin, DecimalString] = {}
    cash: DecimalString | None = None
    accounts: Annotated[list[InvestorSeed], Field(max_length=MAX_BULK_ACCOUNTS)] | None = None


class BalanceRequest(ControlRequest):
    currency: Currency
    quantity: DecimalString


class AdvanceRequest(ControlRequest):
    exactly_one_of = ("seconds", "to")
    seconds: Annotated[Number, Field(ge=0, le=MAX_ADVANCE_SECONDS)] | None = None
    to: Annotated[StrictStr, Field(json_schema_extra={"format": "date-time"})] | None = None


class ProviderSizes(ControlRequest):
    bidSize: DecimalString | None = None
    askSize: DecimalString | None = None


class MarketSettings(ControlRequest):
    price: DecimalString | None = None
    volatility: Annotated[Number, Field(ge=0, le=10)] | None = None
    spreadBps: Annotated[Number, Field(ge=0, le=5_000)] | None = None
    outage: StrictBool | None = None
    sizes: dict[ProviderName, ProviderSizes] | None = None


class QueueFaultSettings(ControlRequest):
    duplicateRate: Rate = 0.0
    maxDelaySeconds: Annotated[Number, Field(ge=0, le=86_400)] = 0.0


class S3FaultSettings(ControlRequest):
    failPuts: Annotated[StrictInt, Field(ge=0, le=1_000)] = 0


class FillFaultSettings(ControlRequest):
    latencyMs: Annotated[StrictInt, Field(ge=0, le=3_600_000)] = 250


def _fault_status(value: int) -> int:
    if value != 429 and not 500 <= value <= 599:
        raise PydanticCustomError("fault_status", "must be 429 or a 5xx status")
    return value


FaultStatus = Annotated[
    StrictInt,
    AfterValidator(_fault_status),
    Field(json_schema_extra={"anyOf": [{"const": 429}, {"minimum": 500, "maximum": 599}]}),
]
"""The statuses an API fault may answer: throttling or a server error, never one that looks like the client's mistake."""


class ApiFaultSettings(ControlRequest):
    errorRate: Rate = 0.0
    status: FaultStatus = 503
    latencyMs: Annotated[StrictInt, Field(ge=0, le=60_000)] = 0
    lostResponseRate: Rate = 0.0


class FaultsRequest(ControlRequest):
    queue: QueueFaultSettings | None = None
    s3: S3FaultSettings | None = None
    fills: FillFaultSettings | None = None
    api: ApiFaultSettings | None = None


class ResetRequest(ControlRequest):
    seed: StrictInt | None = None
