"""Setup: the sandbox, the market, clients and the clock."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from pytest_bdd import given, then, when

from simulator.engine.clock import parse_instant, to_datetime
from simulator.testing.context import CONTROL, BakktContext, SandboxSettings
from simulator.testing.grammar import phrase, table_rows

CLIENT = 'a client "{client:Text}"'


@given(phrase('a sandbox with seed {seed:d} at "{start:Text}"'))
def sandbox_with_seed(bakkt_context: BakktContext, seed: int, start: str) -> None:
    """Ids, passwords and quote sizes all derive from the seed, so expectations can be exact.
    Comes before any step that uses the sandbox. Under `--bakkt-seeds` the run's seed replaces
    this one (the report's run.json says so), and the start stays."""
    bakkt_context.configure(SandboxSettings(seed=seed, start=start))
    assert bakkt_context.sandbox.now == to_datetime(parse_instant(start))


@given(phrase('the market for {symbol:Word} is fixed at "{price:Text}" with a spread of {spread:d} bps'))
def fixed_market(bakkt_context: BakktContext, symbol: str, price: str, spread: int) -> None:
    """Volatility 0 keeps the mid where it is set, so fill prices can be worked out by hand:
    the best provider quotes the mid plus or minus half the spread, rounded away from the mid."""
    body = {"price": price, "volatility": 0, "spreadBps": spread}
    book = bakkt_context.control("POST", f"{CONTROL}/market/{symbol}", body).expect(200)
    assert Decimal(book["mid"]) == Decimal(price), f"the mid is {book['mid']}, expected {price}"


@given(phrase("the market for {symbol:Word} has an outage"))
@when(phrase("the market for {symbol:Word} has an outage"))
def market_outage(bakkt_context: BakktContext, symbol: str) -> None:
    """No provider quotes from now on, so what needs the market fails with `unknown: empty quotes`."""
    book = bakkt_context.control("POST", f"{CONTROL}/market/{symbol}", {"outage": True}).expect(200)
    assert book["providers"] == [], f"providers still quote: {book['providers']}"


SIZE_COLUMNS = ("bidSize", "askSize")


@given(phrase("the market for {symbol:Word} quotes:"))
def market_quotes_pinned(bakkt_context: BakktContext, symbol: str, datatable: list[list[str]]) -> None:
    """The sizes in the table (bidSize, askSize) are pinned, so the fills worked out from them hold
    whatever the seed; the prices come from the fixed mid and spread and are checked."""
    pins = {row["provider"]: {column: row[column] for column in SIZE_COLUMNS if row.get(column)} for row in table_rows(datatable)}
    bakkt_context.control("POST", f"{CONTROL}/market/{symbol}", {"sizes": pins}).expect(200)
    market_quotes(bakkt_context, symbol, datatable)


@then(phrase("the market for {symbol:Word} quotes:"))
def market_quotes(bakkt_context: BakktContext, symbol: str, datatable: list[list[str]]) -> None:
    """Each provider's quote now (columns among provider, bid, ask, bidSize, askSize): the inputs
    a multi-provider fill is worked out from."""
    book = bakkt_context.control("GET", f"{CONTROL}/market/{symbol}").expect(200)
    actual = [{column: quote.get(column) for column in datatable[0]} for quote in book["providers"]]
    expected = table_rows(datatable)
    assert actual == expected, f"quotes are {actual}, expected {expected}"


def provision(bakkt_context: BakktContext, body: dict[str, Any]) -> None:
    """Provision through the control API and log in, as a client's onboarding would."""
    answer = bakkt_context.provision(body).provisioning
    has_firm_account = answer["firmAllocationAccount"] is not None
    assert answer["clientId"] == body["clientId"], f"provisioned {answer['clientId']}, expected {body['clientId']}"
    assert has_firm_account == body.get("firmAllocationAccount", True), f"firmAllocationAccount is {answer}"


@given(phrase(CLIENT))
def default_client(bakkt_context: BakktContext, client: str) -> None:
    """Net settlement, no commission, a Firm Allocation and a Gift Account: the contract's defaults."""
    provision(bakkt_context, {"clientId": client})


@given(phrase(CLIENT + " with funding model {funding_model:Word}"))
def client_with_funding(bakkt_context: BakktContext, client: str, funding_model: str) -> None:
    """Funding decides settlement files and cash calls; batches behave the same under each."""
    provision(bakkt_context, {"clientId": client, "fundingModel": funding_model})


@given(phrase(CLIENT + " with commission {model:Word} {bps:d} bps"))
def client_with_commission(bakkt_context: BakktContext, client: str, model: str, bps: int) -> None:
    """TRADE_FEE charges its bps as a fee; MARKUP moves the price instead. Allocations without
    their own commission use it."""
    provision(bakkt_context, {"clientId": client, "commission": {"model": model, "bps": bps}})


@given(phrase(CLIENT + " without a firm allocation account"))
def client_without_firm_account(bakkt_context: BakktContext, client: str) -> None:
    """Batches need the Firm Allocation Account: without it opening a batch and allocating are rejected."""
    provision(bakkt_context, {"clientId": client, "firmAllocationAccount": False})


def advance(bakkt_context: BakktContext, body: dict[str, Any], expected_now: datetime) -> None:
    answer = bakkt_context.advance(body).expect(200)
    assert bakkt_context.sandbox.now == expected_now, f"the clock is at {answer['now']}, expected {expected_now}"


@when(phrase("the clock advances {seconds:g} seconds"))
@when(phrase("the clock advances {seconds:g} second"))
def clock_advances(bakkt_context: BakktContext, seconds: float) -> None:
    """Simulated time only: what falls due meanwhile (fills 250 ms after a close) has happened after."""
    advance(bakkt_context, {"seconds": seconds}, bakkt_context.sandbox.now + timedelta(seconds=seconds))


@when(phrase('the clock advances to "{instant:Text}"'))
def clock_advances_to(bakkt_context: BakktContext, instant: str) -> None:
    """An instant rather than a duration, for cutoffs and business hours."""
    advance(bakkt_context, {"to": instant}, to_datetime(parse_instant(instant)))
