"""The sandbox's own control API under /sandbox/v1."""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from simulator.api.dispatch import Access, Call, route
from simulator.api.schemas import (
    MAX_ADVANCE_SECONDS,
    AccountsRequest,
    AdvanceRequest,
    BalanceRequest,
    ClientRequest,
    FaultsRequest,
    MarketSettings,
    ResetRequest,
)
from simulator.domain.fees import Commission, CommissionModel
from simulator.domain.instruments import INSTRUMENTS
from simulator.engine.clock import NS_PER_SECOND, TimeFormatError, central_date, iso_millis, parse_instant
from simulator.engine.kernel import TimeTravelError
from simulator.service import accounts, statements
from simulator.service.accounts import AccountSeed
from simulator.service.clients import ClientSpec, provision_client
from simulator.service.errors import ApiError, bad_request
from simulator.service.faults import ApiFaults
from simulator.service.state import Branding, ClientRecord, FundingModel

CONTROL = "/sandbox/v1"
DEFAULT_EVENT_PAGE = 1000
WHOLE_NUMBER = re.compile(r"[0-9]{1,12}")
MAX_ADVANCE_NS = MAX_ADVANCE_SECONDS * NS_PER_SECOND


def clock_view(call: Call) -> dict[str, Any]:
    return {"now": iso_millis(call.core.now), "mode": call.host.clock_mode}


def client_named(call: Call, client_id: str) -> ClientRecord:
    client = call.core.clients.get(client_id)
    if client is None:
        raise ApiError(404, f"No client {client_id}")
    return client


def symbol_named(symbol: str) -> str:
    if symbol not in INSTRUMENTS:
        raise ApiError(404, f"No instrument {symbol}")
    return symbol


def decimals_of(holdings: dict[str, str]) -> dict[str, Decimal]:
    return {coin: Decimal(quantity) for coin, quantity in holdings.items()}


@route("GET", f"{CONTROL}/clock", Access.CONTROL)
def get_clock(call: Call) -> tuple[int, Any]:
    return 200, clock_view(call)


@route("POST", f"{CONTROL}/clock/advance", Access.CONTROL, AdvanceRequest)
def advance_clock(call: Call) -> tuple[int, Any]:
    body: AdvanceRequest = call.body
    if body.to is not None:
        try:
            target = parse_instant(body.to)
        except TimeFormatError as exc:
            raise bad_request(f"to: {exc}") from None
    else:
        assert body.seconds is not None
        target = call.core.now + round(body.seconds * NS_PER_SECOND)
    if target - call.core.now > MAX_ADVANCE_NS:
        raise bad_request("to: at most 10 years ahead of the current time")
    try:
        call.core.kernel.run_to(target)
    except TimeTravelError:
        raise bad_request(f"to: {body.to} is before the current time {iso_millis(call.core.now)}; time never goes backward") from None
    return 200, clock_view(call)


@route("POST", f"{CONTROL}/clients", Access.CONTROL, ClientRequest)
def create_client(call: Call) -> tuple[int, Any]:
    body: ClientRequest = call.body
    spec = ClientSpec(
        client_id=body.clientId,
        funding_model=FundingModel(body.fundingModel),
        commission=Commission(CommissionModel(body.commission.model), body.commission.bps),
        firm_allocation_account=body.firmAllocationAccount,
        gift_account=body.giftAccount,
        branding=Branding(body.branding.logoUrl, body.branding.ctaUrl, body.branding.contactEmail),
        finance_emails=tuple(body.financeEmails),
    )
    return 201, provision_client(call.core, spec).provisioning_answer()


@route("POST", f"{CONTROL}/clients/{{clientId}}/accounts", Access.CONTROL, AccountsRequest)
def create_accounts(call: Call) -> tuple[int, Any]:
    body: AccountsRequest = call.body
    client = client_named(call, call.params["clientId"])
    if body.accounts is not None:
        seeds = [
            AccountSeed(a.id, a.email, decimals_of(a.holdings), None if a.cash is None else Decimal(a.cash))
            for a in body.accounts
        ]
    else:
        assert body.count is not None
        cash = None if body.cash is None else Decimal(body.cash)
        seeds = [AccountSeed(None, None, decimals_of(body.holdings), cash)] * body.count
    return 201, {"accounts": accounts.create_investors(call.core, client, seeds, body.prefix)}


def _balance(call: Call, *, withdraw: bool) -> tuple[int, Any]:
    body: BalanceRequest = call.body
    client = client_named(call, call.params["clientId"])
    return 200, accounts.move_balance(
        call.core, client, call.params["account"], body.currency, Decimal(body.quantity), withdraw=withdraw
    )


@route("POST", f"{CONTROL}/clients/{{clientId}}/accounts/{{account}}/deposit", Access.CONTROL, BalanceRequest)
def deposit(call: Call) -> tuple[int, Any]:
    return _balance(call, withdraw=False)


@route("POST", f"{CONTROL}/clients/{{clientId}}/accounts/{{account}}/withdraw", Access.CONTROL, BalanceRequest)
def withdraw(call: Call) -> tuple[int, Any]:
    return _balance(call, withdraw=True)


@route("GET", f"{CONTROL}/clients/{{clientId}}/accounts/{{account}}", Access.CONTROL)
def get_balances(call: Call) -> tuple[int, Any]:
    client = client_named(call, call.params["clientId"])
    accounts.find_account(client, call.params["account"])
    return 200, accounts.balances(client, call.params["account"])


@route("GET", f"{CONTROL}/clients/{{clientId}}/accounts/{{account}}/statement", Access.CONTROL)
def get_statement(call: Call) -> tuple[int, Any]:
    """The year-end profit and loss; `year` defaults to the current year in Chicago."""
    client = client_named(call, call.params["clientId"])
    account = accounts.find_account(client, call.params["account"]).id
    year = query_int(call, "year", central_date(call.core.now).year)
    if not statements.FIRST_YEAR <= year <= statements.LAST_YEAR:
        raise bad_request(f"year: must be from {statements.FIRST_YEAR} to {statements.LAST_YEAR}")
    return 200, statements.statement(client, account, year)


@route("GET", f"{CONTROL}/market/{{symbol}}", Access.CONTROL)
def get_market(call: Call) -> tuple[int, Any]:
    symbol = symbol_named(call.params["symbol"])
    return 200, call.core.market.book(symbol, call.core.now).to_api()


@route("POST", f"{CONTROL}/market/{{symbol}}", Access.CONTROL, MarketSettings)
def set_market(call: Call) -> tuple[int, Any]:
    body: MarketSettings = call.body
    symbol = symbol_named(call.params["symbol"])
    price = None if body.price is None else Decimal(body.price)
    if price is not None and price <= 0:
        raise bad_request("price: must be greater than zero")
    call.core.market[symbol].configure(
        call.core.now, price=price, volatility=body.volatility, spread_bps=body.spreadBps, outage=body.outage
    )
    return 200, call.core.market.book(symbol, call.core.now).to_api()


@route("POST", f"{CONTROL}/faults", Access.CONTROL, FaultsRequest)
def set_faults(call: Call) -> tuple[int, Any]:
    body: FaultsRequest = call.body
    outbox, router = call.core.outbox, call.core.router
    if body.queue is not None:
        outbox.faults.duplicate_rate = body.queue.duplicateRate
        outbox.faults.max_delay_seconds = body.queue.maxDelaySeconds
    if body.fills is not None:
        router.latency_ms = body.fills.latencyMs
    if body.s3 is not None:
        call.core.files.fail_next_puts(body.s3.failPuts)
    if body.api is not None:
        call.core.api_faults = ApiFaults(
            body.api.errorRate, body.api.status, body.api.latencyMs, body.api.lostResponseRate
        )
    api = call.core.api_faults
    return 200, {
        "queue": {"duplicateRate": outbox.faults.duplicate_rate, "maxDelaySeconds": outbox.faults.max_delay_seconds},
        "s3": {"failPuts": call.core.files.failing_puts},
        "fills": {"latencyMs": router.latency_ms},
        "api": {
            "errorRate": api.error_rate,
            "status": api.status,
            "latencyMs": api.latency_ms,
            "lostResponseRate": api.lost_response_rate,
        },
    }


def query_int(call: Call, name: str, default: int) -> int:
    raw = call.query.get(name)
    if raw is None:
        return default
    if not WHOLE_NUMBER.fullmatch(raw):
        raise bad_request(f"{name}: must be a whole number")
    return int(raw)


@route("GET", f"{CONTROL}/events", Access.CONTROL)
def get_events(call: Call) -> tuple[int, Any]:
    client_id = call.query.get("client")
    if client_id is not None:
        client_named(call, client_id)
    after = query_int(call, "after", 0)
    limit = max(1, min(query_int(call, "limit", DEFAULT_EVENT_PAGE), 10_000))
    entries = call.core.journal.read(client_id, after, limit)
    next_cursor = entries[-1].seq if entries else after
    return 200, {"events": [e.to_api() for e in entries], "next": next_cursor}


@route("GET", f"{CONTROL}/files", Access.CONTROL)
def get_files(call: Call) -> tuple[int, Any]:
    client_id = call.query.get("client")
    if client_id is not None:
        client_named(call, client_id)
    return 200, {"files": [call.core.files.to_api(f) for f in call.core.files.list(client_id)]}


@route("GET", f"{CONTROL}/emails", Access.CONTROL)
def get_emails(call: Call) -> tuple[int, Any]:
    client_id = call.query.get("client")
    if client_id is not None:
        client_named(call, client_id)
    return 200, {"emails": [m.to_api() for m in call.core.mail.list(client_id, call.query.get("to"))]}


@route("POST", f"{CONTROL}/reset", Access.CONTROL, ResetRequest)
def reset(call: Call) -> tuple[int, Any]:
    body: ResetRequest = call.body
    call.host.reset(body.seed)
    core = call.host.core
    return 200, {"now": iso_millis(core.now), "seed": core.seed}


CONTROL_ROUTES = (
    get_clock,
    advance_clock,
    create_client,
    create_accounts,
    deposit,
    withdraw,
    get_balances,
    get_statement,
    get_market,
    set_market,
    set_faults,
    get_events,
    get_files,
    get_emails,
    reset,
)
