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
    ProviderSizes,
    ResetRequest,
    decimal_of,
)
from simulator.domain.fees import Commission, CommissionModel
from simulator.engine.clock import NS_PER_SECOND, TimeFormatError, central_date, iso_millis, parse_instant
from simulator.engine.kernel import TimeTravelError
from simulator.market.quotes import PinnedSizes
from simulator.service import accounts, control_clock, control_faults, control_market, control_records, control_reset, statements
from simulator.service.accounts import AccountSeed
from simulator.service.clients import ClientSpec, provision_client
from simulator.service.control_clients import client_named
from simulator.service.control_clock import AdvanceClock
from simulator.service.control_faults import SetFaults
from simulator.service.control_market import ConfigureMarket, ReadMarket
from simulator.service.control_records import ListedFile, ReadEmails, ReadEvents, ReadFiles
from simulator.service.control_reset import Reset
from simulator.service.errors import bad_request
from simulator.service.faults import ApiFaults, Faults, QueueFaults
from simulator.service.state import Branding, FundingModel

CONTROL = "/sandbox/v1"
DEFAULT_EVENT_PAGE = 1000
MAX_EVENT_PAGE = 10_000
WHOLE_NUMBER = re.compile(r"[0-9]{1,12}")
MAX_ADVANCE_NS = MAX_ADVANCE_SECONDS * NS_PER_SECOND


def clock_view(call: Call, now_ns: int) -> dict[str, Any]:
    return {"now": iso_millis(now_ns), "mode": call.host.clock_mode}


def decimals_of(holdings: dict[str, str]) -> dict[str, Decimal]:
    return {coin: decimal_of(quantity) for coin, quantity in holdings.items()}


@route("GET", f"{CONTROL}/clock", Access.CONTROL)
def get_clock(call: Call) -> tuple[int, Any]:
    return 200, clock_view(call, call.core.now)


@route("POST", f"{CONTROL}/clock/advance", Access.CONTROL, AdvanceRequest)
def advance_clock(call: Call) -> tuple[int, Any]:
    body: AdvanceRequest = call.body
    now = call.core.now
    if body.to is not None:
        try:
            target = parse_instant(body.to)
        except TimeFormatError as exc:
            raise bad_request(f"to: {exc}") from None
    else:
        assert body.seconds is not None
        target = now + round(body.seconds * NS_PER_SECOND)
    if target - now > MAX_ADVANCE_NS:
        raise bad_request("to: at most 10 years ahead of the current time")
    try:
        reached = control_clock.advance_clock(call.core, AdvanceClock(target))
    except TimeTravelError:
        raise bad_request(f"to: {body.to} is before the current time {iso_millis(now)}; time never goes backward") from None
    return 200, clock_view(call, reached)


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
    client = client_named(call.core, call.params["clientId"])
    if body.accounts is not None:
        seeds = [
            AccountSeed(a.id, a.email, decimals_of(a.holdings), decimal_of(a.cash))
            for a in body.accounts
        ]
    else:
        assert body.count is not None
        cash = decimal_of(body.cash)
        seeds = [AccountSeed(None, None, decimals_of(body.holdings), cash)] * body.count
    return 201, {"accounts": accounts.create_investors(call.core, client, seeds, body.prefix)}


def _balance(call: Call, *, withdraw: bool) -> tuple[int, Any]:
    body: BalanceRequest = call.body
    client = client_named(call.core, call.params["clientId"])
    return 200, accounts.move_balance(
        call.core, client, call.params["account"], body.currency, decimal_of(body.quantity), withdraw=withdraw
    )


@route("POST", f"{CONTROL}/clients/{{clientId}}/accounts/{{account}}/deposit", Access.CONTROL, BalanceRequest)
def deposit(call: Call) -> tuple[int, Any]:
    return _balance(call, withdraw=False)


@route("POST", f"{CONTROL}/clients/{{clientId}}/accounts/{{account}}/withdraw", Access.CONTROL, BalanceRequest)
def withdraw(call: Call) -> tuple[int, Any]:
    return _balance(call, withdraw=True)


@route("GET", f"{CONTROL}/clients/{{clientId}}/accounts/{{account}}", Access.CONTROL)
def get_balances(call: Call) -> tuple[int, Any]:
    client = client_named(call.core, call.params["clientId"])
    accounts.find_account(client, call.params["account"])
    return 200, accounts.balances(client, call.params["account"])


@route("GET", f"{CONTROL}/clients/{{clientId}}/accounts/{{account}}/statement", Access.CONTROL)
def get_statement(call: Call) -> tuple[int, Any]:
    """The year-end profit and loss; `year` defaults to the current year in Chicago."""
    client = client_named(call.core, call.params["clientId"])
    account = accounts.find_account(client, call.params["account"]).id
    year = query_int(call, "year", central_date(call.core.now).year)
    if not statements.FIRST_YEAR <= year <= statements.LAST_YEAR:
        raise bad_request(f"year: must be from {statements.FIRST_YEAR} to {statements.LAST_YEAR}")
    return 200, statements.statement(client, account, year)


@route("GET", f"{CONTROL}/market/{{symbol}}", Access.CONTROL)
def get_market(call: Call) -> tuple[int, Any]:
    return 200, control_market.read_market(call.core, ReadMarket(call.params["symbol"])).to_api()


@route("POST", f"{CONTROL}/market/{{symbol}}", Access.CONTROL, MarketSettings)
def set_market(call: Call) -> tuple[int, Any]:
    body: MarketSettings = call.body
    command = ConfigureMarket(
        call.params["symbol"],
        price=decimal_of(body.price),
        volatility=body.volatility,
        spread_bps=body.spreadBps,
        outage=body.outage,
        sizes=None if body.sizes is None else {name: pinned_sizes(sizes) for name, sizes in body.sizes.items()},
    )
    return 200, control_market.configure_market(call.core, command).to_api()


def pinned_sizes(sizes: ProviderSizes) -> PinnedSizes:
    return PinnedSizes(decimal_of(sizes.bidSize), decimal_of(sizes.askSize))


@route("POST", f"{CONTROL}/faults", Access.CONTROL, FaultsRequest)
def set_faults(call: Call) -> tuple[int, Any]:
    body: FaultsRequest = call.body
    command = SetFaults(
        queue=None if body.queue is None else QueueFaults(body.queue.duplicateRate, body.queue.maxDelaySeconds),
        fail_puts=None if body.s3 is None else body.s3.failPuts,
        fill_latency_ms=None if body.fills is None else body.fills.latencyMs,
        api=None
        if body.api is None
        else ApiFaults(body.api.errorRate, body.api.status, body.api.latencyMs, body.api.lostResponseRate),
    )
    return 200, faults_view(control_faults.set_faults(call.core, command))


def faults_view(faults: Faults) -> dict[str, Any]:
    queue, api = faults.queue, faults.api
    return {
        "queue": {"duplicateRate": queue.duplicate_rate, "maxDelaySeconds": queue.max_delay_seconds},
        "s3": {"failPuts": faults.fail_puts},
        "fills": {"latencyMs": faults.fill_latency_ms},
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


def query_client(call: Call) -> str | None:
    """The `client` a read is narrowed to: one the sandbox knows, so a typo is a 404, not an empty answer."""
    client_id = call.query.get("client")
    if client_id is not None:
        client_named(call.core, client_id)
    return client_id


@route("GET", f"{CONTROL}/events", Access.CONTROL)
def get_events(call: Call) -> tuple[int, Any]:
    client_id = query_client(call)
    after = query_int(call, "after", 0)
    limit = max(1, min(query_int(call, "limit", DEFAULT_EVENT_PAGE), MAX_EVENT_PAGE))
    page = control_records.read_events(call.core, ReadEvents(client_id, after, limit))
    return 200, {"events": [entry.to_api() for entry in page.entries], "next": page.next}


@route("GET", f"{CONTROL}/files", Access.CONTROL)
def get_files(call: Call) -> tuple[int, Any]:
    listed = control_records.read_files(call.core, ReadFiles(query_client(call)))
    return 200, {"files": [file_view(item) for item in listed]}


def file_view(listed: ListedFile) -> dict[str, Any]:
    stored = listed.file
    return {"key": stored.key, "size": len(stored.body), "writtenAt": iso_millis(stored.written_ns), "delivered": listed.delivered}


@route("GET", f"{CONTROL}/emails", Access.CONTROL)
def get_emails(call: Call) -> tuple[int, Any]:
    emails = control_records.read_emails(call.core, ReadEmails(query_client(call), call.query.get("to")))
    return 200, {"emails": [email.to_api() for email in emails]}


@route("POST", f"{CONTROL}/reset", Access.CONTROL, ResetRequest)
def reset(call: Call) -> tuple[int, Any]:
    body: ResetRequest = call.body
    restarted = control_reset.reset(call.host, Reset(body.seed))
    return 200, {"now": iso_millis(restarted.now_ns), "seed": restarted.seed}


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
