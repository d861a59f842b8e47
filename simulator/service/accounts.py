"""Investor accounts, balances and positions."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from simulator.domain import reasons
from simulator.domain.accounts import Account, AccountKind, Position
from simulator.domain.batches import AllocationStatus, BatchStatus, sell_quantity
from simulator.domain.decimals import ZERO, divide, format_decimal
from simulator.domain.fees import Side
from simulator.domain.instruments import COINS, INSTRUMENTS, USD
from simulator.domain.settlement import CashMovement, SettlementEntry
from simulator.service import cash_calls
from simulator.service.commands import OpenAccount
from simulator.service.core import SandboxCore
from simulator.service.errors import AccountExists, bad_request
from simulator.service.ids import new_id
from simulator.service.state import ClientRecord, FundingModel


@dataclass(frozen=True)
class AccountSeed:
    """One investor to create, with what it starts holding."""

    account_id: str | None
    email: str | None
    holdings: Mapping[str, Decimal]
    cash: Decimal | None


def settlement_method(client: ClientRecord) -> str | None:
    """The AccountRequest enum knows NET_SETTLEMENT and BAKKT_TPJ only."""
    if client.funding_model is FundingModel.APEX_TPJ:
        return None
    return client.funding_model.value


def generated_id(client: ClientRecord, prefix: str, taken: set[str]) -> str:
    """The next `<prefix><n>` that is neither an account yet nor in `taken`."""
    account_id = client.next_account_id(prefix)
    while account_id in taken:
        account_id = client.next_account_id(prefix)
    return account_id


def create_investors(core: SandboxCore, client: ClientRecord, seeds: list[AccountSeed], prefix: str) -> list[str]:
    """Create investors, generating ids `<prefix><n>` where none is given.

    An id given twice is refused, and a generated id skips those the request
    gives, so no account is ever created over another.
    """
    given: set[str] = set()
    for seed in seeds:
        if seed.account_id is not None:
            if seed.account_id in client.accounts:
                raise bad_request(f"accounts: account {seed.account_id} already exists")
            if seed.account_id in given:
                raise bad_request(f"accounts: account {seed.account_id} is given twice")
            given.add(seed.account_id)
        for coin, quantity in seed.holdings.items():
            if coin not in COINS:
                raise bad_request(f"holdings: unknown coin {coin}")
            if quantity < 0:
                raise bad_request(f"holdings.{coin}: must not be negative")
        if seed.cash is not None and seed.cash < 0:
            raise bad_request("cash: must not be negative")
    created: list[str] = []
    now = core.now
    for seed in seeds:
        account_id = seed.account_id if seed.account_id is not None else generated_id(client, prefix, given)
        client.accounts[account_id] = Account(account_id, AccountKind.INVESTOR, now, email=seed.email)
        for coin, quantity in sorted(seed.holdings.items()):
            client.ledger.deposit(account_id, coin, quantity)
        if seed.cash is not None:
            client.ledger.deposit(account_id, USD, seed.cash)
        created.append(account_id)
    return created


def open_account(core: SandboxCore, client: ClientRecord, command: OpenAccount) -> Account:
    """POST /accounts: the request is kept as the account's AccountRequest."""
    if command.client_account_id in client.accounts:
        raise AccountExists(command.client_account_id)
    account = Account(command.client_account_id, AccountKind.INVESTOR, core.now, email=command.email, request=command.request)
    client.accounts[account.id] = account
    return account


def account_request(core: SandboxCore, client: ClientRecord, account: Account) -> dict[str, Any]:
    """The account's AccountRequest: as sent, or generated on first use for an investor
    the control API created, its first owner's address then the account's email."""
    if not account.request:
        identity = core.identities.identity(client.client_id, account.id, settlement_method(client), account.email)
        account.request, account.email = identity.request, identity.email
    return account.request


def find_account(client: ClientRecord, account_id: str) -> Account:
    account = client.accounts.get(account_id)
    if account is None:
        raise bad_request(reasons.INVALID_ACCOUNT)
    return account


def get_account(core: SandboxCore, client: ClientRecord, account_id: str) -> Account:
    """The account, its AccountRequest generated if it had none."""
    account = find_account(client, account_id)
    account_request(core, client, account)
    return account


def settlement_method_of(client: ClientRecord, account_id: str) -> FundingModel:
    """How the account's trades settle: its client's funding model."""
    find_account(client, account_id)
    return client.funding_model


def move_balance(
    core: SandboxCore, client: ClientRecord, account_id: str, currency: str, quantity: Decimal, *, withdraw: bool
) -> dict[str, Any]:
    """A control-API deposit or withdrawal of a coin or of USD cash.

    A USD movement is a cash adjustment: it appears in the settlement detail.
    """
    find_account(client, account_id)
    if quantity <= 0:
        raise bad_request("quantity: must be greater than zero")
    if currency == USD:
        if withdraw and client.ledger.cash(account_id) < quantity:
            raise bad_request(f"Insufficient USD in account {account_id}")
        client.ledger.deposit(account_id, USD, -quantity if withdraw else quantity)
        adjustment_id = new_id(core)
        entry = SettlementEntry(
            account=account_id,
            client_order_id=adjustment_id,
            execution_id=adjustment_id,
            executed_ns=core.now,
            side=CashMovement.WITHDRAWAL if withdraw else CashMovement.DEPOSIT,
            symbol=USD,
            quantity=quantity,
            price=Decimal(1),
            notional=quantity,
            fee=ZERO,
        )
        client.settlement.entries.append(entry)
        cash_calls.record_adjustment(core, client, entry)
    elif currency in COINS:
        if withdraw and client.ledger.holding(account_id, currency) < quantity:
            raise bad_request(f"Insufficient {currency} in account {account_id}")
        client.ledger.deposit(account_id, currency, -quantity if withdraw else quantity)
    else:
        raise bad_request("currency: must be USD or a listed coin")
    return balances(client, account_id)


def balances(client: ClientRecord, account_id: str) -> dict[str, Any]:
    """Cash, holdings, and buying power: the cash less what open cash calls still take (TPJ)."""
    holdings = client.ledger.holdings(account_id)
    cash = client.ledger.cash(account_id)
    unsettled = client.cash_calls.unsettled(account_id)
    return {
        "account": account_id,
        "cash": format_decimal(cash),
        "unsettledCashCalls": format_decimal(unsettled),
        "buyingPower": format_decimal(cash - unsettled),
        "holdings": {coin: format_decimal(q) for coin, q in sorted(holdings.items())},
    }


def pending_sells(core: SandboxCore, client: ClientRecord, account_id: str) -> dict[str, Decimal]:
    """Coin that PENDING SELL allocations may still take from the account."""
    taken: dict[str, Decimal] = {}
    for batch in client.batches.values():
        if batch.status not in (BatchStatus.OPEN, BatchStatus.CLOSED, BatchStatus.IN_PROGRESS):
            continue
        instrument = INSTRUMENTS[batch.symbol]
        bid = None
        for allocation in batch.pending:
            if allocation.account != account_id or allocation.side is not Side.SELL:
                continue
            if allocation.status not in (AllocationStatus.PENDING, AllocationStatus.IN_PROGRESS):
                continue
            if bid is None:
                best = core.market.book(batch.symbol, core.now).best_bid
                bid = best.bid if best else core.market[batch.symbol].mid_at(core.now)
            quantity = sell_quantity(allocation, batch.type, bid, instrument)
            taken[instrument.coin] = taken.get(instrument.coin, ZERO) + quantity
    return taken


def open_sell_quantity(core: SandboxCore, client: ClientRecord, account_id: str, coin: str) -> Decimal:
    """Coin that the account's working SELL orders may still take."""
    total = ZERO
    for order in client.working_orders.values():
        if order.side is not Side.SELL or order.account != account_id:
            continue
        if INSTRUMENTS[order.symbol].coin != coin:
            continue
        if order.open_quantity is not None:
            total += order.open_quantity
        else:
            best = core.market.book(order.symbol, core.now).best_bid
            if best is not None:
                total += divide(order.open_notional or ZERO, best.bid)
    return total


def positions(core: SandboxCore, client: ClientRecord, account_id: str) -> list[Position]:
    """The account's holdings by coin, each with what its pending SELL allocations and
    working SELL orders may still take."""
    find_account(client, account_id)
    reserved = pending_sells(core, client, account_id)
    holdings = client.ledger.holdings(account_id)
    for coin in holdings:
        reserved[coin] = reserved.get(coin, ZERO) + open_sell_quantity(core, client, account_id, coin)
    return [Position(coin, current, reserved.get(coin, ZERO)) for coin, current in sorted(holdings.items())]
