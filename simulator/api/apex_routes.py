"""The vendor's API under /apex-crypto: each route parses its request into a command
for one handler and renders what the handler answers."""
from __future__ import annotations

from typing import Any

from simulator.api.dispatch import Access, Call, route
from simulator.api.http import validation_errors_body
from simulator.api.schemas import (
    AccountRequest,
    BatchAllocationCloseRequest,
    BatchAllocationOpenRequest,
    BatchTradeAllocationRequest,
    LoginRequest,
    decimal_of,
)
from simulator.api.stream_frames import config_body
from simulator.domain.accounts import Account, Position
from simulator.domain.batches import BatchType
from simulator.domain.decimals import format_decimal
from simulator.domain.fees import Side
from simulator.domain.instruments import INSTRUMENTS
from simulator.engine.clock import iso_millis
from simulator.service import accounts, batches
from simulator.service.clients import login
from simulator.service.commands import Allocate, CloseBatch, LogIn, OpenAccount, OpenBatch
from simulator.service.errors import AccountExists, ApiError

STATUS = "/apex-crypto/api/status"
API = "/apex-crypto/api/v2"
BATCH = f"{API}/allocation/trade/batch"
CIP_CLEARANCE = "ACCEPTED"
"""Every sandbox account has passed the vendor's identity checks."""


@route("GET", STATUS, Access.PUBLIC)
def status(call: Call) -> tuple[int, Any]:
    return 200, "ok"


@route("POST", f"{API}/login", Access.PUBLIC, LoginRequest)
def login_route(call: Call) -> tuple[int, Any]:
    body: LoginRequest = call.body
    return 200, {"token": login(call.core, LogIn(body.logonId, body.password))}


@route("GET", f"{API}/config", Access.CLIENT)
def config(call: Call) -> tuple[int, Any]:
    return 200, config_body(call.host.stream_url)


@route("POST", f"{API}/config", Access.CLIENT)
def post_config(call: Call) -> tuple[int, Any]:
    """The vendor's docs call the config with `POST {}`; the body, if any, is ignored, as GET has none."""
    return config.handler(call)


@route("GET", f"{API}/instruments", Access.CLIENT)
def instruments(call: Call) -> tuple[int, Any]:
    return 200, {"instruments": [i.to_api() for i in INSTRUMENTS.values()]}


@route("POST", f"{API}/accounts", Access.CLIENT, AccountRequest, validation_errors=True)
def create_account(call: Call) -> tuple[int, Any]:
    body: AccountRequest = call.body
    command = OpenAccount(body.echo(), body.clientAccountId, body.owners[0].emailAddress)
    try:
        account = accounts.open_account(call.core, call.client, command)
    except AccountExists as exc:
        raise taken_account_id(exc.account_id) from None
    return 200, account_answer(account)


def taken_account_id(account_id: str) -> ApiError:
    """The vendor's answer to a clientAccountId in use: a validation error of that field, coded 409."""
    entry: dict[str, Any] = {
        "code": 409,
        "field": "clientAccountId",
        "message": "an account with this clientAccountId already exists",
        "rejectedValue": account_id,
    }
    body = validation_errors_body([entry])
    return ApiError(422, body["message"], body)


def account_answer(account: Account) -> dict[str, Any]:
    return {
        "id": account.id,
        "cipClearanceState": CIP_CLEARANCE,
        "createdAt": iso_millis(account.created_ns),
        "mode": "OPEN",
        "request": account.request,
        "status": "COMPLETE",
    }


@route("GET", f"{API}/accounts/{{clientAccountId}}", Access.CLIENT)
def get_account(call: Call) -> tuple[int, Any]:
    return 200, account_answer(accounts.get_account(call.core, call.client, call.params["clientAccountId"]))


@route("GET", f"{API}/accounts/{{clientAccountId}}/status", Access.CLIENT)
def get_account_status(call: Call) -> tuple[int, Any]:
    method = accounts.settlement_method_of(call.client, call.params["clientAccountId"])
    return 200, {"canTradeCrypto": True, "cipClearanceState": CIP_CLEARANCE, "settlementMethod": method.value}


@route("GET", f"{API}/positions/{{account}}", Access.CLIENT)
def get_positions(call: Call) -> tuple[int, Any]:
    account = call.params["account"]
    rows = accounts.positions(call.core, call.client, account)
    return 200, {"positions": [position_answer(account, row) for row in rows]}


def position_answer(account: str, position: Position) -> dict[str, str]:
    """`settled` and `transferable` are the holding: the sandbox keeps no coin unsettled."""
    held = format_decimal(position.current)
    return {
        "account": account,
        "currency": position.coin,
        "current": held,
        "settled": held,
        "tradable": format_decimal(position.tradable),
        "transferable": held,
    }


@route("POST", f"{BATCH}/open", Access.CLIENT, BatchAllocationOpenRequest)
def open_batch(call: Call) -> tuple[int, Any]:
    body: BatchAllocationOpenRequest = call.body
    command = OpenBatch(body.echo(), body.batchTransactionId, body.symbol, BatchType(body.type))
    return 200, batches.open_batch(call.core, call.client, command).to_api()


@route("POST", f"{BATCH}/allocate", Access.CLIENT, BatchTradeAllocationRequest)
def allocate(call: Call) -> tuple[int, Any]:
    body: BatchTradeAllocationRequest = call.body
    command = Allocate(
        request=body.echo(),
        account=body.account,
        amount=decimal_of(body.amount),
        batch_transaction_id=body.batchTransactionId,
        client_transaction_id=body.clientTransactionId,
        side=Side(body.side),
        symbol=body.symbol,
        bps_commission=body.bpsCommission,
        fixed_commission=decimal_of(body.fixedCommission),
    )
    return 200, batches.allocate(call.core, call.client, command).to_api()


@route("GET", f"{BATCH}/allocate/{{clientTransactionId}}", Access.CLIENT)
def get_allocation(call: Call) -> tuple[int, Any]:
    return 200, batches.find_allocation(call.client, call.params["clientTransactionId"]).to_api()


@route("POST", f"{BATCH}/close", Access.CLIENT, BatchAllocationCloseRequest)
def close_batch(call: Call) -> tuple[int, Any]:
    body: BatchAllocationCloseRequest = call.body
    command = CloseBatch(body.batchTransactionId, body.allocations)
    return 200, batches.close_batch(call.core, call.client, command).to_api()


@route("GET", f"{BATCH}/{{batchTransactionId}}", Access.CLIENT)
def get_batch(call: Call) -> tuple[int, Any]:
    return 200, batches.find_batch(call.client, call.params["batchTransactionId"]).to_api()


APEX_ROUTES = (
    status,
    login_route,
    config,
    post_config,
    instruments,
    create_account,
    get_account,
    get_account_status,
    get_positions,
    open_batch,
    allocate,
    get_allocation,
    close_batch,
    get_batch,
)
